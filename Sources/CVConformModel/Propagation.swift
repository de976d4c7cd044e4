import CVConformTrace

/// What one stimulus caused: the messages sent, in the order they were sent,
/// and every clause applied on the way, in the order applied.
public struct Propagation: Hashable, Sendable {
    public var emissions: [Emission] = []
    public var clauses: [Clause] = []
    /// The messages did not stop: the bound on deliveries for one stimulus
    /// was reached with messages still to deliver (only a mutant does this).
    public var unfinished = false

    public init(emissions: [Emission] = [], clauses: [Clause] = []) {
        self.emissions = emissions
        self.clauses = clauses
    }

    /// Whether a clause of profile `extended` decided anything: the stimulus
    /// entered a situation the contract leaves unspecified.
    public var entersExtended: Bool { clauses.contains { $0.profile == .extended } }
}

/// A set of role machines that takes a message for one of its roles and says
/// how that role reacted: the reference system, or a mutant of it.
public protocol MessageDelivering: Sendable {
    /// Delivers a message to its receiving role; nil when that role is not
    /// a system role.
    mutating func deliver(_ message: Message) -> Reaction?

    /// The same, written into `reaction` (emptied first), whose storage the
    /// caller keeps from message to message; false when the receiving role
    /// is not a system role.
    mutating func deliver(_ message: Message, into reaction: inout Reaction) -> Bool

    /// What `propagate` finds among every system role, without its lists
    /// (see the extension's). A requirement, so that a search generic over
    /// systems in another module reaches the copy compiled for its system
    /// (`ReferenceSystem` has one), not the protocol's unspecialized body.
    mutating func propagateForClauses(_ stimulus: Message, pending: inout [Message]) -> (clauses: UInt64, unfinished: Bool)
}

extension MessageDelivering {
    public mutating func deliver(_ message: Message, into reaction: inout Reaction) -> Bool {
        guard let delivered = deliver(message) else {
            reaction.clear()
            return false
        }
        reaction = delivered
        return true
    }
}

extension ReferenceSystem: MessageDelivering {}

extension MessageDelivering {
    /// Everything one stimulus causes inside `roles`: the stimulus goes to
    /// its receiver, and each message a played role sends goes on to the
    /// next played role, breadth first, so each channel's messages come out
    /// in the order their role sent them. Messages to roles outside `roles`
    /// are reported but go no further (the environment, or a role someone
    /// else plays).
    ///
    /// This is the one place that says how a stimulus travels through the
    /// system: `serve`, the reference implementation, `explore`, `load`,
    /// `mutate` and `generate` all use it.
    public mutating func propagate(_ stimulus: Message, within roles: Set<Role> = ReferenceSystem.allSystemRoles) -> Propagation {
        var result = Propagation()
        propagate(stimulus, within: roles, into: &result)
        return result
    }

    /// `propagate(_:within:)` into a propagation the caller keeps from
    /// stimulus to stimulus (emptied first): its lists are not allocated
    /// again (the reference implementation does this for every stimulus).
    public mutating func propagate(_ stimulus: Message, within roles: Set<Role> = ReferenceSystem.allSystemRoles,
                                   into result: inout Propagation) {
        var reaction = Reaction()
        propagateAll(stimulus, within: roles, into: &result, reaction: &reaction)
    }

    /// `propagate(_:within:into:)` with the reaction each role's delivery
    /// is written into kept by the caller too (emptied before each
    /// delivery): a reaction made per stimulus allocated its list of
    /// emissions again, once for each step of the model and of the
    /// reference implementation.
    mutating func propagate(_ stimulus: Message, within roles: Set<Role> = ReferenceSystem.allSystemRoles,
                            into result: inout Propagation, reaction: inout Reaction) {
        propagateAll(stimulus, within: roles, into: &result, reaction: &reaction)
    }

