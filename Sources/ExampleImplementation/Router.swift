// The network between the three servers. In a real deployment the ICM, the
// CVCT and the ECS are separate machines joined by links that keep each link's
// messages in order; here each server is an actor with a mailbox, and the
// router plays the links. It also taps every message a played role sends and
// reports it to the harness (internal: true).

import Foundation

/// A server: it handles the messages it receives one at a time, in order, and
/// answers each with the messages it sends, in the order it sends them.
protocol Server: Actor {
    func receive(_ message: Message) -> [Message]
}

actor Router {
    private let played: Set<Role>
    private let output: LineWriter
    private let fault: Fault?

    /// One mailbox per played role, drained by that role's own task, so a role
    /// handles its messages strictly in arrival order (an actor alone does not
    /// promise FIFO between calls from different tasks; a mailbox does).
    private var mailboxes: [Role: AsyncStream<Message>.Continuation] = [:]
    private var workers: [Task<Void, Never>] = []

    /// Messages delivered but not yet handled. Zero means the system is quiet:
    /// every consequence of the last stimulus has been sent.
    private var inFlight = 0
    private var quietWaiters: [CheckedContinuation<Void, Never>] = []

    /// With `swap-channels`, the messages of one stimulus, held back until the
    /// system is quiet and then written channel by channel.
    private var heldBack: [Message] = []

    /// The links between played roles, with their latency (--concurrent):
    /// each link keeps its messages in order, but takes up to
    /// `linkDelay` to carry each, so messages of different links cross as
    /// they do between machines on a network.
    private let linkDelayMicroseconds: Int
    private var links: [Channel: AsyncStream<Message>.Continuation] = [:]
    private var linkTasks: [Task<Void, Never>] = []

    /// Whether messages between two played roles are reported (hello's
    /// `internal`); without, the harness sees a black box.
    private let reportsInternal: Bool

    init(played: Set<Role>, output: LineWriter, fault: Fault?, reportsInternal: Bool = true, linkDelayMicroseconds: Int = 0) {
        self.reportsInternal = reportsInternal
        self.played = played
        self.output = output
        self.fault = fault
        self.linkDelayMicroseconds = linkDelayMicroseconds
    }

    /// Connects the servers. Each gets a mailbox and a task that feeds it.
    func start(_ servers: [Role: any Server]) {
        for (role, server) in servers where played.contains(role) {
            let (stream, continuation) = AsyncStream.makeStream(of: Message.self, bufferingPolicy: .unbounded)
            mailboxes[role] = continuation
            workers.append(Task { await Self.drain(stream, into: server, router: self) })
        }
    }

    /// A role's task: hand it its messages one by one, then pass on what it sent.
    private static func drain(_ mailbox: AsyncStream<Message>, into server: any Server, router: Router) async {
        for await message in mailbox {
            let sent = await server.receive(message)
            await router.handled(message, sent: sent)
        }
    }

    /// Feeds one stimulus from the environment (or from a role this process
    /// does not play) to its role, and returns once the system is quiet.
    func process(_ stimulus: Message) async {
        deliver(stimulus)
        if inFlight > 0 {
            await withCheckedContinuation { quietWaiters.append($0) }
        }
        if fault == .swapChannels { writeHeldBack() }
    }

    /// Feeds one stimulus and returns at once (--concurrent).
    func dispatch(_ stimulus: Message) {
        deliver(stimulus)
    }

    /// Returns once every message delivered so far has been handled.
    func awaitQuiet() async {
        if inFlight > 0 {
            await withCheckedContinuation { quietWaiters.append($0) }
        }
        if fault == .swapChannels { writeHeldBack() }
    }

    /// Stops the servers' tasks (at reset, and at the end of a session).
    func shutdown() async {
        await awaitQuiet()
        for link in links.values { link.finish() }
        links = [:]
        for task in linkTasks { await task.value }
        linkTasks = []
        for mailbox in mailboxes.values { mailbox.finish() }
        mailboxes = [:]
        for worker in workers { await worker.value }
        workers = []
    }

    // MARK: - Private

    /// A server has handled `message` and sent `sent`: report each message and
    /// pass it on, in order, before counting `message` as done (so the count
    /// never touches zero while consequences are still on their way).
    private func handled(_ message: Message, sent: [Message]) {
        for message in sent {
            report(message)
            guard played.contains(message.to) else { continue }
            if linkDelayMicroseconds > 0 { carry(message) } else { deliver(message) }
        }
        inFlight -= 1
        if inFlight == 0 {
            let waiters = quietWaiters
            quietWaiters = []
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Puts a message on its link; it reaches its role's mailbox after the
    /// link's latency, behind the link's earlier messages.
    private func carry(_ message: Message) {
        inFlight += 1
        if links[message.channel] == nil {
            let (stream, continuation) = AsyncStream.makeStream(of: Message.self, bufferingPolicy: .unbounded)
            links[message.channel] = continuation
            let most = linkDelayMicroseconds
            linkTasks.append(Task {
                for await carried in stream {
                    // At least half the most: every hop takes real time, so
                    // a message that crosses more links arrives later even
                    // on a busy machine.
                    try? await Task.sleep(for: .microseconds(Int.random(in: (most / 2)...most)))
                    self.arrive(carried)
                }
            })
        }
        links[message.channel]?.yield(message)
    }

    /// A message off its link, into its role's mailbox (already counted).
    private func arrive(_ message: Message) {
        guard let mailbox = mailboxes[message.to] else {
            inFlight -= 1
            return
        }
        mailbox.yield(message)
    }

    private func deliver(_ message: Message) {
        guard let mailbox = mailboxes[message.to] else {
            diagnose("nobody plays \(message.to.rawValue); dropped \(message)")
            return
        }
        inFlight += 1
        mailbox.yield(message)
    }

    private func report(_ message: Message) {
        if !reportsInternal && played.contains(message.to) { return }
        if fault == .swapChannels {
            heldBack.append(message)
        } else {
            output.write(Line.message(message))
        }
    }

    /// Channels in reverse order of their first message; each channel's own
    /// messages keep the order they were sent in.
    private func writeHeldBack() {
        var channels: [Channel] = []
        for message in heldBack where !channels.contains(message.channel) {
            channels.append(message.channel)
        }
        for channel in channels.reversed() {
            for message in heldBack where message.channel == channel {
                output.write(Line.message(message))
            }
        }
        heldBack = []
    }
}
