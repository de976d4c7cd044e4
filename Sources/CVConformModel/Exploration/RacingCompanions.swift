import CVConformTrace

extension StimulusGenerator {
    /// Stimuli that race (contract section 8): two or three for one agent's
    /// situation, to be sent back to back. The races are the ones the
    /// design names, chosen from the agents' states now:
    /// - connected: a hang-up with an ACW release (either first), a
    ///   hang-up with an answer of the session queued behind it;
    /// - alerting: an answer with a hang-up;
    /// - idle: a phone logout with a browser logout (either first), a
    ///   release of the last session with a new session request;
    /// - logged out: a login crossing a session request for its skill.
    ///
    /// `uncovered` are race-only clauses not yet reached: the races that
    /// reach them are chosen more often while any is left. Nil when no
    /// agent is in a state with a race to offer.
    public mutating func racingGroup(run: ModelRun, uncovered: Set<Clause>, random: inout SeededRandom) -> [Message]? {
        let system = run.system
        var menu: [(group: [Message], reachesRaceOnly: Bool)] = []
        func phone(_ type: MessageType, _ x: String) -> Message {
            Message(from: .phone, to: .ecs, type: type, parameters: ["extension": x])
        }
        let agents = system.icm.agents
        for agent in agents.keys.sorted() {
            guard let x = agents[agent]?.extension else { continue }
            let logout = Message(from: .browser, to: .icm, type: .logout, parameters: ["agent": agent])
            if let session = system.icm.session(of: agent) {
                let media = system.icm.media(of: session) ?? Media.realtime.rawValue
                let button = random.pick((Media(rawValue: media) ?? .realtime).fittingButtons).rawValue
                let release = Message(from: .browser, to: .icm, type: .release,
                                      parameters: ["agent": agent, "session": session, "button": button])
                menu.append(([release, phone(.hangup, x)], true))
                menu.append(([phone(.hangup, x), release], true))
                menu.append(([phone(.hangup, x), phone(.answer, x)], false))
                menu.append(([release, phone(.answer, x)], false))
                menu.append(([release, phone(.hangup, x), phone(.answer, x)], true))
            } else if case .alerting? = system.ecs.agentState(agent) {
                menu.append(([phone(.answer, x), phone(.hangup, x)], false))
            } else {
                menu.append(([logout, phone(.logoutFeature, x)], true))
                menu.append(([phone(.logoutFeature, x), logout], true))
                if let request = sessionRequest(for: agent, run: run, random: &random) {
                    menu.append(([request, logout], false))
                    menu.append(([request, phone(.logoutFeature, x)], false))
                }
            }
        }
        let stations = generated.administration.stations
        for agent in agentIDs where agents[agent] == nil && !stations.isEmpty {
            let login = Message(from: .browser, to: .icm, type: .login, parameters: ["agent": agent, "extension": random.pick(stations)])
            if let request = sessionRequest(for: agent, run: run, random: &random) { menu.append(([login, request], false)) }
        }
        guard !menu.isEmpty else { return nil }
        if !uncovered.isEmpty && random.chance(0.6) {
            let favoured = menu.filter(\.reachesRaceOnly)
            if !favoured.isEmpty { return random.pick(favoured).group }
        }
        return random.pick(menu).group
    }

    /// A request for a fresh session on a VDN whose skill the agent has.
    private mutating func sessionRequest(for agent: String, run: ModelRun, random: inout SeededRandom) -> Message? {
        guard !holdsEnoughSessions(run) else { return nil }
        let skills = Set(generated.administration.agents.first { $0.id == agent }?.skills ?? [])
        let vdns = generated.administration.vdns.filter { skills.contains($0.skill) }
        guard !vdns.isEmpty else { return nil }
        let vdn = random.pick(vdns).number
        let request = make(.sessionRequest, run: run, random: &random)
        return Message(from: .customer, to: .icm, type: .sessionRequest,
                       parameters: ["session": request[.session], "media": random.pick(Media.allCases).rawValue, "vdn": vdn])
    }
}
