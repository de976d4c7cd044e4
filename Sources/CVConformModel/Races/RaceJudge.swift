import CVConformTrace

/// Judges an observed run of an asynchronous system (contract section 8):
/// it keeps every state of the model consistent with what it has seen,
/// deduplicated, closed under the hidden steps (deliveries). A stimulus
/// goes in flight in every state; an output keeps the states that owed it
/// next on its channel. The run can end well when some state has nothing
/// more to send.
///
/// The same judge serves `run` of racy traces, `explore --races`,
/// `load --races` and `check-log` of black-box segments.
public struct RaceJudge: Sendable {
    public enum Judgement: Hashable, Sendable {
        case allowed
        indirect case rejected(RaceRejection)
        /// The set of states outgrew its bound; nothing more is judged.
        case inconclusive
    }

    public let semantics: AsyncSemantics
    public let maxStates: Int
    /// A state consistent with what was observed, with the clauses some
    /// interleaving reaching it applied (a bit per clause ordinal).
    struct Candidate: Sendable {
        var state: AsyncState
        var clauses: UInt64
    }

    /// Each state consistent with what was observed, each once. A list,
    /// not a set: an observation and a stimulus change every state the same
    /// way (one message off or onto one channel), so distinct states stay
    /// distinct and are changed in place, and only the closure under
    /// deliveries looks states up. The one exception, states that owed the
    /// observed message under different clauses, is merged where it occurs.
    private(set) var states: [Candidate]
    /// Outputs observed and allowed so far.
    public private(set) var observedCount = 0
    /// Stimuli sent so far.
    public private(set) var stimulusCount = 0
    /// Set when the states outgrew `maxStates`: why, in words.
    public private(set) var inconclusiveReason: String?

    public static let defaultMaxStates = 100_000

    public init(start system: ReferenceSystem, semantics: AsyncSemantics, maxStates: Int = RaceJudge.defaultMaxStates) {
        self.semantics = semantics
        self.maxStates = max(1, maxStates)
        states = [Candidate(state: AsyncState(system: system), clauses: 0)]
    }

    public init(administration: Administration, semantics: AsyncSemantics, maxStates: Int = RaceJudge.defaultMaxStates) {
        self.init(start: ReferenceSystem(administration: administration), semantics: semantics, maxStates: maxStates)
    }

    public var isInconclusive: Bool { inconclusiveReason != nil }
    public var stateCount: Int { states.count }

    /// Some state consistent with everything observed owes nothing more.
    public var canEndWell: Bool { isInconclusive || states.contains { $0.state.isQuiescent } }

    /// Every state consistent with what was observed owes nothing more:
    /// whatever the implementation did, it is done.
    public var isSettled: Bool { !isInconclusive && states.allSatisfy(\.state.isQuiescent) }

    /// The implementation has stayed quiet (the quiet period, or its word
    /// that it is idle): only the states that owe nothing more are kept.
    /// Nothing changes when none is quiescent.
    public mutating func keepQuiescent() {
        if states.contains(where: \.state.isQuiescent) { states.removeAll { !$0.state.isQuiescent } }
    }

    /// Before a stimulus that does not race (sent once some interleaving
    /// owed nothing more): the earlier stimuli count as taken, as sections 5
    /// and 7 send stimuli one after another. States in which one is still
    /// in flight are dropped; states that still owe outputs or hold internal
    /// messages stay, so a slow implementation's late outputs are still
    /// judged (RACE-20). Nothing changes when every state holds one.
    public mutating func assumeStimuliTaken() {
        let semantics = semantics
        func stimulusInFlight(_ candidate: Candidate) -> Bool {
            candidate.state.inFlight.items.contains { !semantics.plays($0.element.from) }
        }
        if states.contains(where: { !stimulusInFlight($0) }) { states.removeAll(where: stimulusInFlight) }
    }

    /// The system of one state consistent with what was observed, a
    /// quiescent one when there is one (to choose the next stimulus from).
    public var someSystem: ReferenceSystem? {
        (states.first { $0.state.isQuiescent } ?? states.first)?.state.system
    }

    /// The system of a state in which every message sent has been taken
    /// (nothing in flight; outputs may still be owed): the end of one
    /// interleaving. Nil only when there is none (an inconclusive judge).
    public var someDeliveredSystem: ReferenceSystem? {
        states.first { $0.state.inFlight.isEmpty }?.state.system
    }

    /// The environment sends a stimulus (or a message from a role the model
    /// does not play): it goes in flight in every state, and the states are
    /// closed again under deliveries.
    public mutating func send(_ stimulus: Message) {
        send(CollectionOfOne(stimulus))
    }

    /// The environment sends stimuli back to back (the later ones race the
    /// earlier): each goes in flight in every state, and the states are
    /// closed once, after the last. The same states as closing after each:
    /// only the environment sends on its channels, so a stimulus in flight
    /// earlier allows every interleaving that sending it later would (not
    /// delivering it yet is one of them), and no other. Closing after each
    /// walked the first stimulus's deliveries twice.
    public mutating func send(_ stimuli: some Collection<Message>) {
        guard !isInconclusive, !stimuli.isEmpty else { return }
        for stimulus in stimuli {
            stimulusCount += 1
            for index in states.indices {
                states[index].clauses |= semantics.send(stimulus, in: &states[index].state)
            }
        }
        close()
    }

