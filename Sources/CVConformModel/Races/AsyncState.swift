import CVConformTrace

/// A global state of the asynchronous semantics (contract section 8): the
/// three role machines, the messages sent to a played role and not yet
/// taken by it, and the messages sent on an observed channel and not yet
/// observed there. Reports of one channel come in send order, but a report
/// may lead or lag its delivery, so the two are separate queues.
public struct AsyncState: Hashable, Sendable {
    /// The machines, shared by copies of a state until a delivery changes
    /// them: most copies a judge makes (one per interleaving, one per state
    /// kept by an observation) change only the queues, and a copy of the
    /// machines retains a dozen buffers.
    private var machines: SharedSystem

    public internal(set) var system: ReferenceSystem {
        get { machines.system }
        set { machines = SharedSystem(newValue) }
    }
    /// Sent to a played role, not yet taken: each channel FIFO.
    var inFlight = ChannelQueues<Message>()
    /// Sent on an observed channel, not yet observed: each channel FIFO,
    /// with the clause that sent each (for diagnoses).
    var unobserved = ChannelQueues<Emission>()

    public init(system: ReferenceSystem) {
        machines = SharedSystem(system)
    }

    /// Nothing is in flight and nothing is owed to the observer: the run
    /// could end here.
    public var isQuiescent: Bool { inFlight.isEmpty && unobserved.isEmpty }

    /// What is still owed to the observer, channel by channel, oldest first.
    public var owed: [Emission] { unobserved.elements }

    /// Hashes the queues and a few words of the machines: the states a
    /// judge holds differ mostly in what is in flight (equality still
    /// compares everything).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(inFlight)
        hasher.combine(unobserved)
        machines.system.hashSummary(into: &hasher)
    }

    public static func == (lhs: AsyncState, rhs: AsyncState) -> Bool {
        lhs.inFlight == rhs.inFlight && lhs.unobserved == rhs.unobserved
            && (lhs.machines === rhs.machines || lhs.machines.system == rhs.machines.system)
    }

    /// Whether a role or a message in flight or owed still names a session.
    func holds(session: String) -> Bool {
        // Through the shared machines: `system` would copy them.
        if machines.system.holds(session: session) { return true }
        return inFlight.items.contains { $0.element.parameters[.session] == session }
            || unobserved.items.contains { $0.element.message.parameters[.session] == session }
    }
}

/// A system that states share; never changed in place.
private final class SharedSystem: Sendable {
    let system: ReferenceSystem

    init(_ system: ReferenceSystem) { self.system = system }
}

/// The successor function of the asynchronous semantics: which roles the
/// model plays (the others are the environment, whose messages are
/// stimuli) and which channels an observer sees. Each channel is FIFO; a
/// played role takes the head of any of its incoming channels, in any
/// order across channels, and reacts to it before taking the next.
///
/// The serial propagation (`MessageDelivering.propagate`) is one schedule of
/// this: it always takes the oldest message sent.
public struct AsyncSemantics: Hashable, Sendable {
    private let played: UInt8
    public let reportsInternal: Bool

    /// `played`: the roles the model runs (the system roles by default);
    /// `reportsInternal`: whether messages between two played roles are
    /// observed too (the implementation's `internal`).
    public init(played: Set<Role> = ReferenceSystem.allSystemRoles, reportsInternal: Bool) {
        var mask: UInt8 = 0
        for role in played where role.isSystem { mask |= 1 << UInt8(role.order) }
        self.played = mask
        self.reportsInternal = reportsInternal
    }

    public func plays(_ role: Role) -> Bool { played & (1 << UInt8(role.order)) != 0 }

    /// Whether an observer sees the messages of a channel: every output of a
    /// played role to one it does not play, and internal messages when they
    /// are reported.
    public func observes(_ channel: Channel) -> Bool {
        plays(channel.from) && (!plays(channel.to) || reportsInternal)
    }

    /// Whether a message is a stimulus: from a role not played to one played.
    public func isStimulus(_ message: Message) -> Bool {
        !plays(message.from) && plays(message.to)
    }

