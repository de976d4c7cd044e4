import CVConformTrace

/// The DEFINITY ECS: it alone judges administration, logs agents in and out,
/// routes sessions through vectoring and EAS skills, and reports progress.
public struct ECSMachine: RoleMachine {
    public static let role = Role.ecs

    /// An agent's state at the switch; an agent with no entry is logged out.
    enum AgentState: Hashable, Sendable {
        /// Logged in and idle since the tick `since` (for "most idle").
        case available(extension: String, since: UInt64)
        case alerting(extension: String, session: String)
        case connected(extension: String, session: String)

        var `extension`: String {
            switch self {
            case .available(let x, _), .alerting(let x, _), .connected(let x, _): return x
            }
        }
    }

    /// A session the switch is handling (queued, alerting or connected).
    struct ActiveSession: Hashable, Sendable {
        var skill: String
        /// Launch order, which is also queue order.
        var launchedAt: UInt64
    }

    private let skillsByAgent: [String: Set<String>]
    private let stations: Set<String>
    private let skillByVDN: [String: String]

    var agents: [String: AgentState] = [:]
    private var agentAtExtension: [String: String] = [:]
    private var sessions: [String: ActiveSession] = [:]
    /// Queued session ids, ordered by launch.
    private var queue: [String] = []
    /// A logical clock: availability and launch order, never wall time.
    private var clock: UInt64 = 0

    public init(administration: Administration) {
        var skills: [String: Set<String>] = [:]
        for agent in administration.agents { skills[agent.id] = Set(agent.skills) }
        skillsByAgent = skills
        stations = Set(administration.stations)
        var vdns: [String: String] = [:]
        for vdn in administration.vdns { vdns[vdn.number] = vdn.skill }
        skillByVDN = vdns
    }

    public mutating func receive(_ message: Message) -> Reaction {
        switch message.type {
        case .asaiLogin: return asaiLogin(agent: message["agent"], extension: message["extension"])
        case .launch: return launch(session: message["session"], vdn: message["vdn"])
        case .answer: return answer(extension: message["extension"])
        case .hangup: return hangup(extension: message["extension"])
        case .asaiDrop: return asaiDrop(session: message["session"], extension: message["extension"])
        case .asaiLogout: return asaiLogout(agent: message["agent"], extension: message["extension"])
        case .logoutFeature: return logoutFeature(extension: message["extension"])
        default:
            // The catalog routes nothing else to the ECS.
            return Reaction()
        }
    }

    // MARK: - E1

    mutating func asaiLogin(agent: String, extension x: String) -> Reaction {
        var reaction = Reaction()
        let cause: (Clause, String)?
        if skillsByAgent[agent] == nil {
            cause = (.ecsLoginUnknownAgent, "unknown-agent")
        } else if !stations.contains(x) {
            cause = (.ecsLoginUnknownExtension, "unknown-extension")
        } else if agents[agent] != nil {
            cause = (.ecsLoginAgentLoggedIn, "agent-logged-in")
        } else if agentAtExtension[x] != nil {
            cause = (.ecsLoginExtensionInUse, "extension-in-use")
        } else {
            cause = nil
        }
        if let (clause, word) = cause {
            reaction.apply(clause)
            reaction.send(clause, to: .cvct, from: .ecs, .loginDenied, ["agent": agent, "extension": x, "cause": word])
            return reaction
        }
        reaction.apply(.ecsLoginAccepted)
        agentAtExtension[x] = agent
        reaction.send(.ecsLoginAccepted, to: .cvct, from: .ecs, .loggedIn, ["agent": agent, "extension": x])
        becomeAvailable(agent, at: x, &reaction)
        return reaction
    }

    // MARK: - E2

