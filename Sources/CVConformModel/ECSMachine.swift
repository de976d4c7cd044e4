import CVConformTrace

/// The DEFINITY ECS: it alone judges administration, logs agents in and out,
/// routes sessions through vectoring and EAS skills, and reports progress.
public struct ECSMachine: RoleMachine, Hashable {
    public static let role = Role.ecs

    /// An agent's state at the switch; an agent with no entry is logged out.
    package enum AgentState: Hashable, Sendable {
        /// Logged in and idle since the tick `since` (for "most idle").
        case available(extension: String, since: UInt64)
        case alerting(extension: String, session: String)
        case connected(extension: String, session: String)

        package var `extension`: String {
            switch self {
            case .available(let x, _), .alerting(let x, _), .connected(let x, _): return x
            }
        }
    }

    /// A session the switch is handling (queued, alerting or connected).
    package struct ActiveSession: Hashable, Sendable {
        package var skill: String
        /// Launch order, which is also queue order.
        package var launchedAt: UInt64
    }

    /// The administered agents: their skill lists are read where they are.
    private let administeredAgents: [Administration.Agent]
    /// Each agent's place in `administeredAgents` (a table of the lists
    /// themselves would touch every list).
    private let agentIndex: IDMap<Int>
    let stations: Set<String>
    let skillByVDN: IDMap<String>

    package var agents = IDMap<AgentState>()
    private(set) var agentAtExtension = IDMap<String>()
    package private(set) var sessions = IDMap<ActiveSession>()
    /// Queued sessions, per skill, in launch order.
    private(set) var queues = IDMap<LaunchOrderQueue>()
    /// Available agents, per skill, in the order they became available:
    /// the first live entry is the most idle agent with the skill.
    private(set) var availableBySkill = IDMap<AvailabilityQueue>()
    /// A logical clock: availability and launch order, never wall time.
    private var clock: UInt64 = 0
    /// The choices a mutant may change (see `Mutation`); the reference
    /// leaves it as it is. Read only where a choice is made.
    var variation = ECSVariation()

