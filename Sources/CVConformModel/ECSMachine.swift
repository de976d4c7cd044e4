import CVConformTrace

/// The DEFINITY ECS: it alone judges administration, logs agents in and out,
/// routes sessions through vectoring and EAS skills, and reports progress.
public struct ECSMachine: RoleMachine, Hashable {
    public static let role = Role.ecs

    /// An agent's state at the switch, in words (for diagnostics and the
    /// tools that read the state); an agent with none is logged out.
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

    /// A session the switch is handling (queued, alerting or connected), in
    /// words.
    package struct ActiveSession: Hashable, Sendable {
        package var skill: String
        /// Launch order, which is also queue order.
        package var launchedAt: UInt64
    }

    /// What the switch keeps about an agent, at the agent's number: the
    /// phase, and the station, session slot and tick it concerns.
    struct AgentEntry: Hashable, Sendable {
        enum Phase: UInt8, Hashable, Sendable { case loggedOut, available, alerting, connected }
        var phase = Phase.loggedOut
        var station: Int32 = -1
        var session: Int32 = -1
        /// Available since this tick.
        var since: UInt64 = 0

        static let loggedOut = AgentEntry()
    }

    /// What the switch keeps about a session it handles, in its slot.
    struct SessionEntry: SlotInfo {
        var skill: Int32
        var launchedAt: UInt64
        static let vacant = SessionEntry(skill: -1, launchedAt: 0)
    }

    /// The administration, numbered once and shared by every state of the
    /// switch.
    private var setup: SwitchAdministration
    /// Indexed by agent number; agents past the end are logged out.
    private var agentEntries: [AgentEntry] = []
    /// Indexed by station number: the agent logged in there, or -1.
    private var agentAtStation: [Int32] = []
    private var sessionSlots = SessionSlots<SessionEntry>()
    /// Queued sessions, per skill number, in launch order.
    private var queues: [LaunchOrderQueue] = []
    /// Available agents, per skill number, in the order they became
    /// available: the first live entry is the most idle agent with the skill.
    private var availableBySkill: [AvailabilityQueue] = []
    private var loggedInCount = 0
    /// A logical clock: availability and launch order, never wall time.
    private var clock: UInt64 = 0
    /// The choices a mutant may change (see `Mutation`); the reference
    /// leaves it as it is. Read only where a choice is made; kept with the
    /// administration (one reference for every state).
    var variation: ECSVariation {
        get { setup.variation }
        set { setup = SwitchAdministration(setup, variation: newValue) }
    }

    /// Hashes what changes as the switch runs (the states a race judge
    /// keeps share one administration); equality still compares everything.
    public func hash(into hasher: inout Hasher) {
        hashSummary(into: &hasher)
        for (agent, entry) in agentEntries.enumerated() where entry.phase != .loggedOut {
            hasher.combine(agent)
            hasher.combine(entry)
        }
    }

    public static func == (lhs: ECSMachine, rhs: ECSMachine) -> Bool {
        lhs.clock == rhs.clock && lhs.loggedInCount == rhs.loggedInCount
            && trimmed(lhs.agentEntries, empty: .loggedOut) == trimmed(rhs.agentEntries, empty: .loggedOut)
            && trimmed(lhs.agentAtStation, empty: -1) == trimmed(rhs.agentAtStation, empty: -1)
            && lhs.sessionSlots == rhs.sessionSlots
            && sameQueues(lhs.queues, rhs.queues)
            && lhs.setup == rhs.setup
    }

    /// The same sessions queued for each skill (entries already taken, and
    /// tables never written, are not state). Compared in place: a race
    /// judge compares states at every hash match.
    private static func sameQueues(_ lhs: [LaunchOrderQueue], _ rhs: [LaunchOrderQueue]) -> Bool {
        for skill in 0..<max(lhs.count, rhs.count) {
            let left = skill < lhs.count ? lhs[skill].live : []
            let right = skill < rhs.count ? rhs[skill].live : []
            if left != right { return false }
        }
        return true
    }

