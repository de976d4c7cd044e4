import CVConformModel
import CVConformTrace

/// Why a replay stopped before its end.
enum ReplayStop: Error {
    /// The implementation's output parted ways with the trace.
    case diverged(Divergence)
    /// The harness could not go on (the implementation crashed, hung or
    /// broke the protocol); `atReset` when it happened at the trace's reset.
    case failed(HarnessFailure, atReset: Bool = false)
}

/// The bookkeeping of a replay (contract section 5): which messages of the
/// trace are stimuli and which expected outputs, which outputs have been
/// observed on each channel, and what happened. Messages can be appended as
/// the replay goes, so `explore` drives it one step at a time and `run`
/// with a whole trace at once: one engine for both.
struct ReplayEngine {
    let greeting: Greeting
    let options: ReplayOptions
    private(set) var entries: [TraceEntry] = []
    private(set) var kinds: [ReplayRole] = []
    /// Trace indexes of expected outputs, per channel slot, in trace order,
    /// and how many of each have been observed.
    private var expectedBySlot = Array(repeating: [Int](), count: ReplayEngine.slots)
    private var observedBySlot = Array(repeating: 0, count: ReplayEngine.slots)
    /// All expected output indexes in trace order, and how many of the
    /// leading ones have been observed.
    private var outputIndexes: [Int] = []
    private var observed: [Bool] = []
    private var lowestUnobserved = 0
    /// Where sending stopped: every stimulus before it has been sent.
    private var nextToSend = 0
    private(set) var events: [ReplayEvent] = []
    private(set) var lastStimulus: Int?
    private let offersSync: Bool

    private static let slots = Role.allCases.count * Role.allCases.count
    private static func slot(_ channel: Channel) -> Int { channel.from.order * Role.allCases.count + channel.to.order }

    init(greeting: Greeting, options: ReplayOptions) {
        self.greeting = greeting
        self.options = options
        offersSync = greeting.capabilities.contains("sync")
    }

    var involvesImplementation: Bool { kinds.contains { $0 != .notInvolved } }

    /// Adds messages at the end of the trace.
    mutating func append(_ more: some Sequence<TraceEntry>) {
        for entry in more {
            let index = entries.count
            let kind = ReplayRole.of(entry.message, greeting: greeting)
            entries.append(entry)
            kinds.append(kind)
            observed.append(false)
            if kind == .output {
                outputIndexes.append(index)
                expectedBySlot[Self.slot(entry.message.channel)].append(index)
            }
        }
    }

    /// Sends every stimulus not sent yet, each once the outputs placed
    /// before it have been observed, then waits for every output placed so
    /// far. Stops at the first divergence.
    mutating func drive(_ implementation: ImplementationUnderTest) async throws(ReplayStop) {
        while nextToSend < entries.count {
            let index = nextToSend
            nextToSend += 1
            guard kinds[index] == .stimulus else { continue }
            try await awaitOutputs(before: index, from: implementation)
            lastStimulus = index
            do {
                try await implementation.send(entries[index].message)
            } catch {
                throw .failed(error)
            }
            events.append(.sent(index))
        }
        try await awaitOutputs(before: entries.count, from: implementation)
    }

    /// After the last message: the quiet period, or (capability "sync") the
    /// implementation's word that it is idle, with whatever it still wrote
    /// before saying so. Any output then is extra.
    mutating func finish(_ implementation: ImplementationUnderTest) async throws(ReplayStop) {
        let extra: Message?
        do {
            if let late = try await implementation.confirmIdle(timeout: options.timeout) {
                extra = late.first
            } else {
                extra = try await implementation.receive(timeout: options.quietPeriod)
            }
        } catch {
            throw .failed(error)
        }
        if let extra {
            try check(extra)
            events.append(.unexpected(extra))
            throw .diverged(Divergence(kind: .extra(extra)))
        }
    }

    /// Waits until every expected output placed before `limit` is observed.
    /// An implementation that offers "sync" is asked whether it is idle once
    /// it falls silent, so a missing output costs no timeout.
    private mutating func awaitOutputs(before limit: Int, from implementation: ImplementationUnderTest) async throws(ReplayStop) {
        var idleConfirmed = false
        while lowestUnobserved < outputIndexes.count && outputIndexes[lowestUnobserved] < limit {
            let message: Message?
            do {
                message = try await implementation.receive(timeout: offersSync ? min(options.timeout, .milliseconds(50)) : options.timeout)
            } catch {
                throw .failed(error)
            }
            if let message {
                try match(message)
                continue
            }
            if offersSync && !idleConfirmed {
                idleConfirmed = true
                let late: [Message]
                do {
                    late = try await implementation.confirmIdle(timeout: options.timeout) ?? []
                } catch {
                    throw .failed(error)
                }
                for message in late { try match(message) }
                continue
            }
            let index = outputIndexes[lowestUnobserved]
            var divergence = Divergence(kind: .missing, expectedIndex: index, expected: entries[index].message, waited: options.timeout)
            divergence.idleConfirmed = idleConfirmed
            throw .diverged(divergence)
        }
    }

