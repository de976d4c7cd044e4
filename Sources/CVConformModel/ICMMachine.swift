import CVConformTrace

/// The Internet Call Manager: serves the agents' browsers, launches Internet
/// sessions to the ECS and connects answered sessions to the Agent Control
/// Window (ACW: always the window, never after-call work).
public struct ICMMachine: RoleMachine, Hashable {
    public static let role = Role.icm

    /// An agent's state at the ICM; an agent with no entry is logged out.
    package enum AgentState: Hashable, Sendable {
        case loggedIn(extension: String)
        case inSession(extension: String, session: String)

        package var `extension`: String {
            switch self {
            case .loggedIn(let x), .inSession(let x, _): return x
            }
        }
    }

    package var agents = IDMap<AgentState>()
    private(set) var agentAtExtension = IDMap<String>()
    /// The media of each session requested and not yet ended at the ICM.
    package private(set) var mediaBySession = IDMap<String>()
    /// Which agent has a session, for `dropped`.
    private(set) var agentBySession = IDMap<String>()

    public init(administration: Administration) {}

    public mutating func receive(_ message: Message) -> Reaction {
        switch message.type {
        case .login: return login(agent: message["agent"], extension: message["extension"])
        case .loginConfirmed: return loginConfirmed(agent: message["agent"], extension: message["extension"])
        case .loginDenied: return loginDenied(agent: message["agent"], cause: message["cause"])
        case .sessionRequest: return sessionRequest(session: message["session"], media: message["media"], vdn: message["vdn"])
        case .answered: return answered(session: message["session"], extension: message["extension"])
        case .release: return release(agent: message["agent"], session: message["session"], button: message["button"])
        case .dropped: return dropped(session: message["session"])
        case .logout: return logout(agent: message["agent"])
        case .agentLoggedOut: return agentLoggedOut(agent: message["agent"])
        default:
            return Reaction() // The catalog routes nothing else to the ICM.
        }
    }

    // MARK: - Login (I1-I3)

    mutating func login(agent: String, extension x: String) -> Reaction {
        var reaction = Reaction()
        reaction.apply(.icmLogin)
        reaction.send(.icmLogin, to: .cvct, from: .icm, .loginRequest, Parameters("agent", agent, "extension", x))
        return reaction
    }

    mutating func loginConfirmed(agent: String, extension x: String) -> Reaction {
        var reaction = Reaction()
        if agents[agent] != nil {
            // Only racing messages get here; I2 applies as written.
            reaction.apply(.extLoginConfirmedAgain)
            forget(agent)
        }
        reaction.apply(.icmLoginConfirmed)
        agents[agent] = .loggedIn(extension: x)
        agentAtExtension[x] = agent
        reaction.send(.icmLoginConfirmed, to: .browser, from: .icm, .acwOpen, Parameters("agent", agent))
        return reaction
    }

    mutating func loginDenied(agent: String, cause: String) -> Reaction {
        var reaction = Reaction()
        reaction.apply(.icmLoginDenied)
        reaction.send(.icmLoginDenied, to: .browser, from: .icm, .loginFailed, Parameters("agent", agent, "cause", cause))
        return reaction
    }

    // MARK: - Sessions (I4-I7)

    mutating func sessionRequest(session: String, media: String, vdn: String) -> Reaction {
        var reaction = Reaction()
        reaction.apply(.icmSessionRequest)
        if agentBySession[session] == nil { mediaBySession[session] = media }
        reaction.send(.icmSessionRequest, to: .ecs, from: .icm, .launch, Parameters("media", media, "session", session, "vdn", vdn))
        return reaction
    }

    mutating func answered(session: String, extension x: String) -> Reaction {
        var reaction = Reaction()
        guard let agent = agentAtExtension[x], agents[agent] == .loggedIn(extension: x) else {
            reaction.apply(.extAnsweredWithoutIdleAgent)
            return reaction
        }
        reaction.apply(.icmAnswered)
        agents[agent] = .inSession(extension: x, session: session)
        agentBySession[session] = agent
        reaction.send(.icmAnswered, to: .browser, from: .icm, .connect, Parameters("agent", agent, "session", session))
        return reaction
    }

