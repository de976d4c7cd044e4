import CVConformModel
import CVConformTrace

/// A quiescent state of the three machines in 32 bytes: four bits per
/// field, every id an index into the universe. Two systems that behave
/// alike from here on pack alike (the switch is normalized first), so a set
/// of these is the set of states `verify` has seen. The fields, for each
/// agent (the unknown one last): at the ICM its station and session; at
/// the ECS its status, station, session and availability rank. For each
/// session: its media at the ICM, its skill and launch rank at the ECS.
/// Then the sessions requested so far, and the stimuli sent since the last
/// quiescent state (races only).
package struct PackedState: Hashable, Sendable {
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    static let capacity = 64

    package static func == (lhs: PackedState, rhs: PackedState) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    subscript(field: Int) -> UInt8 {
        get {
            let shift = UInt64((field % 16) * 4)
            switch field / 16 {
            case 0: return UInt8((words.0 >> shift) & 0xF)
            case 1: return UInt8((words.1 >> shift) & 0xF)
            case 2: return UInt8((words.2 >> shift) & 0xF)
            default: return UInt8((words.3 >> shift) & 0xF)
            }
        }
        set {
            let shift = UInt64((field % 16) * 4)
            let mask = ~(UInt64(0xF) << shift)
            let bits = UInt64(min(newValue, 15)) << shift
            switch field / 16 {
            case 0: words.0 = (words.0 & mask) | bits
            case 1: words.1 = (words.1 & mask) | bits
            case 2: words.2 = (words.2 & mask) | bits
            default: words.3 = (words.3 & mask) | bits
            }
        }
    }
}

/// Where each field of a `PackedState` sits for one universe, and how a
/// system is packed.
struct PackedLayout: Sendable {
    /// The ECS's status of an agent.
    enum Status: UInt8 { case loggedOut = 0, available, alerting, connected }

    let agentCount: Int
    let sessionCount: Int
    /// Ids by place. A universe has at most 15 of each kind, so a look is
    /// a short scan of small strings: no hashing (a dictionary here was a
    /// fifth of `verify`).
    private let agentIDs: [String]
    private let stationIDs: [String]
    private let sessionIDs: [String]
    private let skillIDs: [String]

    init(_ universe: Universe) {
        agentCount = universe.agents + 1
        sessionCount = universe.sessions
        agentIDs = universe.agentIDs + [Universe.unknownAgent]
        stationIDs = universe.stationIDs + [Universe.unknownStation]
        sessionIDs = universe.sessionIDs
        skillIDs = universe.skillIDs
    }

    var nibbles: Int { agentCount * 6 + sessionCount * 3 + 2 }

    func icmStation(_ agent: Int) -> Int { agent * 6 }
    func icmSession(_ agent: Int) -> Int { agent * 6 + 1 }
    func ecsStatus(_ agent: Int) -> Int { agent * 6 + 2 }
    func ecsStation(_ agent: Int) -> Int { agent * 6 + 3 }
    func ecsSession(_ agent: Int) -> Int { agent * 6 + 4 }
    func ecsRank(_ agent: Int) -> Int { agent * 6 + 5 }
    func icmMedia(_ session: Int) -> Int { agentCount * 6 + session * 3 }
    func ecsSkill(_ session: Int) -> Int { agentCount * 6 + session * 3 + 1 }
    func ecsLaunchRank(_ session: Int) -> Int { agentCount * 6 + session * 3 + 2 }
    var requested: Int { agentCount * 6 + sessionCount * 3 }
    var racing: Int { agentCount * 6 + sessionCount * 3 + 1 }

    /// An id's place plus one (0 is "none"); ids outside the universe (only
    /// a mutant makes them) share the last value.
    private func code(_ id: String, in ids: [String]) -> UInt8 { UInt8(min((ids.firstIndex(of: id) ?? 14) + 1, 15)) }
    private func agent(_ id: String) -> Int { agentIDs.firstIndex(of: id) ?? (agentCount - 1) }

    func pack(_ system: ReferenceSystem, requested: Int, racing: Int = 0) -> PackedState {
        var state = PackedState()
        system.icm.forEachAgent { id, agentState in
            let index = agent(id)
            state[icmStation(index)] = code(agentState.extension, in: stationIDs)
            if case .inSession(_, let session) = agentState { state[icmSession(index)] = code(session, in: sessionIDs) }
        }
        system.ecs.forEachAgent { id, agentState in
            let index = agent(id)
            state[ecsStation(index)] = code(agentState.extension, in: stationIDs)
            switch agentState {
            case .available(_, let since):
                state[ecsStatus(index)] = Status.available.rawValue
                state[ecsRank(index)] = UInt8(min(since, 15))
            case .alerting(_, let session):
                state[ecsStatus(index)] = Status.alerting.rawValue
                state[ecsSession(index)] = code(session, in: sessionIDs)
            case .connected(_, let session):
                state[ecsStatus(index)] = Status.connected.rawValue
                state[ecsSession(index)] = code(session, in: sessionIDs)
            }
        }
        system.icm.forEachSession { session, media, _ in
            guard let media, let index = sessionIDs.firstIndex(of: session) else { return }
            state[icmMedia(index)] = media == Media.realtime.rawValue ? 1 : 2
        }
        system.ecs.forEachSession { session, active in
            guard let index = sessionIDs.firstIndex(of: session) else { return }
            state[ecsSkill(index)] = code(active.skill, in: skillIDs)
            state[ecsLaunchRank(index)] = UInt8(min(active.launchedAt, 15))
        }
        state[self.requested] = UInt8(requested)
        state[self.racing] = UInt8(racing)
        return state
    }
}
