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
        let icm = system.icm
        let ecs = system.ecs
        switch self {
        case .loginsAgree:
            var icmLogins: [String: String] = [:]
            icm.forEachAgent { icmLogins[$0] = $1.extension }
            var ecsLogins: [String: String] = [:]
            ecs.forEachAgent { ecsLogins[$0] = $1.extension }
            return icmLogins == ecsLogins
        case .sessionsAgree:
            var browser: [String: String] = [:]
            icm.forEachAgent { agent, state in if case .inSession(_, let session) = state { browser[agent] = session } }
            var connected: [String: String] = [:]
            ecs.forEachAgent { agent, state in if case .connected(_, let session) = state { connected[agent] = session } }
            return browser == connected
        case .oneSessionPerAgent:
            var icmHolders: [String: Int] = [:]
            icm.forEachAgent { _, state in if case .inSession(_, let session) = state { icmHolders[session, default: 0] += 1 } }
            var ecsHolders: [String: Int] = [:]
            ecs.forEachAgent { _, state in
                switch state {
                case .alerting(_, let session), .connected(_, let session): ecsHolders[session, default: 0] += 1
                case .available: break
                }
            }
            // The machines give an agent one state each, so an agent holds
            // at most one session by construction; two agents may not share one.
            return icmHolders.values.allSatisfy { $0 == 1 } && ecsHolders.values.allSatisfy { $0 == 1 }
        case .oneAgentPerStation:
            var icmStations: [String] = []
            icm.forEachAgent { icmStations.append($1.extension) }
            var ecsStations: [String] = []
            ecs.forEachAgent { ecsStations.append($1.extension) }
            return Set(icmStations).count == icmStations.count && Set(ecsStations).count == ecsStations.count
        case .noIdleAgentBesideQueue:
            var held = Set<String>()
            var available: [String] = []
            ecs.forEachAgent { agent, state in
                switch state {
                case .alerting(_, let session), .connected(_, let session): held.insert(session)
                case .available: available.append(agent)
                }
            }
            var waitingSkills = Set<String>()
            ecs.forEachSession { session, active in if !held.contains(session) { waitingSkills.insert(active.skill) } }
            if waitingSkills.isEmpty { return true }
            for agent in available {
                guard let skills = ecs.skills(of: agent) else { continue }
                if skills.contains(where: waitingSkills.contains) { return false }
            }
            return true
        case .administeredOnly:
            let agents = Set(administration.agents.map(\.id))
            let stations = Set(administration.stations)
            var administered = true
            icm.forEachAgent { agent, state in administered = administered && agents.contains(agent) && stations.contains(state.extension) }
            ecs.forEachAgent { agent, state in administered = administered && agents.contains(agent) && stations.contains(state.extension) }
            return administered
        case .sessionsLive:
            var icmMedia = Set<String>()
            icm.forEachSession { session, media, _ in if media != nil { icmMedia.insert(session) } }
            var ecsSessions = Set<String>()
            ecs.forEachSession { session, _ in ecsSessions.insert(session) }
            return ecsSessions == icmMedia
        case .quiescenceReachable:
            return true
        }
    }
}
