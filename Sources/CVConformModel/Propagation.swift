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
        // A bit per role: this runs for every message.
        var played: UInt8 = 0
        for role in roles { played |= 1 << UInt8(role.order) }
        func plays(_ role: Role) -> Bool { played & (1 << UInt8(role.order)) != 0 }
        guard plays(stimulus.to) else { return result }
        var pending = [stimulus]
        var index = 0
        // A bound no mutant can pass: the reference sends at most a few
        // dozen messages for one stimulus.
        while index < pending.count && index < 10_000 {
            let current = pending[index]
            index += 1
            guard let reaction = deliver(current) else { continue }
            // Ordinal by ordinal: the reaction's `clauses` would build an
            // array only to append it.
            reaction.forEachClauseOrdinal { result.clauses.append(Clause.byOrdinal[$0]) }
            for emission in reaction.emissions {
                result.emissions.append(emission)
                if plays(emission.message.to) { pending.append(emission.message) }
            }
        }
        result.unfinished = index < pending.count
        return result
    }

    /// What `propagate` finds among every system role, without its lists:
    /// the clauses applied, one bit per ordinal, and whether the messages
    /// did not stop. For a caller that needs no messages (verify, which
    /// takes millions of stimuli).
    ///
    /// `pending` is the caller's, emptied and used as the queue of
    /// messages in flight: kept from call to call, it is allocated once.
    public mutating func propagateForClauses(_ stimulus: Message, pending: inout [Message]) -> (clauses: UInt64, unfinished: Bool) {
        guard stimulus.to.isSystem else { return (0, false) }
        var clauses: UInt64 = 0
        pending.removeAll(keepingCapacity: true)
        pending.append(stimulus)
        var index = 0
        while index < pending.count && index < 10_000 {
            let current = pending[index]
            index += 1
            guard let reaction = deliver(current) else { continue }
            reaction.forEachClauseOrdinal { clauses |= 1 << UInt64($0) }
            for emission in reaction.emissions where emission.message.to.isSystem { pending.append(emission.message) }
        }
        return (clauses, index < pending.count)
    }
}

extension ReferenceSystem {
    public static let allSystemRoles = Set(Role.systemRoles)
}