    /// The body of `propagate(_:within:into:)`, under a name of its own so
    /// that `ReferenceSystem`'s copy can call it.
    fileprivate mutating func propagateAll(
        _ stimulus: Message, within roles: Set<Role>, into result: inout Propagation, reaction: inout Reaction
    ) {
        result.emissions.removeAll(keepingCapacity: true)
        result.clauses.removeAll(keepingCapacity: true)
        result.unfinished = false
        // A bit per role: this runs for every message.
        var played: UInt8 = 0
        for role in roles { played |= 1 << UInt8(role.order) }
        func plays(_ role: Role) -> Bool { played & (1 << UInt8(role.order)) != 0 }
        guard plays(stimulus.to) else { return }
        // Room for what a stimulus usually causes: grown from empty, the
        // two lists were allocated again and again (a fifth of the
        // allocations of `explore`).
        result.emissions.reserveCapacity(8)
        result.clauses.reserveCapacity(8)
        // No queue: the messages still to deliver are the stimulus, then
        // the emissions to played roles in the order they were sent, which
        // is the order of `result.emissions`. `next` is the first emission
        // not yet looked at.
        var current = stimulus
        var next = 0
        var delivered = 0
        // A bound no mutant can pass: the reference sends at most a few
        // dozen messages for one stimulus.
        while true {
            if deliver(current, into: &reaction) {
                // Ordinal by ordinal: the reaction's `clauses` would build an
                // array only to append it.
                reaction.forEachClauseOrdinal { result.clauses.append(Clause.byOrdinal[$0]) }
                result.emissions.append(contentsOf: reaction.emissions)
            }
            delivered += 1
            while next < result.emissions.count && !plays(result.emissions[next].message.to) { next += 1 }
            guard next < result.emissions.count else { return }
            guard delivered < 10_000 else {
                result.unfinished = true
                return
            }
            current = result.emissions[next].message
            next += 1
        }
    }

    /// What `propagate` finds among every system role, without its lists:
    /// the clauses applied, one bit per ordinal, and whether the messages
    /// did not stop. For a caller that needs no messages (verify, which
    /// takes millions of stimuli).
    ///
    /// `pending` is the caller's, emptied and used as the queue of
    /// messages in flight: kept from call to call, it is allocated once.
    public mutating func propagateForClauses(_ stimulus: Message, pending: inout [Message]) -> (clauses: UInt64, unfinished: Bool) {
        propagateAllForClauses(stimulus, pending: &pending)
    }

    /// The body of `propagateForClauses(_:pending:)`, under a name of its
    /// own so that `ReferenceSystem`'s copy can call it.
    fileprivate mutating func propagateAllForClauses(_ stimulus: Message, pending: inout [Message]) -> (clauses: UInt64, unfinished: Bool) {
        guard stimulus.to.isSystem else { return (0, false) }
        var clauses: UInt64 = 0
        pending.removeAll(keepingCapacity: true)
        pending.append(stimulus)
        var index = 0
        var reaction = Reaction()
        while index < pending.count && index < 10_000 {
            let current = pending[index]
            index += 1
            guard deliver(current, into: &reaction) else { continue }
            reaction.forEachClauseOrdinal { clauses |= 1 << UInt64($0) }
            for emission in reaction.emissions where emission.message.to.isSystem { pending.append(emission.message) }
        }
        return (clauses, index < pending.count)
    }
}

extension ReferenceSystem {
    public static let allSystemRoles = Set(Role.systemRoles)

    /// `MessageDelivering.propagate(_:within:into:)`, compiled for this type
    /// here. Another module calling the protocol's method gets it
    /// unspecialized, each delivery through the witness table (the
    /// reference implementation spent a tenth of explore so).
    public mutating func propagate(_ stimulus: Message, within roles: Set<Role> = ReferenceSystem.allSystemRoles,
                                   into result: inout Propagation) {
        var reaction = Reaction()
        propagateAll(stimulus, within: roles, into: &result, reaction: &reaction)
    }

    /// The same with the caller's reaction (see the protocol's).
    mutating func propagate(_ stimulus: Message, within roles: Set<Role> = ReferenceSystem.allSystemRoles,
                            into result: inout Propagation, reaction: inout Reaction) {
        propagateAll(stimulus, within: roles, into: &result, reaction: &reaction)
    }

    /// `MessageDelivering.propagateForClauses(_:pending:)`, compiled for
    /// this type (verify calls it millions of times).
    public mutating func propagateForClauses(_ stimulus: Message, pending: inout [Message]) -> (clauses: UInt64, unfinished: Bool) {
        propagateAllForClauses(stimulus, pending: &pending)
    }

    /// The same for `propagate(_:within:)`.
    public mutating func propagate(_ stimulus: Message, within roles: Set<Role> = ReferenceSystem.allSystemRoles) -> Propagation {
        var result = Propagation()
        var reaction = Reaction()
        propagateAll(stimulus, within: roles, into: &result, reaction: &reaction)
        return result
    }
}