    mutating func launch(session: String, vdn: String) -> Reaction {
        var reaction = Reaction()
        guard let skill = skillByVDN[vdn] else {
            reaction.apply(.extLaunchUnknownVDN)
            return reaction
        }
        guard sessions[session] == nil else {
            reaction.apply(.extLaunchActiveSession)
            return reaction
        }
        clock += 1
        sessions[session] = ActiveSession(skill: skill, launchedAt: clock)
        let offeredClause: Clause = mostIdleAgent(with: skill) == nil ? .ecsLaunchQueued : .ecsLaunchDelivered
        reaction.apply(offeredClause)
        reaction.send(offeredClause, to: .cvct, from: .ecs, .progress, ["session": session, "state": "offered", "vdn": vdn])
        route(session, skill: skill, clause: offeredClause, &reaction)
        return reaction
    }

    /// Delivers a session to the most idle available agent with its skill, or
    /// queues it in launch order.
    private mutating func route(_ session: String, skill: String, clause: Clause, _ reaction: inout Reaction) {
        if let (agent, x, candidates) = mostIdleAgent(with: skill) {
            // Among several candidates the choice is the most-idle rule's, and
            // its messages cite it, so a wrong choice is reported under it.
            if candidates > 1 { reaction.apply(.ecsMostIdle) }
            deliver(session, to: agent, at: x, citing: candidates > 1 ? .ecsMostIdle : .ecsDeliver, &reaction)
        } else {
            let launchedAt = sessions[session]?.launchedAt ?? 0
            let index = queue.firstIndex { (sessions[$0]?.launchedAt ?? 0) > launchedAt } ?? queue.endIndex
            queue.insert(session, at: index)
            reaction.send(clause, to: .cvct, from: .ecs, .progress, ["session": session, "state": "queued", "skill": skill])
        }
    }

    /// The available agent with the skill that became available earliest,
    /// its extension, and how many agents were candidates.
    private func mostIdleAgent(with skill: String) -> (String, String, Int)? {
        var best: (agent: String, extension: String, since: UInt64)?
        var candidates = 0
        for (agent, state) in agents {
            guard case .available(let x, let since) = state, skillsByAgent[agent]?.contains(skill) == true else { continue }
            candidates += 1
            if let current = best, current.since <= since { continue }
            best = (agent, x, since)
        }
        return best.map { ($0.agent, $0.extension, candidates) }
    }

    // MARK: - E3, E4, E5

    mutating func answer(extension x: String) -> Reaction {
        var reaction = Reaction()
        guard let agent = agentAtExtension[x], case .alerting(_, let session) = agents[agent] else {
            reaction.apply(.ecsAnswerIgnored)
            return reaction
        }
        reaction.apply(.ecsAnswer)
        agents[agent] = .connected(extension: x, session: session)
        reaction.send(.ecsAnswer, to: .cvct, from: .ecs, .progress, ["session": session, "state": "answered", "extension": x])
        return reaction
    }

    mutating func hangup(extension x: String) -> Reaction {
        var reaction = Reaction()
        guard let agent = agentAtExtension[x], case .connected(_, let session) = agents[agent] else {
            reaction.apply(.ecsHangupIgnored)
            return reaction
        }
        reaction.apply(.ecsHangup)
        sessions[session] = nil
        reaction.send(.ecsHangup, to: .cvct, from: .ecs, .progress,
                      ["session": session, "state": "dropped", "extension": x, "by": "phone"])
        becomeAvailable(agent, at: x, &reaction)
        return reaction
    }

    mutating func asaiDrop(session: String, extension x: String) -> Reaction {
        var reaction = Reaction()
        guard let agent = agentAtExtension[x], agents[agent] == .connected(extension: x, session: session) else {
            reaction.apply(.ecsDropIgnored)
            return reaction
        }
        reaction.apply(.ecsDrop)
        sessions[session] = nil
        reaction.send(.ecsDrop, to: .phone, from: .ecs, .clear, ["session": session, "extension": x])
        reaction.send(.ecsDrop, to: .cvct, from: .ecs, .progress,
                      ["session": session, "state": "dropped", "extension": x, "by": "request"])
        becomeAvailable(agent, at: x, &reaction)
        return reaction
    }

    // MARK: - E6, E7

