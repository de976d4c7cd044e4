import CVConformTrace

/// The kinds of stimulus the environment can send (contract section 2).
public enum StimulusKind: String, CaseIterable, Hashable, Sendable, Comparable {
    case login, logout, release
    case sessionRequest = "session-request"
    case answer, hangup
    case logoutFeature = "logout-feature"

    public init?(_ message: Message) {
        switch message.type {
        case .login: self = .login
        case .logout: self = .logout
        case .release: self = .release
        case .sessionRequest: self = .sessionRequest
        case .answer: self = .answer
        case .hangup: self = .hangup
        case .logoutFeature: self = .logoutFeature
        default: return nil
        }
    }

    public static func < (lhs: StimulusKind, rhs: StimulusKind) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// An abstract (state, stimulus) pair: the kind of stimulus and the
/// situation of what it names, in words. Coverage counts these, and the
/// stimulus generator steers toward the ones it has seen least.
public struct Situation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var kind: StimulusKind
    public var state: String

    public var description: String { "\(kind.rawValue) with \(state)" }

    public static func < (lhs: Situation, rhs: Situation) -> Bool {
        (lhs.kind, lhs.state) < (rhs.kind, rhs.state)
    }

    /// The situation a stimulus meets in a system.
    public static func of(_ stimulus: Message, in system: ReferenceSystem) -> Situation? {
        guard let kind = StimulusKind(stimulus) else { return nil }
        let ecs = system.ecs
        switch kind {
        case .login:
            let agent = stimulus["agent"]
            let x = stimulus["extension"]
            return Situation(kind: kind, state: "agent \(ecs.agentPhase(agent)), extension \(ecs.extensionRelation(x, to: agent))")
        case .logout:
            return Situation(kind: kind, state: "agent \(ecs.agentPhase(stimulus["agent"]))")
        case .release:
            let agent = stimulus["agent"]
            let session = stimulus["session"]
            let icm = system.icm
            let relation: String
            if let owner = icm.agentBySession[session] {
                relation = owner == agent ? "its session" : "another agent's session"
            } else {
                relation = "a session no agent has"
            }
            let fits = icm.button(stimulus["button"], fits: session) ? "fitting" : "not fitting"
            return Situation(kind: kind, state: "agent \(ecs.agentPhase(agent)), \(relation), button \(fits)")
        case .sessionRequest:
            return Situation(kind: kind, state: "\(ecs.vdnSituation(stimulus["vdn"])), \(stimulus["media"])")
        case .answer, .hangup, .logoutFeature:
            return Situation(kind: kind, state: "extension \(ecs.extensionPhase(stimulus["extension"]))")
        }
    }

    /// Every situation that can occur, kind by kind (the denominator of
    /// coverage). Situations no run can meet are left out.
    public static let all: [Situation] = {
        var all: [Situation] = []
        let loggedIn = ["available", "alerting", "connected"]
        for phase in ["not administered", "logged out"] + loggedIn {
            var relations = ["not a station", "free", "another agent's"]
            if loggedIn.contains(phase) { relations.insert("its own", at: 2) }
            for relation in relations { all.append(Situation(kind: .login, state: "agent \(phase), extension \(relation)")) }
        }
        for phase in ["not administered", "logged out"] + loggedIn {
            all.append(Situation(kind: .logout, state: "agent \(phase)"))
        }
        for phase in ["not administered", "logged out"] + loggedIn {
            var relations = ["another agent's session", "a session no agent has"]
            if phase == "connected" { relations.insert("its session", at: 0) }
            for relation in relations {
                for fit in ["fitting", "not fitting"] {
                    all.append(Situation(kind: .release, state: "agent \(phase), \(relation), button \(fit)"))
                }
            }
        }
        for vdn in ["VDN not administered", "an agent available", "no agent available", "queued behind others"] {
            for media in ["realtime", "messaging"] { all.append(Situation(kind: .sessionRequest, state: "\(vdn), \(media)")) }
        }
        for kind in [StimulusKind.answer, .hangup, .logoutFeature] {
            for phase in ["not a station", "no agent", "available", "alerting", "connected"] {
                all.append(Situation(kind: kind, state: "extension \(phase)"))
            }
        }
        return all
    }()
}

extension ECSMachine {
    /// `not administered`, `logged out`, `available`, `alerting`, `connected`.
    func agentPhase(_ agent: String) -> String {
        guard skillsByAgent[agent] != nil else { return "not administered" }
        return phase(of: agent)
    }

    /// How an extension stands to an agent who would log in there.
    func extensionRelation(_ x: String, to agent: String) -> String {
        guard stations.contains(x) else { return "not a station" }
        guard let holder = agentAtExtension[x] else { return "free" }
        return holder == agent ? "its own" : "another agent's"
    }

    /// `not a station`, `no agent`, or the phase of the agent logged in there.
    func extensionPhase(_ x: String) -> String {
        guard stations.contains(x) else { return "not a station" }
        guard let agent = agentAtExtension[x] else { return "no agent" }
        return phase(of: agent)
    }

    /// What a session launched to this VDN would meet.
    func vdnSituation(_ vdn: String) -> String {
        guard let skill = skillByVDN[vdn] else { return "VDN not administered" }
        if (availableBySkill[skill]?.count ?? 0) > 0 { return "an agent available" }
        return (queues[skill]?.first == nil) ? "no agent available" : "queued behind others"
    }

    /// Whether the VDN is administered.
    func isVDN(_ vdn: String) -> Bool { skillByVDN[vdn] != nil }
}

extension ICMMachine {
    /// Whether the button fits the media of a session the ICM knows.
    func button(_ button: String, fits session: String) -> Bool {
        switch (mediaBySession[session], button) {
        case ("realtime", "drop"), ("messaging", "close"), ("messaging", "suspend"): return true
        default: return false
        }
    }

    /// The session an agent has, if any.
    func session(of agent: String) -> String? {
        if case .inSession(_, let session) = agents[agent] { return session }
        return nil
    }

    /// The media the ICM recorded for a session.
    func media(of session: String) -> String? { mediaBySession[session] }
}