    /// Hashes what changes as the switch runs (the states a race judge
    /// keeps share one administration); equality still compares everything.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(agents)
        hasher.combine(sessions)
        hasher.combine(clock)
    }

    /// The same state in one canonical form: the logical clock's ticks
    /// renumbered by rank (availability among agents, launch among
    /// sessions: the switch compares ticks only within each kind), stale
    /// queue entries dropped. Two interleavings that leave the switch
    /// behaving alike then leave it equal, so a race judge keeps one state
    /// where it kept one per history (RACE-21). Nothing it does later
    /// changes.
    mutating func normalize() {
        var sinceValues: [UInt64] = []
        for (_, state) in agents { if case .available(_, let since) = state { sinceValues.append(since) } }
        let launchValues = sessions.map(\.value.launchedAt)
        let sinceRank = Self.ranks(sinceValues)
        let launchRank = Self.ranks(launchValues)
        for agent in agents.keys {
            if case .available(let x, let since)? = agents[agent] { agents[agent] = .available(extension: x, since: sinceRank[since] ?? since) }
        }
        for session in sessions.keys {
            guard var active = sessions[session] else { continue }
            active.launchedAt = launchRank[active.launchedAt] ?? active.launchedAt
            sessions[session] = active
        }
        for skill in queues.keys { queues[skill]?.renumber(launchRank) }
        let agents = self.agents
        for skill in availableBySkill.keys {
            availableBySkill[skill]?.renumber(sinceRank) { agents[$0.agent] == .available(extension: $0.extension, since: $0.since) }
        }
        clock = UInt64(max(sinceRank.count, launchRank.count))
    }

    /// Each distinct value's 1-based rank.
    private static func ranks(_ values: [UInt64]) -> [UInt64: UInt64] {
        var rank: [UInt64: UInt64] = [:]
        for (index, value) in Set(values).sorted().enumerated() { rank[value] = UInt64(index + 1) }
        return rank
    }

    /// A few words of the state that change as the switch runs.
    func hashSummary(into hasher: inout Hasher) {
        hasher.combine(clock)
        hasher.combine(agents.count)
        hasher.combine(sessions.count)
    }

    public init(administration: Administration) {
        // Sized up front: a setup of many thousand entries would otherwise
        // rehash its tables a dozen times.
        administeredAgents = administration.agents
        var index = IDMap<Int>(minimumCapacity: administration.agents.count)
        for place in administration.agents.indices { index[administration.agents[place].id] = place }
        agentIndex = index
        stations = Set(administration.stations)
        var vdns = IDMap<String>(minimumCapacity: administration.vdns.count)
        for vdn in administration.vdns { vdns[vdn.number] = vdn.skill }
        skillByVDN = vdns
    }

    /// `skills` without repeats, in their order; the list itself (no copy)
    /// when it has none, as administered lists have. Asked at each use:
    /// walking the list costs as much as this.
    static func eachOnce(_ skills: [String]) -> [String] {
        // A few skills are compared pairwise, without building a set: this
        // runs each time an agent becomes available or stops being so.
        if skills.count <= 8 {
            var repeats = false
            for later in skills.indices.dropFirst() where !repeats {
                for earlier in 0..<later where skills[earlier] == skills[later] {
                    repeats = true
                    break
                }
            }
            if !repeats { return skills }
        }
        var seen: Set<String> = []
        let unique = skills.filter { seen.insert($0).inserted }
        return unique.count == skills.count ? skills : unique
    }

    func isAdministered(_ agent: String) -> Bool { agentIndex[agent] != nil }

    /// The agent's skills in the order administered, each once; nil when
    /// the agent is not administered.
    package func skills(of agent: String) -> [String]? {
        guard let place = agentIndex[agent] else { return nil }
        return Self.eachOnce(administeredAgents[place].skills)
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
        var cause: (Clause, String)?
        for check in variation.causeOrder where cause == nil {
            switch check {
            case .unknownAgent where agentIndex[agent] == nil: cause = (.ecsLoginUnknownAgent, Cause.unknownAgent.rawValue)
            case .unknownExtension where !stations.contains(x): cause = (.ecsLoginUnknownExtension, Cause.unknownExtension.rawValue)
            case .agentLoggedIn where agents[agent] != nil: cause = (.ecsLoginAgentLoggedIn, Cause.agentLoggedIn.rawValue)
            case .extensionInUse where agentAtExtension[x].map({ $0 != agent }) ?? false: cause = (.ecsLoginExtensionInUse, Cause.extensionInUse.rawValue)
            default: break
            }
        }
        if let (clause, word) = cause {
            reaction.apply(clause)
            reaction.send(clause, to: .cvct, from: .ecs, .loginDenied, Parameters("agent", agent, "cause", word, "extension", x))
            return reaction
        }
        reaction.apply(.ecsLoginAccepted)
        agentAtExtension[x] = agent
        reaction.send(.ecsLoginAccepted, to: .cvct, from: .ecs, .loggedIn, Parameters("agent", agent, "extension", x))
        becomeAvailable(agent, at: x, dispatching: variation.dispatchOnLogin, &reaction)
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
        let candidate = mostIdleAgent(with: skill)
        let offeredClause: Clause = candidate == nil ? .ecsLaunchQueued : .ecsLaunchDelivered
        reaction.apply(offeredClause)
        reaction.send(offeredClause, to: .cvct, from: .ecs, .progress, Parameters("session", session, "state", ProgressState.offered.rawValue, "vdn", vdn))
        route(session, skill: skill, clause: offeredClause, to: candidate, &reaction)
        return reaction
    }

    /// Delivers a session to the most idle available agent with its skill, or
    /// queues it in launch order.
    private mutating func route(_ session: String, skill: String, clause: Clause, _ reaction: inout Reaction) {
        route(session, skill: skill, clause: clause, to: mostIdleAgent(with: skill), &reaction)
    }

    /// The same, with the most idle agent already looked up (launch needs
    /// it first, to say whether the session is delivered or queued).
    private mutating func route(
        _ session: String, skill: String, clause: Clause, to candidate: (String, String, Int)?, _ reaction: inout Reaction
    ) {
        if let (agent, x, candidates) = candidate {
            // Among several candidates the choice is the most-idle rule's, and
            // its messages cite it, so a wrong choice is reported under it.
            if candidates > 1 { reaction.apply(.ecsMostIdle) }
            deliver(session, to: agent, at: x, citing: candidates > 1 ? .ecsMostIdle : .ecsDeliver, &reaction)
        } else {
            queues[skill, default: LaunchOrderQueue()].insert(session, launchedAt: sessions[session]?.launchedAt ?? 0)
            reaction.send(clause, to: .cvct, from: .ecs, .progress, Parameters("session", session, "skill", skill, "state", ProgressState.queued.rawValue))
        }
    }

    /// The available agent with the skill that became available earliest,
    /// its extension, and how many agents were candidates.
    private mutating func mostIdleAgent(with skill: String) -> (String, String, Int)? {
        let agents = self.agents
        let isLive = { (entry: AvailabilityQueue.Entry) in agents[entry.agent] == .available(extension: entry.extension, since: entry.since) }
        guard let available = availableBySkill[skill], available.count > 0 else { return nil }
        let chosen = variation.leastIdle
            ? availableBySkill[skill]?.last(where: isLive)
            : availableBySkill[skill]?.first(where: isLive)
        return chosen.map { ($0.agent, $0.extension, available.count) }
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
        reaction.send(.ecsAnswer, to: .cvct, from: .ecs, .progress, Parameters("extension", x, "session", session, "state", ProgressState.answered.rawValue))
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
                      Parameters("by", By.phone.rawValue, "extension", x, "session", session, "state", ProgressState.dropped.rawValue))
        becomeAvailable(agent, at: x, dispatching: variation.dispatchAfterHangup, &reaction)
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
        reaction.send(.ecsDrop, to: .phone, from: .ecs, .clear, Parameters("extension", x, "session", session))
        reaction.send(.ecsDrop, to: .cvct, from: .ecs, .progress,
                      Parameters("by", By.request.rawValue, "extension", x, "session", session, "state", ProgressState.dropped.rawValue))
        becomeAvailable(agent, at: x, dispatching: variation.dispatchAfterDrop, &reaction)
        return reaction
    }

    // MARK: - E6, E7

    mutating func asaiLogout(agent: String, extension x: String) -> Reaction {
        var reaction = Reaction()
        switch agents[agent] {
        case .available(let at, _) where at == x:
            reaction.apply(.ecsLogout)
            logOut(agent, at: x)
            reaction.send(.ecsLogout, to: .cvct, from: .ecs, .loggedOut, Parameters("agent", agent, "by", By.request.rawValue, "extension", x))
        case .alerting(let at, let session) where at == x:
            // Extended: the browser logged out an agent whose phone is still
            // ringing (the ICM cannot know). Ring-no-answer: clear the phone,
            // log out, and give the session to someone else.
            reaction.apply(.extLogoutWhileAlerting)
            logOut(agent, at: x)
            reaction.send(.extLogoutWhileAlerting, to: .phone, from: .ecs, .clear, Parameters("extension", x, "session", session))
            reaction.send(.extLogoutWhileAlerting, to: .cvct, from: .ecs, .loggedOut,
                          Parameters("agent", agent, "by", By.request.rawValue, "extension", x))
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
        reaction.send(.ecsLogoutFeature, to: .cvct, from: .ecs, .loggedOut, Parameters("agent", agent, "by", By.phone.rawValue, "extension", x))
        return reaction
    }

    // MARK: - E8, E9

    private mutating func deliver(
        _ session: String, to agent: String, at x: String, citing clause: Clause = .ecsDeliver, _ reaction: inout Reaction
    ) {
        reaction.apply(.ecsDeliver)
        leaveAvailability(agent)
        agents[agent] = .alerting(extension: x, session: session)
        reaction.send(clause, to: .phone, from: .ecs, .alert, Parameters("extension", x, "session", session))
        reaction.send(clause, to: .cvct, from: .ecs, .progress, Parameters("extension", x, "session", session, "state", ProgressState.alerting.rawValue))
    }

    /// The agent becomes available now, then dispatch (E9).
    private mutating func becomeAvailable(_ agent: String, at x: String, dispatching: Bool = true, _ reaction: inout Reaction) {
        clock += 1
        agents[agent] = .available(extension: x, since: clock)
        let skills = skills(of: agent) ?? []
        do {
            // A snapshot for the sweep, released before `agents` changes again
            // (holding it would make that change copy the whole dictionary).
            let agents = self.agents
            for skill in skills {
                availableBySkill[skill, default: AvailabilityQueue()].append(.init(agent: agent, extension: x, since: clock)) {
                    agents[$0.agent] == .available(extension: $0.extension, since: $0.since)
                }
            }
        }
        guard dispatching else { return }
        // E9: the earliest queued session for any of the agent's skills.
        var chosen: (skill: String, launchedAt: UInt64)?
        for skill in skills {
            guard let head = variation.latestQueued ? queues[skill]?.last : queues[skill]?.first else { continue }
            let better = variation.latestQueued ? head.launchedAt > (chosen?.launchedAt ?? 0) : head.launchedAt < (chosen?.launchedAt ?? .max)
            if chosen == nil || better { chosen = (skill, head.launchedAt) }
        }
        guard let skill = chosen?.skill,
              let session = variation.latestQueued ? queues[skill]?.removeLast() : queues[skill]?.removeFirst()
        else { return }
        reaction.apply(.ecsDispatch)
        deliver(session, to: agent, at: x, &reaction)
    }

    /// The agent stops being available (delivered to, or logged out): its
    /// entries in the availability queues become stale.
    private mutating func leaveAvailability(_ agent: String) {
        guard case .available = agents[agent] else { return }
        for skill in skills(of: agent) ?? [] { availableBySkill[skill]?.leave() }
    }

    private mutating func logOut(_ agent: String, at x: String) {
        leaveAvailability(agent)
        agents[agent] = nil
        agentAtExtension[x] = nil
    }

    /// Every queued session with its skill, in launch order (diagnostics).
    var queuedInLaunchOrder: [(session: String, skill: String)] {
        queues.flatMap { skill, queue in queue.live.map { (launchedAt: $0.launchedAt, session: $0.session, skill: skill) } }
            .sorted { $0.launchedAt < $1.launchedAt }
            .map { ($0.session, $0.skill) }
    }
}