    mutating func asaiLogout(agent: String, extension x: String) -> Reaction {
        var reaction = Reaction()
        switch agents[agent] {
        case .available(let at, _) where at == x:
            reaction.apply(.ecsLogout)
            logOut(agent, at: x)
            reaction.send(.ecsLogout, to: .cvct, from: .ecs, .loggedOut, ["agent": agent, "extension": x, "by": "request"])
        case .alerting(let at, let session) where at == x:
            // Extended: the browser logged out an agent whose phone is still
            // ringing (the ICM cannot know). Ring-no-answer: clear the phone,
            // log out, and give the session to someone else.
            reaction.apply(.extLogoutWhileAlerting)
            logOut(agent, at: x)
            reaction.send(.extLogoutWhileAlerting, to: .phone, from: .ecs, .clear, ["session": session, "extension": x])
            reaction.send(.extLogoutWhileAlerting, to: .cvct, from: .ecs, .loggedOut,
                          ["agent": agent, "extension": x, "by": "request"])
            let skill = sessions[session]?.skill ?? ""
            route(session, skill: skill, clause: .extLogoutWhileAlerting, &reaction)
        case .connected(let at, _) where at == x:
            reaction.apply(.extLogoutWhileConnected)
        default:
            reaction.apply(.ecsLogoutIgnored)
        }
        return reaction
    }

    mutating func logoutFeature(extension x: String) -> Reaction {
        var reaction = Reaction()
        guard let agent = agentAtExtension[x], let state = agents[agent] else {
            reaction.apply(.ecsLogoutFeatureIgnored)
            return reaction
        }
        guard case .available = state else {
            reaction.apply(.extLogoutFeatureWhileBusy)
            return reaction
        }
        reaction.apply(.ecsLogoutFeature)
        logOut(agent, at: x)
        reaction.send(.ecsLogoutFeature, to: .cvct, from: .ecs, .loggedOut, ["agent": agent, "extension": x, "by": "phone"])
        return reaction
    }

    // MARK: - E8, E9

    private mutating func deliver(
        _ session: String, to agent: String, at x: String, citing clause: Clause = .ecsDeliver, _ reaction: inout Reaction
    ) {
        reaction.apply(.ecsDeliver)
        agents[agent] = .alerting(extension: x, session: session)
        reaction.send(clause, to: .phone, from: .ecs, .alert, ["session": session, "extension": x])
        reaction.send(clause, to: .cvct, from: .ecs, .progress, ["session": session, "state": "alerting", "extension": x])
    }

    /// The agent becomes available now, then dispatch (E9).
    private mutating func becomeAvailable(_ agent: String, at x: String, _ reaction: inout Reaction) {
        clock += 1
        agents[agent] = .available(extension: x, since: clock)
        let skills = skillsByAgent[agent] ?? []
        guard let index = queue.firstIndex(where: { sessions[$0].map { skills.contains($0.skill) } ?? false }) else { return }
        let session = queue.remove(at: index)
        reaction.apply(.ecsDispatch)
        deliver(session, to: agent, at: x, &reaction)
    }

    private mutating func logOut(_ agent: String, at x: String) {
        agents[agent] = nil
        agentAtExtension[x] = nil
    }
}

extension ECSMachine: CustomStringConvertible {
    /// `available, most idle first: 1002 at 4002, 1001 at 4001; busy: 1003
    /// alerting s1 at 4003; queue: s3 (skill 10)`
    public var description: String {
        var available: [(since: UInt64, text: String)] = []
        var busy: [String] = []
        for agent in agents.keys.sorted() {
            switch agents[agent] {
            case .available(let x, let since): available.append((since, "\(agent) at \(x)"))
            case .alerting(let x, let s): busy.append("\(agent) alerting \(s) at \(x)")
            case .connected(let x, let s): busy.append("\(agent) connected \(s) at \(x)")
            case nil: break
            }
        }
        let idle = available.sorted { $0.since < $1.since }.map(\.text)
        let queueText = queue.map { "\($0) (skill \(sessions[$0]?.skill ?? "?"))" }
        return "available, most idle first: \(idle.isEmpty ? "none" : idle.joined(separator: ", "))"
            + "; busy: \(busy.isEmpty ? "none" : busy.joined(separator: ", "))"
            + "; queue: \(queueText.isEmpty ? "empty" : queueText.joined(separator: ", "))"
    }
}