    /// The same state in one canonical form: the logical clock's ticks
    /// renumbered by rank (availability among agents, launch among
    /// sessions: the switch compares ticks only within each kind), sessions
    /// in slots by launch order, stale queue entries dropped. Two
    /// interleavings that leave the switch behaving alike then leave it
    /// equal, so a race judge keeps one state where it kept one per history
    /// (RACE-21). Nothing it does later changes.
    mutating func normalize(rankingByBits: Bool = true) {
        if isNormal { return }
        // Ticks below 64 are ranked by counting bits, and sessions already
        // in launch order stay in their slots: the usual case, normalized
        // without allocating anything. (Tests turn it off to compare.)
        if rankingByBits && ranksByBits {
            var sinceMask: UInt64 = 0
            for entry in agentEntries where entry.phase == .available { sinceMask |= 1 << entry.since }
            var launchMask: UInt64 = 0
            sessionSlots.forEach { _, _, info in launchMask |= 1 << info.launchedAt }
            renumber(sinceRank: { Self.rank(of: $0, in: sinceMask) }, launchRank: { Self.rank(of: $0, in: launchMask) }, sessions: nil)
            clock = UInt64(max(sinceMask.nonzeroBitCount, launchMask.nonzeroBitCount))
            return
        }
        var sinceValues: [UInt64] = []
        for entry in agentEntries where entry.phase == .available { sinceValues.append(entry.since) }
        let live = sessionSlots.live
        let sinceTicks = Self.ranks(sinceValues)
        let launchTicks = Self.ranks(live.map(\.info.launchedAt))
        let remap = sessionSlots.renumber(in: live.sorted { $0.info.launchedAt < $1.info.launchedAt }.map(\.slot))
        renumber(sinceRank: { Self.rank(of: $0, in: sinceTicks) }, launchRank: { Self.rank(of: $0, in: launchTicks) }, sessions: remap)
        clock = UInt64(max(sinceTicks.count, launchTicks.count))
    }

    /// Gives every tick its rank and moves sessions to their new slots
    /// (nil: they stay); a tick without a rank is a stale entry's.
    private mutating func renumber(sinceRank: (UInt64) -> UInt64?, launchRank: (UInt64) -> UInt64?, sessions remap: [Int32]?) {
        for slot in 0..<Int32(sessionSlots.count) {
            sessionSlots[slot].launchedAt = launchRank(sessionSlots[slot].launchedAt) ?? sessionSlots[slot].launchedAt
        }
        for index in agentEntries.indices {
            if agentEntries[index].phase == .available {
                agentEntries[index].since = sinceRank(agentEntries[index].since) ?? agentEntries[index].since
            }
            if let remap, agentEntries[index].session >= 0 { agentEntries[index].session = remap[Int(agentEntries[index].session)] }
        }
        for skill in queues.indices { queues[skill].renumber(launchRank, sessions: remap) }
        let entries = agentEntries
        for skill in availableBySkill.indices {
            availableBySkill[skill].renumber(sinceRank) { Self.isLive($0, in: entries) }
        }
    }

    /// Whether `normalize` takes the way that allocates nothing.
    var ranksByBits: Bool { clock < 64 && sessionSlots.isCompact && sessionsInLaunchOrder }

    /// Whether the sessions' slots are in the order they were launched.
    private var sessionsInLaunchOrder: Bool {
        var previous: UInt64 = 0
        var inOrder = true
        sessionSlots.forEach { _, _, info in
            inOrder = inOrder && info.launchedAt > previous
            previous = info.launchedAt
        }
        return inOrder
    }

    /// A tick's 1-based rank among the ticks set in a mask (all below 64);
    /// nil when it is not set.
    private static func rank(of tick: UInt64, in mask: UInt64) -> UInt64? {
        guard tick < 64, mask & (1 << tick) != 0 else { return nil }
        return UInt64((mask & ((1 << tick) - 1)).nonzeroBitCount + 1)
    }

    /// Whether `normalize` would change nothing that equality sees: the
    /// ticks are already ranks 1...n, the sessions sit in launch order
    /// from slot 0, and the clock is the highest rank. Checked in a pass
    /// without allocating (a race judge asks after every delivery, and
    /// most leave the switch normal).
    private var isNormal: Bool {
        guard clock < 64, sessionSlots.isCompact else { return false }
        var sinceMask: UInt64 = 0
        var available = 0
        for entry in agentEntries where entry.phase == .available {
            sinceMask |= 1 << entry.since
            available += 1
        }
        var launchMask: UInt64 = 0
        var inLaunchOrder = true
        sessionSlots.forEach { slot, _, info in
            launchMask |= 1 << info.launchedAt
            inLaunchOrder = inLaunchOrder && info.launchedAt == UInt64(slot) + 1
        }
        let sessions = sessionSlots.count
        return inLaunchOrder && clock == UInt64(max(available, sessions))
            && sinceMask == (UInt64(1) << available - 1) << 1 && launchMask == (UInt64(1) << sessions - 1) << 1
    }

