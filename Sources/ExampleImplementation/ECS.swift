// The DEFINITY ECS: the switch. It alone knows the administration, so it
// judges logins; it runs each VDN's vector (queue to one skill), hands
// sessions to the most idle agent with the skill, rings phones, and reports
// the progress of every session to the CVCT.

actor ECS: Server {
    private enum Activity: Equatable {
        case idle
        case alerting(String)  // the phone rings with this session
        case connected(String)
    }

    private struct Agent {
        let station: String
        let skills: Set<String>
        /// When the agent last became available (login, or the end of its
        /// last session), on the switch's own clock: "most idle" compares it.
        var availableSince: Int
        var activity: Activity
    }

    /// A session the switch is handling (queued, alerting or connected).
    private struct Session {
        let skill: String
        /// Launch time: the queue is kept in this order, so a session routed
        /// again (EXT-2) goes back to its place, not to the end.
        let launchedAt: Int
    }

    private let administration: Administration
    private let fault: Fault?
    /// A logical clock: ticks once per event that needs a time stamp, so ties
    /// cannot happen and runs are repeatable.
    private var clock = 0
    private var agents: [String: Agent] = [:]  // logged-in agents by id
    private var sessions: [String: Session] = [:]  // by session id
    private var queue: [String] = []  // queued session ids, in launch order
    /// Session records leaked by the `leak-on-hangup` fault.
    private var leaked = 0
    /// What this reaction sends, in order.
    private var sent: [Message] = []

    /// The `clear-ended-session` fault: sessions the agent hung up.
    private var hungUp: Set<String> = []

    init(administration: Administration, fault: Fault?) {
        self.administration = administration
        self.fault = fault
    }

    /// An agent's skills as routing sees them; nil when not administered.
    private func skills(of agent: String) -> Set<String>? {
        if fault == .numericIDs {
            return administration.skills.first { Self.numeric($0.key) == Self.numeric(agent) }?.value
        }
        if fault == .laterSkills, let order = administration.skillOrder[agent] { return Set(order.prefix(2)) }
        return administration.skills[agent]
    }

    /// An agent id as the `numeric-ids` fault reads it.
    private static func numeric(_ id: String) -> String {
        let trimmed = id.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }

    func receive(_ message: Message) -> [Message] {
        sent = []
        let p = message.params
        switch (message.from, message.type, p["agent"], p["session"], p["extension"]) {
        case (.cvct, "asai-login", let agent?, _, let station?):
            login(agent, at: station)
        case (.cvct, "asai-drop", _, let session?, let station?):
            drop(session, at: station)
        case (.cvct, "asai-logout", let agent?, _, let station?):
            logoutRequest(agent, at: station)
        case (.icm, "launch", _, let session?, _):
            if let vdn = p["vdn"] { launch(session, to: vdn) }
        case (.phone, "answer", _, _, let station?):
            answer(at: station)
        case (.phone, "hangup", _, _, let station?):
            hangUp(at: station)
        case (.phone, "logout-feature", _, _, let station?):
            logoutFeature(at: station)
        default:
            diagnose("ECS ignored \(message)")
        }
        return sent
    }

    // MARK: - Logins (E1, E6, E7)

    private func login(_ agent: String, at station: String) {
        if let cause = loginProblem(agent, at: station) {
            report("login-denied", ["agent": agent, "extension": station, "cause": cause])
            return
        }
        agents[agent] = Agent(
            station: station,
            skills: skills(of: agent) ?? [],
            availableSince: tick(),
            activity: .idle
        )
        report("logged-in", ["agent": agent, "extension": station])
        dispatch(to: agent)
    }

    /// E1: the first cause that applies, in this order.
    private func loginProblem(_ agent: String, at station: String) -> String? {
        guard skills(of: agent) != nil else { return "unknown-agent" }
        guard administration.stations.contains(station) else { return "unknown-extension" }
        let loggedIn = fault == .numericIDs
            ? agents.keys.contains { Self.numeric($0) == Self.numeric(agent) } : agents[agent] != nil
        let inUse = self.agent(at: station).map { $0 != agent } ?? false
        if fault == .wrongCauseOrder {
            if inUse { return "extension-in-use" }
            if loggedIn { return "agent-logged-in" }
        } else {
            if loggedIn { return "agent-logged-in" }
            if inUse { return "extension-in-use" }
        }
        return nil
    }

    /// E6: a logout the ICM asked for.
    private func logoutRequest(_ agent: String, at station: String) {
        guard let record = agents[agent], record.station == station else { return }
        switch record.activity {
        case .idle:
            agents[agent] = nil
            report("logged-out", ["agent": agent, "extension": station, "by": "request"])
        case .alerting(let session):
            // EXT-2: the ICM cannot know the phone is ringing. Stop the ringing,
            // log the agent out, and route the session again so the customer
            // is not lost (as ring-no-answer redirection would).
            agents[agent] = nil
            sendPhone("clear", session: session, station: station)
            report("logged-out", ["agent": agent, "extension": station, "by": "request"])
            route(session)
        case .connected:
            // EXT-3: only a race gets here; the agent stays on the session.
            break
        }
    }

    /// E7: the logout feature dialled at the phone. A busy station refuses it
    /// (EXT-4); a station with nobody logged in has nothing to log out.
    private func logoutFeature(at station: String) {
        guard let agent = agent(at: station), agents[agent]?.activity == .idle else { return }
        agents[agent] = nil
        report("logged-out", ["agent": agent, "extension": station, "by": "phone"])
    }

    // MARK: - Sessions (E2-E5)

    /// E2: run the VDN's vector: offer, then deliver or queue.
    private func launch(_ session: String, to vdn: String) {
        // EXT-1: no vector, nothing to run. EXT-7: an id still in use is not
        // a new session.
        guard let skill = administration.vdnSkill[vdn], sessions[session] == nil else { return }
        if fault == .leakOnHangup && leaked >= 4 { return }
        sessions[session] = Session(skill: skill, launchedAt: tick())
        progress(session, "offered", ["vdn": vdn])
        route(session)
    }

    /// E3: the agent picks up a ringing phone.
    private func answer(at station: String) {
        guard let agent = agent(at: station), case .alerting(let session) = agents[agent]?.activity else { return }
        agents[agent]?.activity = .connected(session)
        progress(session, "answered", ["extension": station])
    }

    /// E4: the agent hangs up a connected session.
    private func hangUp(at station: String) {
        guard let agent = agent(at: station), case .connected(let session) = agents[agent]?.activity else { return }
        sessions[session] = nil
        if fault == .leakOnHangup { leaked += 1 }
        if fault == .clearEndedSession { hungUp.insert(session) }
        progress(session, "dropped", ["extension": station, "by": "phone"])
        becomeAvailable(agent)
    }

    /// E5: the ICM drops a connected session (ACW Drop, Close or Suspend).
    /// If the agent hung up meanwhile, the session is already gone: ignore.
    private func drop(_ session: String, at station: String) {
        if fault == .dropNextSession, let agent = agent(at: station), case .connected(let current)? = agents[agent]?.activity,
           current != session {
            sessions[current] = nil
            sendPhone("clear", session: current, station: station)
            progress(current, "dropped", ["extension": station, "by": "request"])
            becomeAvailable(agent)
            return
        }
        guard let agent = agent(at: station), agents[agent]?.activity == .connected(session) else {
            if fault == .clearEndedSession && hungUp.remove(session) != nil { sendPhone("clear", session: session, station: station) }
            return
        }
        sessions[session] = nil
        sendPhone("clear", session: session, station: station)
        progress(session, "dropped", ["extension": station, "by": "request"])
        becomeAvailable(agent)
    }

    // MARK: - Routing (E8, E9, most idle)

    /// Gives the session to the most idle available agent with its skill, or
    /// queues it (in launch order) until one becomes available.
    private func route(_ session: String) {
        guard let skill = sessions[session]?.skill else { return }
        if let agent = mostIdleAgent(with: skill) {
            deliver(session, to: agent)
        } else {
            enqueue(session)
            progress(session, "queued", ["skill": skill])
        }
    }

    /// Among the available agents with the skill, the one available longest.
    private func mostIdleAgent(with skill: String) -> String? {
        let candidates = agents.filter { $0.value.activity == .idle && $0.value.skills.contains(skill) }
        let chosen = fault == .noMostIdle
            ? candidates.max { $0.value.availableSince < $1.value.availableSince }
            : candidates.min { $0.value.availableSince < $1.value.availableSince }
        return chosen?.key
    }

    /// E8: ring the agent's phone and tell the CVCT.
    private func deliver(_ session: String, to agent: String) {
        guard let station = agents[agent]?.station else { return }
        agents[agent]?.activity = .alerting(session)
        sendPhone("alert", session: session, station: station)
        progress(session, "alerting", ["extension": station])
    }

    private func becomeAvailable(_ agent: String) {
        agents[agent]?.activity = .idle
        agents[agent]?.availableSince = tick()
        dispatch(to: agent)
    }

    /// E9: an agent just became available: the earliest queued session for
    /// any of its skills is its.
    private func dispatch(to agent: String) {
        guard let record = agents[agent], record.activity == .idle else { return }
        guard let index = queue.firstIndex(where: { sessions[$0].map { record.skills.contains($0.skill) } ?? false })
        else { return }
        let session = queue.remove(at: index)
        deliver(session, to: agent)
    }

    private func enqueue(_ session: String) {
        if fault == .shortQueue, let skill = sessions[session]?.skill,
           queue.filter({ sessions[$0]?.skill == skill }).count >= 3 { return }
        let launchedAt = sessions[session]?.launchedAt ?? Int.max
        let index = queue.firstIndex { (sessions[$0]?.launchedAt ?? Int.max) > launchedAt } ?? queue.endIndex
        queue.insert(session, at: index)
    }

    // MARK: - Helpers

    private func agent(at station: String) -> String? {
        if fault == .prefixExtensions { return agents.first { $0.value.station.hasPrefix(station) }?.key }
        return agents.first { $0.value.station == station }?.key
    }

    private func tick() -> Int {
        clock += 1
        return fault == .clockWrap ? clock % 16 : clock
    }

    private func progress(_ session: String, _ state: String, _ more: [String: String]) {
        sent.append(Message(.ecs, .cvct, "progress", more.merging(["session": session, "state": state]) { $1 }))
    }

    /// Login and logout results, for the CVCT.
    private func report(_ type: String, _ params: [String: String]) {
        sent.append(Message(.ecs, .cvct, type, params))
    }

    private func sendPhone(_ type: String, session: String, station: String) {
        sent.append(Message(.ecs, .phone, type, ["session": session, "extension": station]))
    }
}