/// The choices of the ECS that a mutant may reverse or reorder; the reference
/// model uses the defaults, which are the contract's.
struct ECSVariation: Hashable, Sendable {
    /// The login causes of E1, in the order they are checked.
    enum LoginCheck: Hashable, Sendable, CaseIterable { case unknownAgent, unknownExtension, agentLoggedIn, extensionInUse }
    var causeOrder: [LoginCheck] = LoginCheck.allCases
    /// Deliver to the agent that became available last (most idle reversed).
    var leastIdle = false
    /// Dispatch the session queued last (E9 reversed).
    var latestQueued = false
    var dispatchOnLogin = true
    var dispatchAfterHangup = true
    var dispatchAfterDrop = true
}

/// Sessions queued for one skill, in launch order. Almost always appended at
/// the end (launches come in order); a session delivered again (EXT-2) goes
/// back to its place.
struct LaunchOrderQueue: Hashable, Sendable {
    struct Entry: Hashable, Sendable {
        var launchedAt: UInt64
        var session: String
    }

    private var entries: [Entry] = []
    private var head = 0

    /// The queued sessions, earliest first.
    var live: ArraySlice<Entry> { entries[head...] }
    var first: Entry? { head < entries.count ? entries[head] : nil }
    var last: Entry? { head < entries.count ? entries.last : nil }