    /// The distinct values, ascending: a value's rank is its place plus one.
    private static func ranks(_ values: [UInt64]) -> [UInt64] {
        var sorted = values.sorted()
        var kept = 0
        for value in sorted where kept == 0 || sorted[kept - 1] != value {
            sorted[kept] = value
            kept += 1
        }
        sorted.removeLast(sorted.count - kept)
        return sorted
    }

    /// A tick's 1-based rank among `ranks` (binary search); nil when it is
    /// not there (a stale entry's).
    private static func rank(of value: UInt64, in ranks: [UInt64]) -> UInt64? {
        var low = 0, high = ranks.count
        while low < high {
            let middle = (low + high) / 2
            if ranks[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low < ranks.count && ranks[low] == value ? UInt64(low + 1) : nil
    }

    /// See `ReferenceSystem.sharesState(with:)`.
    func sharesState(with other: ECSMachine) -> Bool {
        clock == other.clock && loggedInCount == other.loggedInCount && setup === other.setup
            && agentEntries.sharesStorage(with: other.agentEntries) && agentAtStation.sharesStorage(with: other.agentAtStation)
            && sessionSlots.sharesStorage(with: other.sessionSlots)
            && queues.sharesStorage(with: other.queues) && availableBySkill.sharesStorage(with: other.availableBySkill)
    }

    /// A few words of the state that change as the switch runs.
    func hashSummary(into hasher: inout Hasher) {
        hasher.combine(clock)
        hasher.combine(loggedInCount)
        hasher.combine(sessionSlots.count)
    }

    public init(administration: Administration) {
        setup = SwitchAdministration(administration)
    }

    /// The administration's agents and stations as the switch numbered
    /// them (the ICM numbers them alike).
    var administrationNumbers: (agents: IDNumbers, stations: IDNumbers) { (setup.agents, setup.stations) }

    /// The agent's skills in the order administered, each once; nil when
    /// the agent is not administered.
    package func skills(of agent: String) -> [String]? {
        guard let number = setup.agents.number(of: agent) else { return nil }
        return setup.skills(ofAgent: Int(number)).map { setup.skills[$0] }
    }

    /// The numbers of an agent's skills (see `skillID(number:)`), by the
    /// agent's number.
    package func skillNumbers(ofAgent number: Int) -> ArraySlice<Int32> { setup.skills(ofAgent: number) }

    private func entry(_ agent: Int32) -> AgentEntry {
        Int(agent) < agentEntries.count ? agentEntries[Int(agent)] : .loggedOut
    }

    private mutating func setEntry(_ agent: Int32, _ entry: AgentEntry) {
        if Int(agent) >= agentEntries.count {
            agentEntries.append(contentsOf: repeatElement(.loggedOut, count: Int(agent) - agentEntries.count + 1))
        }
        let wasIn = agentEntries[Int(agent)].phase != .loggedOut
        let isIn = entry.phase != .loggedOut
        loggedInCount += (isIn ? 1 : 0) - (wasIn ? 1 : 0)
        agentEntries[Int(agent)] = entry
    }

    private static func isLive(_ queued: AvailabilityQueue.Entry, in entries: [AgentEntry]) -> Bool {
        guard Int(queued.agent) < entries.count else { return false }
        let entry = entries[Int(queued.agent)]
        return entry.phase == .available && entry.station == queued.station && entry.since == queued.since
    }

    public mutating func receive(_ message: Message, into reaction: inout Reaction) {
        switch message.type {
        case .asaiLogin: asaiLogin(agent: message[.agent], extension: message[.extension], &reaction)
        case .launch: launch(session: message[.session], vdn: message[.vdn], &reaction)
        case .answer: answer(extension: message[.extension], &reaction)
        case .hangup: hangup(extension: message[.extension], &reaction)
        case .asaiDrop: asaiDrop(session: message[.session], extension: message[.extension], &reaction)
        case .asaiLogout: asaiLogout(agent: message[.agent], extension: message[.extension], &reaction)
        case .logoutFeature: logoutFeature(extension: message[.extension], &reaction)
        default:
            break // The catalog routes nothing else to the ECS.
        }
    }

    // MARK: - E1

    mutating func asaiLogin(agent: String, extension x: String, _ reaction: inout Reaction) {
        let agentNumber = setup.agents.number(of: agent)
        let station = setup.stations.number(of: x)
        var cause: (Clause, Cause)?
        for check in variation.causeOrder where cause == nil {
            switch check {
            case .unknownAgent where agentNumber == nil: cause = (.ecsLoginUnknownAgent, .unknownAgent)
            case .unknownExtension where station == nil: cause = (.ecsLoginUnknownExtension, .unknownExtension)
            case .agentLoggedIn where agentNumber.map({ entry($0).phase != .loggedOut }) ?? false:
                cause = (.ecsLoginAgentLoggedIn, .agentLoggedIn)
            case .extensionInUse where station.map({ agentAtStation[orNone: $0] }).map({ $0 >= 0 && $0 != agentNumber }) ?? false:
                cause = (.ecsLoginExtensionInUse, .extensionInUse)
            default: break
            }
        }
        if let (clause, word) = cause {
            reaction.apply(clause)
            reaction.send(clause, to: .cvct, from: .ecs, .loginDenied, .agent, agent, .cause, word.rawValue, .extension, x)
            return
        }
        // Every check ran (a mutant only reorders them), so both are known.
        guard let agentNumber, let station else { return }
        reaction.apply(.ecsLoginAccepted)
        agentAtStation.set(station, agentNumber)
        reaction.send(.ecsLoginAccepted, to: .cvct, from: .ecs, .loggedIn, .agent, agent, .extension, x)
        becomeAvailable(agentNumber, at: station, dispatching: variation.dispatchOnLogin, &reaction)
    }

    // MARK: - E2

    mutating func launch(session: String, vdn: String, _ reaction: inout Reaction) {
        guard let vdnNumber = setup.vdns.number(of: vdn) else {
            reaction.apply(.extLaunchUnknownVDN)
            return
        }
        guard sessionSlots.slot(of: session) == nil else {
            reaction.apply(.extLaunchActiveSession)
            return
        }
        let skill = setup.skillOfVDN[Int(vdnNumber)]
        clock += 1
        let slot = sessionSlots.insert(session, SessionEntry(skill: skill, launchedAt: clock))
        let candidate = mostIdleAgent(with: skill)
        let offeredClause: Clause = candidate == nil ? .ecsLaunchQueued : .ecsLaunchDelivered
        reaction.apply(offeredClause)
        reaction.send(offeredClause, to: .cvct, from: .ecs, .progress, .session, session, .state, ProgressState.offered.rawValue, .vdn, vdn)
        route(slot, skill: skill, clause: offeredClause, to: candidate, &reaction)
    }

    /// Delivers a session to the most idle available agent with its skill, or
    /// queues it in launch order.
    private mutating func route(_ slot: Int32, skill: Int32, clause: Clause, _ reaction: inout Reaction) {
        route(slot, skill: skill, clause: clause, to: mostIdleAgent(with: skill), &reaction)
    }

    /// The same, with the most idle agent already looked up (launch needs
    /// it first, to say whether the session is delivered or queued).
    private mutating func route(
        _ slot: Int32, skill: Int32, clause: Clause, to candidate: (agent: Int32, station: Int32, candidates: Int)?,
        _ reaction: inout Reaction
    ) {
        if let candidate {
            // Among several candidates the choice is the most-idle rule's, and
            // its messages cite it, so a wrong choice is reported under it.
            if candidate.candidates > 1 { reaction.apply(.ecsMostIdle) }
            deliver(slot, to: candidate.agent, at: candidate.station, citing: candidate.candidates > 1 ? .ecsMostIdle : .ecsDeliver,
                    &reaction)
        } else {
            if Int(skill) >= queues.count { queues.append(contentsOf: repeatElement(LaunchOrderQueue(), count: Int(skill) - queues.count + 1)) }
            queues[Int(skill)].insert(slot, launchedAt: sessionSlots[slot].launchedAt)
            reaction.send(clause, to: .cvct, from: .ecs, .progress,
                          .session, sessionSlots.name(slot), .skill, setup.skills[skill], .state, ProgressState.queued.rawValue)
        }
    }

    /// The available agent with the skill that became available earliest,
    /// its station, and how many agents were candidates.
    private mutating func mostIdleAgent(with skill: Int32) -> (agent: Int32, station: Int32, candidates: Int)? {
        guard Int(skill) < availableBySkill.count, availableBySkill[Int(skill)].count > 0 else { return nil }
        let entries = agentEntries
        let candidates = availableBySkill[Int(skill)].count
        let chosen = variation.leastIdle
            ? availableBySkill[Int(skill)].last { Self.isLive($0, in: entries) }
            : availableBySkill[Int(skill)].first { Self.isLive($0, in: entries) }
        return chosen.map { ($0.agent, $0.station, candidates) }
    }

    // MARK: - E3, E4, E5

    /// The agent logged in at an administered station, with its number.
    private func agentAt(_ x: String) -> (agent: Int32, station: Int32, entry: AgentEntry)? {
        guard let station = setup.stations.number(of: x) else { return nil }
        let agent = agentAtStation[orNone: station]
        return agent < 0 ? nil : (agent, station, entry(agent))
    }

    mutating func answer(extension x: String, _ reaction: inout Reaction) {
        guard let (agent, _, current) = agentAt(x), current.phase == .alerting else {
            reaction.apply(.ecsAnswerIgnored)
            return
        }
        reaction.apply(.ecsAnswer)
        var connected = current
        connected.phase = .connected
        setEntry(agent, connected)
        reaction.send(.ecsAnswer, to: .cvct, from: .ecs, .progress,
                      .extension, x, .session, sessionSlots.name(current.session), .state, ProgressState.answered.rawValue)
    }

    mutating func hangup(extension x: String, _ reaction: inout Reaction) {
        guard let (agent, station, current) = agentAt(x), current.phase == .connected else {
            reaction.apply(.ecsHangupIgnored)
            return
        }
        reaction.apply(.ecsHangup)
        let session = sessionSlots.name(current.session)
        sessionSlots.remove(current.session)
        reaction.send(.ecsHangup, to: .cvct, from: .ecs, .progress,
                      .by, By.phone.rawValue, .extension, x, .session, session, .state, ProgressState.dropped.rawValue)
        becomeAvailable(agent, at: station, dispatching: variation.dispatchAfterHangup, &reaction)
    }

    mutating func asaiDrop(session: String, extension x: String, _ reaction: inout Reaction) {
        guard let (agent, station, current) = agentAt(x), current.phase == .connected,
              let slot = sessionSlots.slot(of: session), current.session == slot else {
            reaction.apply(.ecsDropIgnored)
            return
        }
        reaction.apply(.ecsDrop)
        sessionSlots.remove(slot)
        reaction.send(.ecsDrop, to: .phone, from: .ecs, .clear, .extension, x, .session, session)
        reaction.send(.ecsDrop, to: .cvct, from: .ecs, .progress,
                      .by, By.request.rawValue, .extension, x, .session, session, .state, ProgressState.dropped.rawValue)
        becomeAvailable(agent, at: station, dispatching: variation.dispatchAfterDrop, &reaction)
    }

    // MARK: - E6, E7

    mutating func asaiLogout(agent: String, extension x: String, _ reaction: inout Reaction) {
        guard let agentNumber = setup.agents.number(of: agent), let station = setup.stations.number(of: x) else {
            reaction.apply(.ecsLogoutIgnored)
            return
        }
        let current = entry(agentNumber)
        switch current.phase {
        case .available where current.station == station:
            reaction.apply(.ecsLogout)
            logOut(agentNumber, at: station)
            reaction.send(.ecsLogout, to: .cvct, from: .ecs, .loggedOut, .agent, agent, .by, By.request.rawValue, .extension, x)
        case .alerting where current.station == station:
            // Extended: the browser logged out an agent whose phone is still
            // ringing (the ICM cannot know). Ring-no-answer: clear the phone,
            // log out, and give the session to someone else.
            reaction.apply(.extLogoutWhileAlerting)
            logOut(agentNumber, at: station)
            reaction.send(.extLogoutWhileAlerting, to: .phone, from: .ecs, .clear,
                          .extension, x, .session, sessionSlots.name(current.session))
            reaction.send(.extLogoutWhileAlerting, to: .cvct, from: .ecs, .loggedOut,
                          .agent, agent, .by, By.request.rawValue, .extension, x)
            route(current.session, skill: sessionSlots[current.session].skill, clause: .extLogoutWhileAlerting, &reaction)
        case .connected where current.station == station:
            reaction.apply(.extLogoutWhileConnected)
        default:
            reaction.apply(.ecsLogoutIgnored)
        }
    }

    mutating func logoutFeature(extension x: String, _ reaction: inout Reaction) {
        guard let (agent, station, current) = agentAt(x), current.phase != .loggedOut else {
            reaction.apply(.ecsLogoutFeatureIgnored)
            return
        }
        guard current.phase == .available else {
            reaction.apply(.extLogoutFeatureWhileBusy)
            return
        }
        reaction.apply(.ecsLogoutFeature)
        logOut(agent, at: station)
        reaction.send(.ecsLogoutFeature, to: .cvct, from: .ecs, .loggedOut,
                      .agent, setup.agents[agent], .by, By.phone.rawValue, .extension, x)
    }

    // MARK: - E8, E9

    private mutating func deliver(
        _ slot: Int32, to agent: Int32, at station: Int32, citing clause: Clause = .ecsDeliver, _ reaction: inout Reaction
    ) {
        reaction.apply(.ecsDeliver)
        leaveAvailability(agent)
        setEntry(agent, AgentEntry(phase: .alerting, station: station, session: slot))
        let x = setup.stations[station]
        let session = sessionSlots.name(slot)
        reaction.send(clause, to: .phone, from: .ecs, .alert, .extension, x, .session, session)
        reaction.send(clause, to: .cvct, from: .ecs, .progress, .extension, x, .session, session, .state, ProgressState.alerting.rawValue)
    }

    /// The agent becomes available now, then dispatch (E9).
    private mutating func becomeAvailable(_ agent: Int32, at station: Int32, dispatching: Bool = true, _ reaction: inout Reaction) {
        clock += 1
        setEntry(agent, AgentEntry(phase: .available, station: station, since: clock))
        let skills = setup.skills(ofAgent: Int(agent))
        do {
            // A snapshot for the sweep, released before the entries change
            // again (holding it would make that change copy the table).
            let entries = agentEntries
            for skill in skills {
                if Int(skill) >= availableBySkill.count {
                    availableBySkill.append(contentsOf: repeatElement(AvailabilityQueue(), count: Int(skill) - availableBySkill.count + 1))
                }
                availableBySkill[Int(skill)].append(.init(agent: agent, station: station, since: clock)) { Self.isLive($0, in: entries) }
            }
        }
        guard dispatching else { return }
        // E9: the earliest queued session for any of the agent's skills.
        var chosen: (skill: Int32, launchedAt: UInt64)?
        for skill in skills where Int(skill) < queues.count {
            guard let head = variation.latestQueued ? queues[Int(skill)].last : queues[Int(skill)].first else { continue }
            let better = variation.latestQueued ? head.launchedAt > (chosen?.launchedAt ?? 0) : head.launchedAt < (chosen?.launchedAt ?? .max)
            if chosen == nil || better { chosen = (skill, head.launchedAt) }
        }
        guard let skill = chosen?.skill,
              let slot = variation.latestQueued ? queues[Int(skill)].removeLast() : queues[Int(skill)].removeFirst()
        else { return }
        reaction.apply(.ecsDispatch)
        deliver(slot, to: agent, at: station, &reaction)
    }

    /// The agent stops being available (delivered to, or logged out): its
    /// entries in the availability queues become stale.
    private mutating func leaveAvailability(_ agent: Int32) {
        guard entry(agent).phase == .available else { return }
        for skill in setup.skills(ofAgent: Int(agent)) { availableBySkill[Int(skill)].leave() }
    }

    private mutating func logOut(_ agent: Int32, at station: Int32) {
        leaveAvailability(agent)
        setEntry(agent, .loggedOut)
        agentAtStation.set(station, -1)
    }

    // MARK: - The state in words

    /// The agent's state in words; nil when logged out.
    private func state(of entry: AgentEntry) -> AgentState? {
        guard entry.station >= 0 else { return nil }
        let x = setup.stations[entry.station]
        switch entry.phase {
        case .loggedOut: return nil
        case .available: return .available(extension: x, since: entry.since)
        case .alerting: return .alerting(extension: x, session: sessionSlots.name(entry.session))
        case .connected: return .connected(extension: x, session: sessionSlots.name(entry.session))
        }
    }

    /// One agent's state in words; nil when logged out or not administered.
    package func agentState(_ agent: String) -> AgentState? {
        setup.agents.number(of: agent).flatMap { state(of: entry($0)) }
    }

    /// Visits every agent logged in, with its state in words.
    package func forEachAgent(_ body: (_ agent: String, _ state: AgentState) -> Void) {
        for (number, entry) in agentEntries.enumerated() {
            if let state = state(of: entry) { body(setup.agents[Int32(number)], state) }
        }
    }

    /// A logged-in agent's phase, as `forEachNumberedAgent` gives it.
    package enum NumberedPhase: UInt8, Sendable {
        case available = 1, alerting, connected
    }

    /// Visits every agent logged in by numbers, where building its words
    /// would cost more than the visit (verify packs millions of states):
    /// its number and station number in the administration's order, its
    /// phase, its session's slot (or -1) and its tick.
    package func forEachNumberedAgent(_ body: (_ agent: Int, _ phase: NumberedPhase, _ station: Int, _ session: Int32, _ since: UInt64) -> Void) {
        for (number, entry) in agentEntries.enumerated() where entry.station >= 0 {
            let phase: NumberedPhase
            switch entry.phase {
            case .loggedOut: continue
            case .available: phase = .available
            case .alerting: phase = .alerting
            case .connected: phase = .connected
            }
            body(number, phase, Int(entry.station), phase == .available ? -1 : entry.session, entry.since)
        }
    }

    /// Visits every session the switch handles by numbers: its slot, its
    /// id, its skill's number and its launch tick.
    package func forEachNumberedSession(_ body: (_ slot: Int32, _ session: String, _ skill: Int, _ launchedAt: UInt64) -> Void) {
        sessionSlots.forEach { slot, name, info in body(slot, name, Int(info.skill), info.launchedAt) }
    }

    /// The ids behind the numbers `forEachNumbered…` gives.
    package func agentID(number: Int) -> String { setup.agents[Int32(number)] }
    package func sessionID(slot: Int32) -> String { sessionSlots.name(slot) }
    package func stationID(number: Int) -> String { setup.stations[Int32(number)] }
    package func skillID(number: Int) -> String { setup.skills[Int32(number)] }
    package var numberedCounts: (agents: Int, stations: Int, skills: Int) { (setup.agents.count, setup.stations.count, setup.skills.count) }

    /// Every agent logged in, by id, with its state in words.
    package var agents: IDMap<AgentState> {
        var agents = IDMap<AgentState>()
        forEachAgent { agents[$0] = $1 }
        return agents
    }

    /// The agent logged in at each station that has one.
    package var agentAtExtension: IDMap<String> {
        var table = IDMap<String>()
        for (station, agent) in agentAtStation.enumerated() where agent >= 0 {
            table[setup.stations[Int32(station)]] = setup.agents[agent]
        }
        return table
    }

    /// Visits every session the switch handles (queued, alerting,
    /// connected).
    package func forEachSession(_ body: (_ session: String, _ active: ActiveSession) -> Void) {
        sessionSlots.forEach { _, name, info in body(name, ActiveSession(skill: setup.skills[info.skill], launchedAt: info.launchedAt)) }
    }

    /// Every session the switch handles, by id.
    package var sessions: IDMap<ActiveSession> {
        var sessions = IDMap<ActiveSession>()
        forEachSession { sessions[$0] = $1 }
        return sessions
    }

    /// Whether the switch handles the session (queued, alerting, connected).
    package func holds(session: String) -> Bool { sessionSlots.slot(of: session) != nil }

    /// How many agents with the skill are available now; nil for a skill
    /// the administration does not name.
    package func availableCount(withSkill skill: String) -> Int? {
        guard let number = setup.skills.number(of: skill) else { return nil }
        return Int(number) < availableBySkill.count ? availableBySkill[Int(number)].count : 0
    }

    /// Every queued session with its skill, in launch order (diagnostics).
    package var queuedInLaunchOrder: [(session: String, skill: String)] {
        queues.enumerated().flatMap { skill, queue in
            queue.live.map { (launchedAt: $0.launchedAt, session: sessionSlots.name($0.session), skill: setup.skills[Int32(skill)]) }
        }
        .sorted { $0.launchedAt < $1.launchedAt }
        .map { ($0.session, $0.skill) }
    }

    // MARK: - Situations (explore's coverage)

    /// not administered, logged out, available, alerting, connected.
    func agentPhaseCode(_ agent: String) -> UInt8 {
        guard let number = setup.agents.number(of: agent) else { return 0 }
        return Self.phaseCode(entry(number).phase)
    }

    private static func phaseCode(_ phase: AgentEntry.Phase) -> UInt8 {
        switch phase {
        case .loggedOut: return 1
        case .available: return 2
        case .alerting: return 3
        case .connected: return 4
        }
    }

    /// How an extension stands to an agent who would log in there: not a
    /// station, free, its own, another agent's.
    func extensionRelationCode(_ x: String, to agent: String) -> UInt8 {
        guard let station = setup.stations.number(of: x) else { return 0 }
        let holder = agentAtStation[orNone: station]
        guard holder >= 0 else { return 1 }
        return setup.agents[holder] == agent ? 2 : 3
    }

    /// not a station, no agent, or the phase of the agent logged in there.
    func extensionPhaseCode(_ x: String) -> UInt8 {
        guard let station = setup.stations.number(of: x) else { return 0 }
        let holder = agentAtStation[orNone: station]
        guard holder >= 0 else { return 1 }
        return Self.phaseCode(entry(holder).phase)
    }

    /// What a session launched to this VDN would meet: not administered,
    /// one agent available, several (the most-idle choice), none available,
    /// queued behind others.
    func vdnSituationCode(_ vdn: String) -> UInt8 {
        guard let number = setup.vdns.number(of: vdn) else { return 0 }
        let skill = Int(setup.skillOfVDN[Int(number)])
        let available = skill < availableBySkill.count ? availableBySkill[skill].count : 0
        if available > 0 { return available == 1 ? 1 : 2 }
        return skill < queues.count && queues[skill].first != nil ? 4 : 3
    }
}

/// The choices of the ECS that a mutant may reverse or reorder; the reference
/// model uses the defaults, which are the contract's.
package struct ECSVariation: Hashable, Sendable {
    /// The login causes of E1, in the order they are checked.
    package enum LoginCheck: Hashable, Sendable, CaseIterable { case unknownAgent, unknownExtension, agentLoggedIn, extensionInUse }
    package var causeOrder: [LoginCheck] = LoginCheck.allCases
    /// Deliver to the agent that became available last (most idle reversed).
    package var leastIdle = false
    /// Dispatch the session queued last (E9 reversed).
    package var latestQueued = false
    package var dispatchOnLogin = true
    package var dispatchAfterHangup = true
    package var dispatchAfterDrop = true

    package init() {}
}

/// Sessions queued for one skill, in launch order. Almost always appended at
/// the end (launches come in order); a session delivered again (EXT-2) goes
/// back to its place.
struct LaunchOrderQueue: Hashable, Sendable {
    struct Entry: Hashable, Sendable {
        var launchedAt: UInt64
        /// The session's slot at the switch.
        var session: Int32
    }

    private var entries: [Entry] = []
    private var head = 0

    /// The queued sessions, earliest first.
    var live: ArraySlice<Entry> { entries[head...] }
    var first: Entry? { head < entries.count ? entries[head] : nil }
    var last: Entry? { head < entries.count ? entries.last : nil }

    mutating func insert(_ session: Int32, launchedAt: UInt64) {
        var index = entries.endIndex
        while index > head && entries[index - 1].launchedAt > launchedAt { index -= 1 }
        entries.insert(Entry(launchedAt: launchedAt, session: session), at: index)
    }

    mutating func removeFirst() -> Int32? {
        guard head < entries.count else { return nil }
        let session = entries[head].session
        head += 1
        if head > 64 && head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
        return session
    }

    mutating func removeLast() -> Int32? {
        guard head < entries.count else { return nil }
        return entries.removeLast().session
    }

    /// The queued sessions only, their launch ticks renumbered and their
    /// slots moved (see `ECSMachine.normalize`).
    mutating func renumber(_ rank: (UInt64) -> UInt64?, sessions remap: [Int32]?) {
        if head > 0 {
            entries.removeFirst(head)
            head = 0
        }
        for index in entries.indices {
            entries[index].launchedAt = rank(entries[index].launchedAt) ?? entries[index].launchedAt
            if let remap { entries[index].session = remap[Int(entries[index].session)] }
        }
    }
}

/// The available agents with one skill, in the order they became available.
/// An agent that stops being available leaves a stale entry, skipped when
/// reached and swept out when stale entries outnumber live ones, so every
/// operation costs about O(1) however many agents there are.
struct AvailabilityQueue: Hashable, Sendable {
    struct Entry: Hashable, Sendable {
        var agent: Int32
        var station: Int32
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
    mutating func renumber(_ rank: (UInt64) -> UInt64?, isLive: (Entry) -> Bool) {
        var kept = 0
        for index in head..<entries.count {
            var entry = entries[index]
            entry.since = rank(entry.since) ?? 0
            if isLive(entry) {
                entries[kept] = entry
                kept += 1
            }
        }
        entries.removeLast(entries.count - kept)
        head = 0
        count = kept
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
        let agents = self.agents
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
