import CVConformModel
import CVConformTrace

/// A property every quiescent state of the model must have, stated in
/// `spec/verify.md` with the same id, text and basis. `verify` evaluates
/// each in every quiescent state it reaches (INV-8 in every state).
package enum Invariant: String, CaseIterable, Hashable, Sendable, Comparable {
    case loginsAgree = "INV-1"
    case sessionsAgree = "INV-2"
    case oneSessionPerAgent = "INV-3"
    case oneAgentPerStation = "INV-4"
    case noIdleAgentBesideQueue = "INV-5"
    case administeredOnly = "INV-6"
    case sessionsLive = "INV-7"
    case quiescenceReachable = "INV-8"

    package var id: String { rawValue }

    package static func < (lhs: Invariant, rhs: Invariant) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }

    /// The invariant in words (the same as in `spec/verify.md`).
    package var text: String {
        switch self {
        case .loginsAgree:
            return "The ICM and the ECS agree on who is logged in where: an agent is logged in at an extension at the ICM exactly when it is at the ECS."
        case .sessionsAgree:
            return "Every session the browser sees connected is connected at the switch, and every session connected at the switch is connected in the agent's browser."
        case .oneSessionPerAgent:
            return "An agent never holds two sessions, and a session is never held by two agents."
        case .oneAgentPerStation:
            return "At most one agent is logged in at an extension, at the ICM and at the ECS."
        case .noIdleAgentBesideQueue:
            return "No session waits in a queue while an available agent has its skill."
        case .administeredOnly:
            return "Only administered agents are logged in, and only at administered stations."
        case .sessionsLive:
            return "The ICM and the ECS agree on which sessions are live: a session the ICM has launched and not ended is one the ECS is handling (queued, alerting or connected), and the other way round."
        case .quiescenceReachable:
            return "From every state, a state in which nothing is owed is reachable: nothing stays owed forever."
        }
    }

    /// Where the contract says so (section 3's rules).
    package var basis: String {
        switch self {
        case .loginsAgree: return "E1, E6, E7 log agents in and out at the ECS; I2, I8, I9 at the ICM, from the ECS's answers."
        case .sessionsAgree: return "E3 connects and I5 connects the ACW from its report; E4, E5 end a session, I6, I7 end it for the agent."
        case .oneSessionPerAgent: return "E8 delivers only to an available agent; I5 gives a session to the one agent at its extension."
        case .oneAgentPerStation: return "E1's extension-in-use and agent-logged-in checks; the ICM logs in only what the ECS confirmed."
        case .noIdleAgentBesideQueue: return "E2 delivers to an available agent before queueing; E9 dispatches whenever an agent becomes available."
        case .administeredOnly: return "E1: the ECS alone judges administration and refuses unknown agents and extensions."
        case .sessionsLive: return "I4 launches every session requested and E2 offers it (delivered or queued); I6 and I7 end it at the ICM when E4 or E5 ends it at the ECS."
        case .quiescenceReachable: return "Section 3: each role reacts to each message with finitely many messages; section 8: any message may be taken."
        }
    }

    /// Whether the invariant holds in a quiescent state (INV-8 is judged by
    /// the checker, over the states, not here).
    func holds(in system: ReferenceSystem, administration: Administration) -> Bool {
        holds(in: InvariantView(system, administered: AdministeredIDs(administration, numberedLike: system)))
    }

    /// The same, on a state's numbers (verify checks millions of states).
    func holds(in view: InvariantView) -> Bool {
        switch self {
        case .loginsAgree:
            // The administration's ids have the same numbers at both roles;
            // an id only the ICM met has a number past them, so it differs.
            return InvariantView.sameAtBothRoles(view.icm.map(\.station), view.ecs.map(\.station))
        case .sessionsAgree:
            return InvariantView.sameAtBothRoles(view.icm.map { $0.session.map(view.icmSessionID) },
                                        view.ecs.map { $0.phase == .connected ? $0.session.map(view.ecsSessionID) : nil })
        case .oneSessionPerAgent:
            // One slot per session id at each role.
            return InvariantView.distinct(view.icm.compactMap(\.session)) && InvariantView.distinct(view.ecs.compactMap(\.session))
        case .oneAgentPerStation:
            return InvariantView.distinct(view.icm.compactMap(\.station)) && InvariantView.distinct(view.ecs.compactMap(\.station))
        case .noIdleAgentBesideQueue:
            let held = view.ecs.compactMap(\.session)
            var waitingSkills: [Int32] = []
            view.system.ecs.forEachNumberedSession { slot, _, skill, _ in
                if !held.contains(slot) { waitingSkills.append(Int32(skill)) }
            }
            if waitingSkills.isEmpty { return true }
            for (number, agent) in view.ecs.enumerated() where agent.phase == .available {
                if view.system.ecs.skillNumbers(ofAgent: number).contains(where: waitingSkills.contains) { return false }
            }
            return true
        case .administeredOnly:
            for (number, agent) in view.icm.enumerated() {
                guard let station = agent.station else { continue }
                if !view.administered.agent(number, at: view.system.icm) || !view.administered.station(station, at: view.system.icm) { return false }
            }
            for (number, agent) in view.ecs.enumerated() {
                guard let station = agent.station else { continue }
                if !view.administered.switchAgent(number) || !view.administered.switchStation(station) { return false }
            }
            return true
        case .sessionsLive:
            var icmSessions: [String] = []
            view.system.icm.forEachNumberedSession { _, session, _ in icmSessions.append(session) }
            var ecsSessions: [String] = []
            view.system.ecs.forEachNumberedSession { _, session, _, _ in ecsSessions.append(session) }
            return icmSessions.count == ecsSessions.count && icmSessions.allSatisfy(ecsSessions.contains)
        case .quiescenceReachable:
            return true
        }
    }
}