    mutating func insert(_ session: String, launchedAt: UInt64) {
        var index = entries.endIndex
        while index > head && entries[index - 1].launchedAt > launchedAt { index -= 1 }
        entries.insert(Entry(launchedAt: launchedAt, session: session), at: index)
    }

    mutating func removeFirst() -> String? {
        guard head < entries.count else { return nil }
        let session = entries[head].session
        head += 1
        if head > 64 && head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
        return session
    }

    mutating func removeLast() -> String? {
        guard head < entries.count else { return nil }
        return entries.removeLast().session
    }

    /// The queued sessions only, their launch ticks renumbered (see
    /// `ECSMachine.normalize`).
    mutating func renumber(_ rank: [UInt64: UInt64]) {
        entries = entries[head...].map { Entry(launchedAt: rank[$0.launchedAt] ?? $0.launchedAt, session: $0.session) }
        head = 0
    }
}

/// The available agents with one skill, in the order they became available.
/// An agent that stops being available leaves a stale entry, skipped when
/// reached and swept out when stale entries outnumber live ones, so every
/// operation costs about O(1) however many agents there are.
struct AvailabilityQueue: Hashable, Sendable {
    struct Entry: Hashable, Sendable {
        var agent: String
        var `extension`: String
        var since: UInt64
    }

    private var entries: [Entry] = []
    private var head = 0
    /// Live entries: agents available now.
    private(set) var count = 0

    /// A newly available agent; stale entries are swept out once they
    /// outnumber the live ones.
    mutating func append(_ entry: Entry, isLive: (Entry) -> Bool) {
        entries.append(entry)
        count += 1
        if entries.count > 2 * count + 32 {
            entries = entries[head...].filter(isLive)
            head = 0
        }
    }

    /// An agent with this skill stopped being available.
    mutating func leave() {
        count -= 1
    }

    /// The earliest live entry; stale entries before it are dropped.
    mutating func first(where isLive: (Entry) -> Bool) -> Entry? {
        while head < entries.count {
            if isLive(entries[head]) { return entries[head] }
            head += 1
        }
        return nil
    }

    /// The live entries only, their ticks renumbered (see
    /// `ECSMachine.normalize`); `isLive` judges them after renumbering.
    mutating func renumber(_ rank: [UInt64: UInt64], isLive: (Entry) -> Bool) {
        entries = entries[head...].map { Entry(agent: $0.agent, extension: $0.extension, since: rank[$0.since] ?? 0) }.filter(isLive)
        head = 0
        count = entries.count
    }

    /// The latest live entry (a mutant's least idle agent).
    mutating func last(where isLive: (Entry) -> Bool) -> Entry? {
        while head < entries.count {
            if let entry = entries.last, isLive(entry) { return entry }
            entries.removeLast()
        }
        return nil
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
        let queueText = queuedInLaunchOrder.map { "\($0.session) (skill \($0.skill))" }
        return "available, most idle first: \(idle.isEmpty ? "none" : idle.joined(separator: ", "))"
            + "; busy: \(busy.isEmpty ? "none" : busy.joined(separator: ", "))"
            + "; queue: \(queueText.isEmpty ? "empty" : queueText.joined(separator: ", "))"
    }
}
