// The Internet Call Manager: it faces the agent's browser and the customer,
// and asks the switch (through the CVCT) for everything. It never judges
// administration — the ECS does — so it forwards every login and every
// session request, and only remembers what the switch has confirmed.

actor ICM: Server {
    /// What the ICM knows about an agent whose login the switch confirmed.
    private struct Agent {
        let station: String
        /// The session connected to the agent's Agent Control Window, if any.
        var session: String?
        /// Its media, fixed when the agent was connected: a later request
        /// reusing the id cannot change which buttons end this session.
        var media: Media?
    }

    private let fault: Fault?
    private var agents: [String: Agent] = [:]  // by agent id
    /// The media of the latest request for each session id: it decides which
    /// ACW buttons may end the session once an agent is connected to it.
    private var media: [String: Media] = [:]
    /// What this reaction sends, in order.
    private var sent: [Message] = []
    /// The `shared-login-slot` fault: the agent of the login last forwarded.
    private var loginInProgress: String?
    /// The `second-disconnect` fault: who had each session a release ended.
    private var released: [String: String] = [:]

    init(fault: Fault?) {
        self.fault = fault
    }

    func receive(_ message: Message) -> [Message] {
        sent = []
        let p = message.params
        switch (message.from, message.type, p["agent"], p["session"], p["extension"]) {
        case (.browser, "login", let agent?, _, let station?):
            login(agent, at: station)
        case (.browser, "release", let agent?, let session?, _):
            release(session, of: agent, button: p["button"].flatMap(Button.init(rawValue:)))
        case (.browser, "logout", let agent?, _, _):
            logout(agent)
        case (.customer, "session-request", _, let session?, _):
            sessionRequest(session, media: p["media"].flatMap(Media.init(rawValue:)), vdn: p["vdn"])
        case (.cvct, "login-confirmed", let agent?, _, let station?):
            loginConfirmed(agent, at: station)
        case (.cvct, "login-denied", let agent?, _, _):
            // I3: tell the browser; an earlier login of the agent stays.
            if let cause = p["cause"] {
                let named = fault == .sharedLoginSlot ? loginInProgress ?? agent : agent
                send(.browser, "login-failed", ["agent": named, "cause": cause])
            }
        case (.cvct, "answered", _, let session?, let station?):
            answered(session, at: station)
        case (.cvct, "dropped", _, let session?, _):
            hungUp(session)
        case (.cvct, "agent-logged-out", let agent?, _, _):
            // I9: the agent logged out at the phone. Close the window whatever
            // we thought (the rule is unconditional).
            if fault == .skipSecondAcwClose && agents[agent] == nil { break }
            agents[agent] = nil
            send(.browser, "acw-close", ["agent": agent])
        default:
            diagnose("ICM ignored \(message)")
        }
        return sent
    }

    // MARK: - Reactions

    /// I1: the switch judges every login, even of an agent we have logged in.
    private func login(_ agent: String, at station: String) {
        loginInProgress = agent
        send(.cvct, "login-request", ["agent": agent, "extension": station])
    }

    /// I2 (and EXT-8: a second confirmation replaces the first, and any
    /// session we had recorded for the agent is forgotten).
    private func loginConfirmed(_ agent: String, at station: String) {
        agents[agent] = Agent(station: station, session: nil, media: nil)
        send(.browser, "acw-open", ["agent": agent])
        if fault == .noQuiet { send(.browser, "acw-open", ["agent": agent]) }
    }

    /// I4: launch to the VDN the customer named; remember the media.
    private func sessionRequest(_ session: String, media: Media?, vdn: String?) {
        guard let media, let vdn else { return }
        self.media[session] = media
        send(.ecs, "launch", ["session": session, "vdn": vdn, "media": media.rawValue])
    }

    /// I5: the agent at the extension that answered gets the session. With no
    /// agent there, or one already busy, only a race could get us here
    /// (EXT-6): ignore it.
    private func answered(_ session: String, at station: String) {
        guard let agent = agents.first(where: { $0.value.station == station && $0.value.session == nil })?.key else {
            return
        }
        agents[agent]?.session = session
        agents[agent]?.media = media[session]
        send(.browser, "connect", ["agent": agent, "session": session])
    }

    /// I6: an ACW button ends the agent's own session if the button fits the
    /// media: Drop for real-time, Close or Suspend for messaging. Anything
    /// else (another session, a wrong button, a session not yet connected)
    /// is ignored.
    private func release(_ session: String, of agent: String, button: Button?) {
        guard let record = agents[agent], record.session == session,
              let button, let media = record.media,
              let reason = reason(for: button, on: media)
        else { return }
        endSession(of: agent)
        if fault == .secondDisconnect { released[session] = agent }
        send(.cvct, "drop-request", ["session": session, "extension": record.station])
        disconnect(agent, session, reason: reason)
    }

    private func reason(for button: Button, on media: Media) -> String? {
        switch (button, media) {
        case (.drop, .realtime): return "dropped"
        case (.drop, .messaging): return fault == .ignoreWrongButton ? "dropped" : nil
        case (.close, .messaging): return "closed"
        case (.suspend, .messaging): return "suspended"
        case (.close, .realtime), (.suspend, .realtime): return nil
        }
    }

    /// I7: the agent hung up at the phone. If we already ended the session
    /// (a release crossed the hang-up), there is nothing left to say.
    private func hungUp(_ session: String) {
        guard let agent = agents.first(where: { $0.value.session == session })?.key else {
            if fault == .secondDisconnect, let agent = released.removeValue(forKey: session) {
                disconnect(agent, session, reason: "hangup")
            }
            return
        }
        endSession(of: agent)
        disconnect(agent, session, reason: "hangup")
    }

    /// I8: log out through the switch and close the window. Not logged in:
    /// ignore. With a session: ignore (EXT-5) — the agent ends it first.
    private func logout(_ agent: String) {
        guard let record = agents[agent], record.session == nil else { return }
        agents[agent] = nil
        send(.cvct, "logout-request", ["agent": agent, "extension": record.station])
        send(.browser, "acw-close", ["agent": agent])
    }

    private func endSession(of agent: String) {
        agents[agent]?.session = nil
        agents[agent]?.media = nil
    }

    // MARK: - Sending

    private func disconnect(_ agent: String, _ session: String, reason: String) {
        send(.browser, "disconnect", ["agent": agent, "session": session, "reason": reason])
        if fault == .extraOutput { send(.browser, "acw-close", ["agent": agent]) }
    }

    private func send(_ to: Role, _ type: String, _ params: [String: String]) {
        sent.append(Message(.icm, to, type, params))
    }
}