    private func check(_ message: Message) throws(ReplayStop) {
        guard greeting.roles.contains(message.from) else {
            let played = greeting.roles.sorted().map(\.rawValue).joined(separator: ", ")
            throw .failed(HarnessFailure(.protocolViolation,
                                         "the implementation wrote a message from \(message.from.rawValue), a role it does not play (\(played)): \(message)"))
        }
        if greeting.roles.contains(message.to) && !greeting.reportsInternal {
            throw .failed(HarnessFailure(.protocolViolation,
                                         "the implementation wrote \(message), but \(message.channel) is internal to it "
                                         + "(it plays both roles) and its hello said \"internal\": false, so such messages are not expected"))
        }
    }

    private mutating func match(_ message: Message) throws(ReplayStop) {
        try check(message)
        let slot = Self.slot(message.channel)
        let queue = expectedBySlot[slot]
        let next = observedBySlot[slot]
        guard next < queue.count, entries[queue[next]].message == message else {
            events.append(.unexpected(message))
            let index = next < queue.count ? queue[next] : nil
            throw .diverged(Divergence(kind: .unexpected(message), expectedIndex: index, expected: index.map { entries[$0].message }))
        }
        observedBySlot[slot] = next + 1
        observed[queue[next]] = true
        events.append(.observed(queue[next]))
        while lowestUnobserved < outputIndexes.count && observed[outputIndexes[lowestUnobserved]] { lowestUnobserved += 1 }
    }

    /// Fills a result with what stopped the replay.
    func record(_ stop: ReplayStop, into result: inout ReplayResult, setup: Administration) {
        switch stop {
        case .diverged(let divergence):
            result.verdict = .fail
            result.divergence = explain(divergence, setup: setup)
            result.detail = divergence.summary
        case .failed(let failure, let atReset):
            result.verdict = .error
            result.failure = failure
            result.failedAtReset = atReset
            if atReset {
                result.detail = "at the reset before the trace: " + failure.message
            } else if let index = lastStimulus {
                result.detail = failure.message + " (while handling the stimulus at message \(index + 1): \(entries[index].message))"
            } else {
                result.detail = failure.message
            }
        }
    }

    /// Adds the last stimulus and the reference model's view to a divergence:
    /// the state of the role that had to decide, taken just before it
    /// received the message that decided (what the implementation knew when
    /// it chose), and the clause that decides.
    func explain(_ divergence: Divergence, setup: Administration) -> Divergence {
        var explained = divergence
        if let lastStimulus {
            explained.lastStimulusIndex = lastStimulus
            explained.lastStimulus = entries[lastStimulus].message
        }
        let end: Int
        switch divergence.kind {
        case .extra: end = entries.count
        case .missing, .unexpected:
            end = divergence.expectedIndex ?? (lowestUnobserved < outputIndexes.count ? outputIndexes[lowestUnobserved] : entries.count)
        }
        let causes = ModelCauses(entries: entries.prefix(end).map(\.message), setup: setup)
        let sender: Role
        switch divergence.kind {
        case .missing: sender = divergence.expected?.from ?? .icm
        case .unexpected(let message), .extra(let message): sender = divergence.expected?.from ?? message.from
        }
        if let expected = divergence.expected {
            let cause = causes.cause(ofNextOn: expected.channel)
            explained.clause = causes.monitor.owed(on: expected.channel).first?.clause
            explained.modelState = "\(sender.rawValue) before it received \(cause.map { "message \($0 + 1)" } ?? "it") "
                + "(the state it decided in): \(causes.state(of: sender, before: cause))"
        } else if case .unexpected(let message) = divergence.kind {
            explained.modelState = "\(sender.rawValue): \(causes.monitor.system.state(of: sender))"
            var monitor = causes.monitor
            if case .rejected(let rejection) = monitor.observe(message) { explained.clause = rejection.clause }
        } else if case .extra(let message) = divergence.kind {
            explained.modelState = "\(sender.rawValue): \(causes.monitor.system.state(of: sender))"
            var monitor = causes.monitor
            if case .rejected(let rejection) = monitor.observe(message) { explained.clause = rejection.clause }
        }
        return explained
    }
}

/// The model run over a prefix of a trace, remembering which message caused
/// each owed one, so a diagnosis can show a role's state before the message
/// that made it decide.
struct ModelCauses {
    let messages: [Message]
    let setup: Administration
    private(set) var monitor: Monitor
    /// Per channel, the position of the message that caused each owed one.
    private var causes: [Channel: [Int]] = [:]

    init(messages: [Message], setup: Administration) {
        self.messages = messages
        self.setup = setup
        monitor = Monitor(administration: setup)
        for (index, message) in messages.enumerated() {
            if message.from.isSystem, var queue = causes[message.channel], !queue.isEmpty {
                queue.removeFirst()
                causes[message.channel] = queue
            }
            guard case .allowed(let reaction) = monitor.observe(message) else { break }
            for emission in reaction?.emissions ?? [] { causes[emission.message.channel, default: []].append(index) }
        }
    }

    init(entries: [Message], setup: Administration) {
        self.init(messages: entries, setup: setup)
    }

    /// The position of the message whose reaction owes the next message on
    /// a channel.
    func cause(ofNextOn channel: Channel) -> Int? { causes[channel]?.first }

    /// A role's state just before the message at `position` was received
    /// (after the whole prefix when nil).
    func state(of role: Role, before position: Int?) -> String {
        guard let position else { return monitor.system.state(of: role) }
        var earlier = Monitor(administration: setup)
        for message in messages.prefix(position) { _ = earlier.observe(message) }
        return earlier.system.state(of: role)
    }
}