    /// The environment sends a stimulus: it is in flight on its channel.
    public func send(_ stimulus: Message, in state: inout AsyncState) {
        guard plays(stimulus.to) else { return }
        state.inFlight.append(stimulus, on: stimulus.channel.slot)
    }

    /// A played role takes the head of a channel and reacts: what it sends
    /// goes in flight (to a played role) and is owed to the observer (on an
    /// observed channel). Returns the reaction, nil when nothing was there.
    @discardableResult
    func deliverHead(slot: UInt8, in state: inout AsyncState) -> Reaction? {
        guard let message = state.inFlight.removeHead(on: slot) else { return nil }
        // Changed as one copy, then shared again.
        var system = state.system
        guard let reaction = system.deliver(message) else { return nil }
        if message.to != .cvct { system.normalizeSwitch() }
        state.system = system
        for emission in reaction.emissions {
            let channel = emission.message.channel
            if plays(channel.to) { state.inFlight.append(emission.message, on: channel.slot) }
            if observes(channel) { state.unobserved.append(emission, on: channel.slot) }
        }
        return reaction
    }

    /// Every state one delivery leads to, with the clauses it applied (a bit
    /// per clause ordinal). Each is normalized (see `takeSilentRelays`).
    public func successors(of state: AsyncState) -> [(state: AsyncState, clauses: UInt64)] {
        var all: [(state: AsyncState, clauses: UInt64)] = []
        forEachSuccessor(of: state) { all.append(($0, $1)) }
        return all
    }

    /// The same, one by one, without a list (the judge's closure asks for
    /// every state's successors after every stimulus).
    public func forEachSuccessor(of state: AsyncState, _ body: (_ next: consuming AsyncState, _ clauses: UInt64) -> Void) {
        var previous: UInt8?
        // By index, reading only each item's channel (an item is a message).
        for index in state.inFlight.items.indices where state.inFlight.items[index].slot != previous {
            let slot = state.inFlight.items[index].slot
            previous = slot
            var next = state
            guard let reaction = deliverHead(slot: slot, in: &next) else { continue }
            var mask: UInt64 = 0
            reaction.forEachClauseOrdinal { mask |= 1 << UInt64($0) }
            mask |= takeSilentRelays(in: &next)
            body(next, mask)
        }
    }

    /// Takes at once every message at the head of a channel to the CVCT
    /// that the CVCT relays as nothing (a progress other than answered or
    /// dropped by phone, a logged-out by request), and returns the clauses
    /// applied. The CVCT keeps no state, so such a message does nothing
    /// whenever it is taken: a state that still holds it allows exactly
    /// what the state without it allows. Without this, each such message
    /// doubled the states a judge kept until the next output on its
    /// channel (RACE-19).
    @discardableResult
    public func takeSilentRelays(in state: inout AsyncState) -> UInt64 {
        guard plays(.cvct) else { return 0 }
        var mask: UInt64 = 0
        // The queues are in channel order, so a channel's head is the first
        // item of its channel; once it is taken, the next one is the head.
        var index = 0
        while index < state.inFlight.items.count {
            let slot = state.inFlight.items[index].slot
            if slot % Self.roleCount == Self.cvctOrder, index == 0 || state.inFlight.items[index - 1].slot != slot,
               let clauses = CVCTMachine.silentClauses(of: state.inFlight.items[index].element) {
                state.inFlight.remove(at: index)
                mask |= clauses
            } else {
                index += 1
            }
        }
        return mask
    }

    private static let roleCount = UInt8(Role.allCases.count)
    private static let cvctOrder = UInt8(Role.cvct.order)

    /// The observer sees a message: allowed when it is the oldest owed on
    /// its channel; the state without it, or nil.
    public func observe(_ message: Message, in state: AsyncState) -> AsyncState? {
        let slot = message.channel.slot
        guard state.unobserved.head(on: slot)?.message == message else { return nil }
        var next = state
        next.unobserved.removeHead(on: slot)
        return next
    }
}