    /// The observer sees a message on an observed channel. A rejected
    /// message changes nothing.
    public mutating func observe(_ message: Message) -> Judgement {
        guard !isInconclusive else { return .inconclusive }
        let slot = message.channel.slot
        // Index loops: the states are read and changed where they lie.
        var kept = 0
        var index = 0
        while index < states.count {
            if states[index].state.unobserved.head(on: slot, is: message) { kept += 1 }
            index += 1
        }
        guard kept > 0 else { return .rejected(rejection(of: message)) }
        // Closed already: a delivery possible after the observation was
        // possible before it, and its state kept the same head.
        if kept < states.count { states.removeAll { !$0.state.unobserved.head(on: slot, is: message) } }
        // Two states that owed the same message under different clauses
        // become equal once it is observed: merged then.
        var clause: Clause?
        var clausesDiffer = false
        index = 0
        while index < states.count {
            if let owed = states[index].state.unobserved.dropHead(on: slot) {
                clausesDiffer = clausesDiffer || (clause != nil && clause != owed)
                clause = owed
            }
            index += 1
        }
        if clausesDiffer { _ = mergingEqualStates() }
        observedCount += 1
        return .allowed
    }

    /// Adds every state the hidden steps lead to. A state reached again
    /// with more clauses is walked again, so each state carries every
    /// clause of every interleaving that reaches it.
    /// Also merges states a stimulus made equal.
    ///
    /// While the states walked form one chain (one state to start from,
    /// each with at most one channel to take from), no two paths meet, so
    /// no state is looked up: the usual serial step is such a chain. The
    /// first state with two channels to take from starts the look-ups.
    private mutating func close() {
        var places: [AsyncState: Int]?
        // Room for the states the walk adds (typically a few per state
        // already there): growing the index was a fifth of looking up.
        if states.count > 1 { places = mergingEqualStates(room: max(16, 4 * states.count)) }
        var work = Array(states.indices)
        var overflowed = false
        while !overflowed, let place = work.popLast() {
            let (state, clauses) = (states[place].state, states[place].clauses)
            if places == nil && state.inFlight.hasTwoChannels {
                // The chain's states are distinct: indexed as they are, so
                // the places in `work` stay right.
                var indexed = [AsyncState: Int](minimumCapacity: max(16, 4 * states.count))
                for index in states.indices where indexed[states[index].state] == nil { indexed[states[index].state] = index }
                places = indexed
            }
            semantics.forEachSuccessor(of: state) { next, applied in
                guard !overflowed else { return }
                let merged = clauses | applied
                // One look-up for a state already known (many are: the
                // closure meets each interleaving's states again).
                if let known = places?[next] {
                    let old = states[known].clauses
                    guard old | merged != old else { return }
                    states[known].clauses = old | merged
                    work.append(known)
                } else {
                    guard states.count < maxStates else {
                        overflowed = true
                        return
                    }
                    places?[next] = states.count
                    work.append(states.count)
                    states.append(Candidate(state: next, clauses: merged))
                }
            }
        }
        if overflowed { giveUp() }
    }

    /// Merges equal states (their clauses joined) and returns where each is,
    /// in an index with `room` for more.
    private mutating func mergingEqualStates(room: Int? = nil) -> [AsyncState: Int] {
        var places: [AsyncState: Int] = [:]
        places.reserveCapacity(room ?? states.count * 2)
        var distinct: [Candidate] = []
        distinct.reserveCapacity(states.count)
        for candidate in states {
            if let place = places[candidate.state] {
                distinct[place].clauses |= candidate.clauses
            } else {
                places[candidate.state] = distinct.count
                distinct.append(candidate)
            }
        }
        states = distinct
        return places
    }

    private mutating func giveUp() {
        inconclusiveReason = "the messages in flight allow more than \(maxStates) states of the model "
            + "(--max-states \(maxStates)) after \(stimulusCount) stimuli and \(observedCount) outputs; "
            + "nothing after that was judged"
        states = []
    }

    /// The clauses that some interleaving consistent with everything
    /// observed applied, in the model's clause order.
    public var clausesApplied: [Clause] {
        let mask = clauseMask
        return Clause.byOrdinal.filter { mask & (1 << UInt64($0.ordinal)) != 0 }
    }

    /// Whether some interleaving consistent with everything observed
    /// applied a clause of profile `extended` (asked after every racing
    /// group: a mask, not a list of clauses).
    public var appliedExtended: Bool { clauseMask >> UInt64(Clause.firstExtendedOrdinal) != 0 }

    private var clauseMask: UInt64 { states.reduce(0) { $0 | $1.clauses } }

