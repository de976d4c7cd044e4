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

    /// The environment sends a stimulus: it is in flight on its channel (a
    /// stimulus to the CVCT is relayed at once, RACE-19). Returns the
    /// clauses applied (a bit per clause ordinal).
    @discardableResult
    public func send(_ stimulus: Message, in state: inout AsyncState) -> UInt64 {
        guard plays(stimulus.to) else { return 0 }
        guard stimulus.to == .cvct else {
            state.inFlight.append(stimulus, on: stimulus.channel.slot)
            return 0
        }
        var system = state.system
        let clauses = relay(stimulus, system: &system, in: &state)
        state.system = system
        return clauses
    }

    /// A played role takes the head of a channel and reacts: what it sends
    /// goes in flight (to a played role) and is owed to the observer (on an
    /// observed channel). Returns the clauses applied (a bit per clause
    /// ordinal), nil when nothing was there.
    @discardableResult
    func deliverHead(slot: UInt8, in state: inout AsyncState) -> UInt64? {
        // A delivery sends a few messages at most (each CVCT relay one).
        state.inFlight.reserve(extra: 4)
        guard let message = state.inFlight.removeHead(on: slot) else { return nil }
        // Changed as one copy, then shared again.
        var system = state.system
        guard let reaction = system.deliver(message) else { return nil }
        if message.to != .cvct { system.normalizeSwitch() }
        var clauses: UInt64 = 0
        reaction.forEachClauseOrdinal { clauses |= 1 << UInt64($0) }
        for emission in reaction.emissions { clauses |= place(emission, system: &system, in: &state) }
        state.system = system
        return clauses
    }

    /// Puts a message a played role sent where it goes: owed to the
    /// observer on an observed channel, and in flight to a played role. A
    /// message to the CVCT is relayed at once instead of waiting in flight
    /// (RACE-19): the CVCT keeps no state, and each of its output channels
    /// is fed by one input channel, so taking its message now commutes with
    /// every other step, and the state that still held it allowed exactly
    /// what the state after the relay allows. Without this, each message
    /// through the CVCT doubled the interleavings a judge kept. Returns the
    /// clauses the relay applied.
    private func place(_ emission: Emission, system: inout ReferenceSystem, in state: inout AsyncState) -> UInt64 {
        let channel = emission.message.channel
        if observes(channel) { state.unobserved.append(emission, on: channel.slot) }
        guard plays(channel.to) else { return 0 }
        if channel.to == .cvct { return relay(emission.message, system: &system, in: &state) }
        state.inFlight.append(emission.message, on: channel.slot)
        return 0
    }

    /// The CVCT takes a message at once; what it relays is placed (never
    /// back to the CVCT).
    private func relay(_ message: Message, system: inout ReferenceSystem, in state: inout AsyncState) -> UInt64 {
        guard let reaction = system.deliver(message) else { return 0 }
        var clauses: UInt64 = 0
        reaction.forEachClauseOrdinal { clauses |= 1 << UInt64($0) }
        for emission in reaction.emissions { clauses |= place(emission, system: &system, in: &state) }
        return clauses
    }

    /// Every state one delivery leads to, with the clauses it applied (a bit
    /// per clause ordinal).
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
            guard let clauses = deliverHead(slot: slot, in: &next) else { continue }
            body(next, clauses)
        }
    }

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