/// A quiescent state by numbers, for the invariants: each agent's station
/// and session slot at each role, indexed by the role's agent number.
struct InvariantView {
    struct Agent {
        var station: Int?
        var session: Int32?
        /// At the switch (nil at the ICM).
        var phase: ECSMachine.NumberedPhase?
    }

    let system: ReferenceSystem
    let administered: AdministeredIDs
    private(set) var icm: [Agent] = []
    private(set) var ecs: [Agent] = []

    init(_ system: ReferenceSystem, administered: AdministeredIDs) {
        self.system = system
        self.administered = administered
        var icm: [Agent] = []
        system.icm.forEachNumberedAgent { number, station, session in
            while icm.count <= number { icm.append(Agent()) }
            icm[number] = Agent(station: station, session: session >= 0 ? session : nil)
        }
        var ecs: [Agent] = []
        system.ecs.forEachNumberedAgent { number, phase, station, session, _ in
            while ecs.count <= number { ecs.append(Agent()) }
            ecs[number] = Agent(station: station, session: session >= 0 ? session : nil, phase: phase)
        }
        self.icm = icm
        self.ecs = ecs
    }

    func icmSessionID(_ slot: Int32) -> String { system.icm.sessionID(slot: slot) }
    func ecsSessionID(_ slot: Int32) -> String { system.ecs.sessionID(slot: slot) }

    /// Whether two tables by agent number say the same, an agent past the
    /// end of one having nothing there.
    static func sameAtBothRoles<Value: Equatable>(_ icm: [Value?], _ ecs: [Value?]) -> Bool {
        for number in 0..<max(icm.count, ecs.count) where (number < icm.count ? icm[number] : nil) != (number < ecs.count ? ecs[number] : nil) {
            return false
        }
        return true
    }

    static func distinct<Value: Equatable>(_ values: [Value]) -> Bool {
        for (index, value) in values.enumerated() where values[..<index].contains(value) { return false }
        return true
    }
}

/// Which of a system's numbers stand for administered ids, worked out once
/// per numbering: by number for the ids the system numbered when this was
/// made, by id for any the ICM numbered later (a mutant's or a race's).
struct AdministeredIDs: Sendable {
    private let agents: Set<String>
    private let stations: Set<String>
    private let icmAgents: [Bool]
    private let icmStations: [Bool]
    private let switchAgents: [Bool]
    private let switchStations: [Bool]

    init(_ administration: Administration, numberedLike system: ReferenceSystem) {
        let agents = Set(administration.agents.map(\.id))
        let stations = Set(administration.stations)
        self.agents = agents
        self.stations = stations
        let icm = system.icm, ecs = system.ecs
        icmAgents = (0..<icm.numberedCounts.agents).map { agents.contains(icm.agentID(number: $0)) }
        icmStations = (0..<icm.numberedCounts.stations).map { stations.contains(icm.stationID(number: $0)) }
        switchAgents = (0..<ecs.numberedCounts.agents).map { agents.contains(ecs.agentID(number: $0)) }
        switchStations = (0..<ecs.numberedCounts.stations).map { stations.contains(ecs.stationID(number: $0)) }
    }

    func agent(_ number: Int, at icm: ICMMachine) -> Bool {
        number < icmAgents.count ? icmAgents[number] : agents.contains(icm.agentID(number: number))
    }

    func station(_ number: Int, at icm: ICMMachine) -> Bool {
        number < icmStations.count ? icmStations[number] : stations.contains(icm.stationID(number: number))
    }

    /// The switch numbers only its own administration's ids, once.
    func switchAgent(_ number: Int) -> Bool { switchAgents[number] }
    func switchStation(_ number: Int) -> Bool { switchStations[number] }
}
