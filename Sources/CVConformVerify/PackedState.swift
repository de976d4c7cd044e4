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
    let agentCount: Int
    let sessionCount: Int
    /// Ids by place. A universe has at most 15 of each kind, so a look is
    /// a short scan of small strings: no hashing (a dictionary here was a
    /// fifth of `verify`).
    private let agentIDs: [String]
    private let stationIDs: [String]
    private let sessionIDs: [String]
    private let skillIDs: [String]
    /// The places and codes of the machines' numbers, worked out once: the
    /// numbers of a universe's ids are the same in every state. A number
    /// past these (an id the ICM met later, from a mutant or a race) is
    /// looked up by its id.
    private let icmAgentPlaces: [Int]
    private let icmStationCodes: [UInt8]
    private let ecsAgentPlaces: [Int]
    private let ecsStationCodes: [UInt8]
    private let ecsSkillCodes: [UInt8]

    init(_ universe: Universe) {
        agentCount = universe.agents + 1
        sessionCount = universe.sessions
        agentIDs = universe.agentIDs + [Universe.unknownAgent]
        stationIDs = universe.stationIDs + [Universe.unknownStation]
        sessionIDs = universe.sessionIDs
        skillIDs = universe.skillIDs
        let start = ReferenceSystem(administration: universe.administration)
        let icm = start.icm.numberedCounts
        let ecs = start.ecs.numberedCounts
        let agentIDs = agentIDs, stationIDs = stationIDs, skillIDs = skillIDs
        let place = { (id: String) in agentIDs.firstIndex(of: id) ?? (agentIDs.count - 1) }
        icmAgentPlaces = (0..<icm.agents).map { place(start.icm.agentID(number: $0)) }
        icmStationCodes = (0..<icm.stations).map { Self.code(start.icm.stationID(number: $0), in: stationIDs) }
        ecsAgentPlaces = (0..<ecs.agents).map { place(start.ecs.agentID(number: $0)) }
        ecsStationCodes = (0..<ecs.stations).map { Self.code(start.ecs.stationID(number: $0), in: stationIDs) }
        ecsSkillCodes = (0..<ecs.skills).map { Self.code(start.ecs.skillID(number: $0), in: skillIDs) }
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
    private static func code(_ id: String, in ids: [String]) -> UInt8 { UInt8(min((ids.firstIndex(of: id) ?? 14) + 1, 15)) }
    private func agent(_ id: String) -> Int { agentIDs.firstIndex(of: id) ?? (agentCount - 1) }

    func pack(_ system: ReferenceSystem, requested: Int, racing: Int = 0) -> PackedState {
        var state = PackedState()
        let icm = system.icm
        let ecs = system.ecs
        icm.forEachNumberedAgent { number, station, session in
            let index = number < icmAgentPlaces.count ? icmAgentPlaces[number] : agent(icm.agentID(number: number))
            state[icmStation(index)] = station < icmStationCodes.count ? icmStationCodes[station]
                : Self.code(icm.stationID(number: station), in: stationIDs)
            if session >= 0 { state[icmSession(index)] = Self.code(icm.sessionID(slot: session), in: sessionIDs) }
        }
        ecs.forEachNumberedAgent { number, phase, station, session, since in
            // The switch numbers only the administration's ids.
            let index = ecsAgentPlaces[number]
            state[ecsStation(index)] = ecsStationCodes[station]
            state[ecsStatus(index)] = phase.rawValue
            if session >= 0 {
                state[ecsSession(index)] = Self.code(ecs.sessionID(slot: session), in: sessionIDs)
            } else {
                state[ecsRank(index)] = UInt8(min(since, 15))
            }
        }
        icm.forEachNumberedSession { _, session, media in
            guard let index = sessionIDs.firstIndex(of: session) else { return }
            state[icmMedia(index)] = media == .realtime ? 1 : 2
        }
        ecs.forEachNumberedSession { _, session, skill, launchedAt in
            guard let index = sessionIDs.firstIndex(of: session) else { return }
            state[ecsSkill(index)] = ecsSkillCodes[skill]
            state[ecsLaunchRank(index)] = UInt8(min(launchedAt, 15))
        }
        state[self.requested] = UInt8(requested)
        state[self.racing] = UInt8(racing)
        return state
    }
}