    mutating func release(agent: String, session: String, button: String) -> Reaction {
        var reaction = Reaction()
        // I6: the button must fit the session's media; its clause and
        // reason follow from the button.
        var fitting: (Clause, String)?
        if let media = mediaBySession[session].flatMap(Media.init(rawValue:)), let pressed = Button(rawValue: button), pressed.fits(media) {
            let clause: Clause
            switch pressed {
            case .drop: clause = .icmReleaseDrop
            case .close: clause = .icmReleaseClose
            case .suspend: clause = .icmReleaseSuspend
            }
            fitting = (clause, pressed.reason.rawValue)
        }
        guard case .inSession(let x, let current) = agents[agent], current == session, let (clause, reason) = fitting else {
            reaction.apply(.icmReleaseIgnored)
            return reaction
        }
        reaction.apply(clause)
        endSession(session, of: agent, at: x)
        reaction.send(clause, to: .cvct, from: .icm, .dropRequest, Parameters("extension", x, "session", session))
        reaction.send(clause, to: .browser, from: .icm, .disconnect, Parameters("agent", agent, "reason", reason, "session", session))
        return reaction
    }

    mutating func dropped(session: String) -> Reaction {
        var reaction = Reaction()
        guard let agent = agentBySession[session], case .inSession(let x, session) = agents[agent] else {
            reaction.apply(.icmDroppedIgnored)
            return reaction
        }
        reaction.apply(.icmDropped)
        endSession(session, of: agent, at: x)
        reaction.send(.icmDropped, to: .browser, from: .icm, .disconnect, Parameters("agent", agent, "reason", "hangup", "session", session))
        return reaction
    }

    // MARK: - Logout (I8, I9)

    mutating func logout(agent: String) -> Reaction {
        var reaction = Reaction()
        switch agents[agent] {
        case .loggedIn(let x):
            reaction.apply(.icmLogout)
            forget(agent)
            reaction.send(.icmLogout, to: .cvct, from: .icm, .logoutRequest, Parameters("agent", agent, "extension", x))
            reaction.send(.icmLogout, to: .browser, from: .icm, .acwClose, Parameters("agent", agent))
        case .inSession:
            reaction.apply(.extBrowserLogoutWithSession)
        case nil:
            reaction.apply(.icmLogoutIgnored)
        }
        return reaction
    }

    mutating func agentLoggedOut(agent: String) -> Reaction {
        var reaction = Reaction()
        reaction.apply(.icmAgentLoggedOut)
        forget(agent)
        reaction.send(.icmAgentLoggedOut, to: .browser, from: .icm, .acwClose, Parameters("agent", agent))
        return reaction
    }

    // MARK: - State helpers

    private mutating func endSession(_ session: String, of agent: String, at x: String) {
        agents[agent] = .loggedIn(extension: x)
        agentBySession[session] = nil
        mediaBySession[session] = nil
    }

    private mutating func forget(_ agent: String) {
        guard let state = agents.removeValue(forKey: agent) else { return }
        if agentAtExtension[state.extension] == agent { agentAtExtension[state.extension] = nil }
        if case .inSession(_, let session) = state {
            agentBySession[session] = nil
            mediaBySession[session] = nil
        }
    }
}

extension ICMMachine: CustomStringConvertible {
    /// `agents logged in: 1001 at 4001 with s1 (realtime)`
    public var description: String {
        let text = agents.keys.sorted().map { agent -> String in
            switch agents[agent] {
            case .loggedIn(let x): return "\(agent) at \(x)"
            case .inSession(let x, let s): return "\(agent) at \(x) with \(s) (\(mediaBySession[s] ?? "unknown media"))"
            case nil: return agent
            }
        }
        return "agents logged in: \(text.isEmpty ? "none" : text.joined(separator: ", "))"
    }
}