    /// Whether any state still has something to do with a session.
    public func holds(session: String) -> Bool {
        states.contains { $0.state.holds(session: session) }
    }

    /// What the run still owes when no state can end well: for each group
    /// of states that agree, the oldest owed message of each channel.
    public var shortfall: RaceShortfall {
        // The states where every message has been taken: what they owe is
        // all that is left (the set is closed, so they are in it).
        var groups: [[Emission]: Int] = [:]
        for candidate in states where candidate.state.inFlight.isEmpty {
            groups[candidate.state.unobserved.heads, default: 0] += 1
        }
        let ordered = groups.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.count < $1.key.count }
        return RaceShortfall(stateCount: groups.values.reduce(0, +), groups: ordered.map { RaceShortfall.Group(owed: $0.key, states: $0.value) })
    }

    /// The owed messages of the state closest to ending: of the states
    /// where every message has been taken, one that owes the fewest.
    public var leastOwed: [Emission] {
        states.lazy.map(\.state).filter { $0.inFlight.isEmpty }.min { $0.unobserved.count < $1.unobserved.count }?.owed ?? []
    }

    private func rejection(of message: Message) -> RaceRejection {
        let slot = message.channel.slot
        var groups: [Emission?: Int] = [:]
        for candidate in states { groups[candidate.state.unobserved.head(on: slot), default: 0] += 1 }
        let ordered = groups.sorted { lhs, rhs in
            lhs.value != rhs.value ? lhs.value > rhs.value : (lhs.key?.description ?? "") < (rhs.key?.description ?? "")
        }
        let clause = ordered.lazy.compactMap(\.key?.clause).first ?? Clause.sending(message).first
        return RaceRejection(
            message: message, observedBefore: observedCount, stimuliBefore: stimulusCount, stateCount: states.count,
            allowed: ordered.map { RaceRejection.Expectation(message: $0.key?.message, clause: $0.key?.clause, states: $0.value) },
            clause: clause
        )
    }
}

/// Why an output is allowed by no interleaving: what each group of
/// surviving states would have allowed on its channel instead.
public struct RaceRejection: Hashable, Sendable {
    public struct Expectation: Hashable, Sendable {
        /// The message those states owe next on the channel (nil: nothing).
        public var message: Message?
        public var clause: Clause?
        /// How many states agree on it.
        public var states: Int
    }

    public var message: Message
    /// Outputs allowed before it: the longest allowed prefix.
    public var observedBefore: Int
    public var stimuliBefore: Int
    public var stateCount: Int
    public var allowed: [Expectation]
    /// The clause that decided: the one owing the most common expectation,
    /// or the rule that sends such a message.
    public var clause: Clause?

    /// The explanation, line by line, its first naming the message's place.
    public func lines(at place: String) -> [String] {
        var lines = ["\(place) \(message) is allowed by no interleaving of the model"]
        let channel = message.channel
        let plural = stateCount == 1 ? "the one state" : "each of the \(stateCount) states"
        lines.append("consistent with what came before (\(plural) after \(stimuliBefore) stimuli and \(observedBefore) outputs), \(channel) allows:")
        for expectation in allowed.prefix(6) {
            let who = expectation.states == stateCount ? "every state" : "\(expectation.states) of \(stateCount) states"
            if let expected = expectation.message {
                lines.append("  \(who): \(expected)" + (expectation.clause.map { " [\($0.id)]" } ?? ""))
            } else {
                lines.append("  \(who): nothing on \(channel)")
            }
        }
        if allowed.count > 6 { lines.append("  and \(allowed.count - 6) more") }
        lines.append("longest allowed prefix: the first \(observedBefore) outputs")
        if let clause { lines.append("clause \(clause.id): \(clause.summary)") }
        return lines
    }

    /// One line for JSON and JUnit.
    public var summary: String {
        let expected = allowed.first?.message.map { "expected \($0)" } ?? "nothing is owed on \(message.channel)"
        return "\(message) is allowed by no interleaving (\(expected)\(allowed.count > 1 ? ", or \(allowed.count - 1) other" : ""))"
    }
}

/// What a run still owes when no state consistent with it can end well.
public struct RaceShortfall: Hashable, Sendable {
    public struct Group: Hashable, Sendable {
        /// The oldest owed message on each channel.
        public var owed: [Emission]
        public var states: Int
    }

    public var stateCount: Int
    public var groups: [Group]

    public var lines: [String] {
        groups.prefix(4).map { group in
            let who = group.states == stateCount ? "every interleaving" : "\(group.states) of \(stateCount) interleavings"
            return "\(who) still owes: " + group.owed.map { "\($0.message) [\($0.clause.id)]" }.joined(separator: "; ")
        } + (groups.count > 4 ? ["and \(groups.count - 4) more groups"] : [])
    }

    /// One line: the most common expectation.
    public var summary: String {
        guard let first = groups.first?.owed.first else { return "nothing is owed" }
        return "expected \(first.message)" + (groups.count > 1 ? " (or as \(groups.count - 1) other interleavings owe)" : "")
    }
}
