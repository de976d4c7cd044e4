import CVConformTrace

/// The Internet Call Manager: serves the agents' browsers, launches Internet
/// sessions to the ECS and connects answered sessions to the Agent Control
/// Window (ACW: always the window, never after-call work).
public struct ICMMachine: RoleMachine, Hashable {
    public static let role = Role.icm

    /// An agent's state at the ICM, in words; an agent with none is logged
    /// out.
    package enum AgentState: Hashable, Sendable {
        case loggedIn(extension: String)
        case inSession(extension: String, session: String)

        package var `extension`: String {
            switch self {
            case .loggedIn(let x), .inSession(let x, _): return x
            }
        }
    }

    /// What the ICM keeps about an agent, at the agent's number.
    struct AgentEntry: Hashable, Sendable {
        enum Phase: UInt8, Hashable, Sendable { case loggedOut, loggedIn, inSession }
        var phase = Phase.loggedOut
        var station: Int32 = -1
        /// The session's slot, in session.
        var session: Int32 = -1

        static let loggedOut = AgentEntry()
    }

    /// The media the browser asked for: a byte, with room for a word the
    /// catalog would not accept (kept so the session is still known).
    enum MediaCode: UInt8, Hashable, Sendable {
        case none, realtime, messaging, other

        init(_ word: String) {
            switch Media(rawValue: word) {
            case .realtime?: self = .realtime
            case .messaging?: self = .messaging
            case nil: self = .other
            }
        }

        var media: Media? {
            switch self {
            case .realtime: return .realtime
            case .messaging: return .messaging
            case .none, .other: return nil
            }
        }
    }

    /// What the ICM keeps about a session, in its slot: the media of a
    /// session requested and not yet ended, the agent that has it, and how
    /// many agents' entries name it. The slot is given back only when all
    /// three are gone: an agent may still be in a session another agent's
    /// release ended (a mutant's message can do that), and it names it by
    /// its slot.
    struct SessionEntry: SlotInfo {
        var media = MediaCode.none
        var agent: Int32 = -1
        var holders: Int32 = 0
        static let vacant = SessionEntry()

        /// Whether the ICM holds the session: it knows its media or the
        /// agent that has it.
        var isHeld: Bool { media != .none || agent >= 0 }
    }

    /// Agent and station numbers: the administration's, then any other id
    /// the ECS confirmed (a mutant's or a racing message's). One reference,
    /// shared by every copy of the machine until such an id comes.
    private var numbers: ICMNumbers
    private var agentNumbers: IDNumbers { numbers.agents }
    private var stationNumbers: IDNumbers { numbers.stations }
    private var agentEntries: [AgentEntry] = []
    /// Indexed by station number: the agent logged in there, or -1.
    private var agentAtStation: [Int32] = []
    private var sessionSlots = SessionSlots<SessionEntry>()
    private var loggedInCount = 0

    public init(administration: Administration) {
        self.init(agents: IDNumbers(administration.agents.map(\.id)), stations: IDNumbers(administration.stations))
    }

    /// With the administration's agents and stations already numbered.
    init(agents: IDNumbers, stations: IDNumbers) {
        numbers = ICMNumbers(agents: agents, stations: stations)
    }

    public static func == (lhs: ICMMachine, rhs: ICMMachine) -> Bool {
        guard lhs.loggedInCount == rhs.loggedInCount, lhs.sessionSlots.count == rhs.sessionSlots.count else { return false }
        guard lhs.numbers === rhs.numbers || (lhs.agentNumbers == rhs.agentNumbers && lhs.stationNumbers == rhs.stationNumbers) else {
            // Numbered apart (each met ids nobody administered in its own
            // order): compare in words.
            return lhs.agents == rhs.agents && lhs.mediaBySession == rhs.mediaBySession && lhs.agentBySession == rhs.agentBySession
        }
        return trimmed(lhs.agentEntries, empty: .loggedOut) == trimmed(rhs.agentEntries, empty: .loggedOut)
            && trimmed(lhs.agentAtStation, empty: -1) == trimmed(rhs.agentAtStation, empty: -1)
            && lhs.sessionSlots == rhs.sessionSlots
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(loggedInCount)
        hasher.combine(sessionSlots.count)
    }

    /// See `ReferenceSystem.sharesState(with:)`.
    func sharesState(with other: ICMMachine) -> Bool {
        loggedInCount == other.loggedInCount && numbers === other.numbers
            && agentEntries.sharesStorage(with: other.agentEntries) && agentAtStation.sharesStorage(with: other.agentAtStation)
            && sessionSlots.sharesStorage(with: other.sessionSlots)
    }

    public mutating func receive(_ message: Message, into reaction: inout Reaction) {
        switch message.type {
        case .login: login(agent: message[.agent], extension: message[.extension], &reaction)
        case .loginConfirmed: loginConfirmed(agent: message[.agent], extension: message[.extension], &reaction)
        case .loginDenied: loginDenied(agent: message[.agent], cause: message[.cause], &reaction)
        case .sessionRequest: sessionRequest(session: message[.session], media: message[.media], vdn: message[.vdn], &reaction)
        case .answered: answered(session: message[.session], extension: message[.extension], &reaction)
        case .release: release(agent: message[.agent], session: message[.session], button: message[.button], &reaction)
        case .dropped: dropped(session: message[.session], &reaction)
        case .logout: logout(agent: message[.agent], &reaction)
        case .agentLoggedOut: agentLoggedOut(agent: message[.agent], &reaction)
        default:
            break // The catalog routes nothing else to the ICM.
        }
    }

    private mutating func intern(agent: String) -> Int32 { intern(agent, asStation: false) }

    private mutating func intern(station: String) -> Int32 { intern(station, asStation: true) }

    /// The id's number, given one (in a new shared box) if it had none.
    private mutating func intern(_ id: String, asStation: Bool) -> Int32 {
        var agents = agentNumbers
        var stations = stationNumbers
        if let number = asStation ? stations.number(of: id) : agents.number(of: id) { return number }
        let number = asStation ? stations.intern(id) : agents.intern(id)
        numbers = ICMNumbers(agents: agents, stations: stations)
        return number
    }

    private func entry(_ agent: Int32) -> AgentEntry {
        Int(agent) < agentEntries.count ? agentEntries[Int(agent)] : .loggedOut
    }

    private mutating func setEntry(_ agent: Int32, _ entry: AgentEntry) {
        if Int(agent) >= agentEntries.count {
            agentEntries.append(contentsOf: repeatElement(.loggedOut, count: Int(agent) - agentEntries.count + 1))
        }
        let old = agentEntries[Int(agent)]
        loggedInCount += (entry.phase != .loggedOut ? 1 : 0) - (old.phase != .loggedOut ? 1 : 0)
        agentEntries[Int(agent)] = entry
        if entry.session >= 0 { sessionSlots[entry.session].holders += 1 }
        if old.session >= 0 {
            sessionSlots[old.session].holders -= 1
            releaseIfUnused(old.session)
        }
    }

    /// Gives the slot back once nothing names its session any more.
    private mutating func releaseIfUnused(_ slot: Int32) {
        let info = sessionSlots[slot]
        if !info.isHeld && info.holders == 0 { sessionSlots.remove(slot) }
    }

    /// The agent's number and entry; nil for an id the ICM never numbered
    /// (such an agent is logged out).
    private func agentEntry(_ agent: String) -> (number: Int32, entry: AgentEntry)? {
        agentNumbers.number(of: agent).map { ($0, entry($0)) }
    }

    // MARK: - Login (I1-I3)

    mutating func login(agent: String, extension x: String, _ reaction: inout Reaction) {
        reaction.apply(.icmLogin)
        reaction.send(.icmLogin, to: .cvct, from: .icm, .loginRequest, .agent, agent, .extension, x)
    }

    mutating func loginConfirmed(agent: String, extension x: String, _ reaction: inout Reaction) {
        let number = intern(agent: agent)
        if entry(number).phase != .loggedOut {
            // Only racing messages get here; I2 applies as written.
            reaction.apply(.extLoginConfirmedAgain)
            forget(number)
        }
        reaction.apply(.icmLoginConfirmed)
        let station = intern(station: x)
        setEntry(number, AgentEntry(phase: .loggedIn, station: station))
        agentAtStation.set(station, number)
        reaction.send(.icmLoginConfirmed, to: .browser, from: .icm, .acwOpen, .agent, agent)
    }

    mutating func loginDenied(agent: String, cause: String, _ reaction: inout Reaction) {
        reaction.apply(.icmLoginDenied)
        reaction.send(.icmLoginDenied, to: .browser, from: .icm, .loginFailed, .agent, agent, .cause, cause)
    }

    // MARK: - Sessions (I4-I7)

    mutating func sessionRequest(session: String, media: String, vdn: String, _ reaction: inout Reaction) {
        reaction.apply(.icmSessionRequest)
        if let slot = sessionSlots.slot(of: session) {
            if sessionSlots[slot].agent < 0 { sessionSlots[slot].media = MediaCode(media) }
        } else {
            sessionSlots.insert(session, SessionEntry(media: MediaCode(media)))
        }
        reaction.send(.icmSessionRequest, to: .ecs, from: .icm, .launch, .media, media, .session, session, .vdn, vdn)
    }

    mutating func answered(session: String, extension x: String, _ reaction: inout Reaction) {
        guard let station = stationNumbers.number(of: x), case let agent = agentAtStation[orNone: station], agent >= 0,
              entry(agent) == AgentEntry(phase: .loggedIn, station: station) else {
            reaction.apply(.extAnsweredWithoutIdleAgent)
            return
        }
        reaction.apply(.icmAnswered)
        let slot = sessionSlots.insert(session, SessionEntry())
        setEntry(agent, AgentEntry(phase: .inSession, station: station, session: slot))
        sessionSlots[slot].agent = agent
        reaction.send(.icmAnswered, to: .browser, from: .icm, .connect, .agent, agentNumbers[agent], .session, session)
    }

    mutating func release(agent: String, session: String, button: String, _ reaction: inout Reaction) {
        // I6: the button must fit the session's media; its clause and
        // reason follow from the button.
        let slot = sessionSlots.slot(of: session)
        var fitting: (Clause, Reason)?
        if let media = slot.flatMap({ sessionSlots[$0].media.media }), let pressed = Button(rawValue: button), pressed.fits(media) {
            let clause: Clause
            switch pressed {
            case .drop: clause = .icmReleaseDrop
            case .close: clause = .icmReleaseClose
            case .suspend: clause = .icmReleaseSuspend
            }
            fitting = (clause, pressed.reason)
        }
        guard let (number, current) = agentEntry(agent), current.phase == .inSession, let slot, current.session == slot,
              let (clause, reason) = fitting else {
            reaction.apply(.icmReleaseIgnored)
            return
        }
        reaction.apply(clause)
        endSession(slot, of: number, at: current.station)
        let x = stationNumbers[current.station]
        reaction.send(clause, to: .cvct, from: .icm, .dropRequest, .extension, x, .session, session)
        reaction.send(clause, to: .browser, from: .icm, .disconnect, .agent, agent, .reason, reason.rawValue, .session, session)
    }

    mutating func dropped(session: String, _ reaction: inout Reaction) {
        guard let slot = sessionSlots.slot(of: session), case let agent = sessionSlots[slot].agent, agent >= 0,
              case let current = entry(agent), current.phase == .inSession, current.session == slot else {
            reaction.apply(.icmDroppedIgnored)
            return
        }
        reaction.apply(.icmDropped)
        endSession(slot, of: agent, at: current.station)
        reaction.send(.icmDropped, to: .browser, from: .icm, .disconnect,
                      .agent, agentNumbers[agent], .reason, Reason.hangup.rawValue, .session, session)
    }

    // MARK: - Logout (I8, I9)

    mutating func logout(agent: String, _ reaction: inout Reaction) {
        let (number, current) = agentEntry(agent) ?? (-1, .loggedOut)
        switch current.phase {
        case .loggedIn:
            reaction.apply(.icmLogout)
            forget(number)
            reaction.send(.icmLogout, to: .cvct, from: .icm, .logoutRequest, .agent, agent, .extension, stationNumbers[current.station])
            reaction.send(.icmLogout, to: .browser, from: .icm, .acwClose, .agent, agent)
        case .inSession:
            reaction.apply(.extBrowserLogoutWithSession)
        case .loggedOut:
            reaction.apply(.icmLogoutIgnored)
        }
    }

    mutating func agentLoggedOut(agent: String, _ reaction: inout Reaction) {
        reaction.apply(.icmAgentLoggedOut)
        if let number = agentNumbers.number(of: agent) { forget(number) }
        reaction.send(.icmAgentLoggedOut, to: .browser, from: .icm, .acwClose, .agent, agent)
    }

    // MARK: - State helpers

    /// The session no longer has media or an agent at the ICM.
    private mutating func forgetSession(_ slot: Int32) {
        sessionSlots[slot].media = .none
        sessionSlots[slot].agent = -1
        releaseIfUnused(slot)
    }

    private mutating func endSession(_ slot: Int32, of agent: Int32, at station: Int32) {
        sessionSlots[slot].holders += 1 // kept while the agent's entry changes
        setEntry(agent, AgentEntry(phase: .loggedIn, station: station))
        sessionSlots[slot].holders -= 1
        forgetSession(slot)
    }

    private mutating func forget(_ agent: Int32) {
        let current = entry(agent)
        guard current.phase != .loggedOut else { return }
        if current.phase == .inSession { sessionSlots[current.session].holders += 1 }
        setEntry(agent, .loggedOut)
        if agentAtStation[orNone: current.station] == agent { agentAtStation.set(current.station, -1) }
        if current.phase == .inSession {
            sessionSlots[current.session].holders -= 1
            forgetSession(current.session)
        }
    }

    /// The ICM's session slots in a canonical order (by id), so equal
    /// states that met their sessions in another order are equal (see
    /// `ECSMachine.normalize`).
    mutating func normalize() {
        guard !sessionSlots.isInNameOrder, let remap = sessionSlots.renumber(in: sessionSlots.slotsByName) else { return }
        for index in agentEntries.indices where agentEntries[index].session >= 0 {
            agentEntries[index].session = remap[Int(agentEntries[index].session)]
        }
    }

    // MARK: - The state in words

    private func state(of entry: AgentEntry) -> AgentState? {
        switch entry.phase {
        case .loggedOut: return nil
        case .loggedIn: return .loggedIn(extension: stationNumbers[entry.station])
        case .inSession: return .inSession(extension: stationNumbers[entry.station], session: sessionSlots.name(entry.session))
        }
    }

    /// Visits every agent logged in, with its state in words.
    package func forEachAgent(_ body: (_ agent: String, _ state: AgentState) -> Void) {
        for (number, entry) in agentEntries.enumerated() {
            if let state = state(of: entry) { body(agentNumbers[Int32(number)], state) }
        }
    }

    /// Visits every session the ICM holds: its media (nil when it knows
    /// none) and the agent that has it (nil when none).
    package func forEachSession(_ body: (_ session: String, _ media: String?, _ agent: String?) -> Void) {
        sessionSlots.forEach { _, name, info in
            guard info.isHeld else { return }
            body(name, info.media == .none ? nil : info.media.media?.rawValue ?? "unknown media", info.agent < 0 ? nil : agentNumbers[info.agent])
        }
    }

    /// Visits every agent logged in by numbers, where building its words
    /// would cost more than the visit (verify packs millions of states):
    /// its number and station number (the administration's first, then any
    /// other id the ECS confirmed), and its session's slot (or -1).
    package func forEachNumberedAgent(_ body: (_ agent: Int, _ station: Int, _ session: Int32) -> Void) {
        for (number, entry) in agentEntries.enumerated() where entry.phase != .loggedOut {
            body(number, Int(entry.station), entry.phase == .inSession ? entry.session : -1)
        }
    }

    /// Visits every session whose media the ICM knows: its slot, its id and
    /// its media (nil for a word the catalog would not accept).
    package func forEachNumberedSession(_ body: (_ slot: Int32, _ session: String, _ media: Media?) -> Void) {
        sessionSlots.forEach { slot, name, info in
            if info.media != .none { body(slot, name, info.media.media) }
        }
    }

    /// The ids behind the numbers `forEachNumbered…` gives.
    package func agentID(number: Int) -> String { agentNumbers[Int32(number)] }
    package func sessionID(slot: Int32) -> String { sessionSlots.name(slot) }
    package func stationID(number: Int) -> String { stationNumbers[Int32(number)] }
    package var numberedCounts: (agents: Int, stations: Int) { (agentNumbers.count, stationNumbers.count) }

    /// Every agent logged in, by id, with its state in words.
    package var agents: IDMap<AgentState> {
        var agents = IDMap<AgentState>()
        forEachAgent { agents[$0] = $1 }
        return agents
    }

    /// One agent's state in words; nil when logged out.
    package func agentState(_ agent: String) -> AgentState? {
        agentEntry(agent).flatMap { state(of: $0.entry) }
    }

    /// The media of each session requested and not yet ended.
    package var mediaBySession: IDMap<String> {
        var table = IDMap<String>()
        forEachSession { session, media, _ in if let media { table[session] = media } }
        return table
    }

    /// The agent that has each session answered and not yet ended.
    package var agentBySession: IDMap<String> {
        var table = IDMap<String>()
        forEachSession { session, _, agent in if let agent { table[session] = agent } }
        return table
    }

    /// The agent logged in at each station that has one.
    package var agentAtExtension: IDMap<String> {
        var table = IDMap<String>()
        for (station, agent) in agentAtStation.enumerated() where agent >= 0 {
            table[stationNumbers[Int32(station)]] = agentNumbers[agent]
        }
        return table
    }

    /// Whether the ICM knows the session's media or the agent that has it.
    package func holds(session: String) -> Bool { sessionSlots.slot(of: session).map { sessionSlots[$0].isHeld } ?? false }

    /// Whether the button fits the media of a session the ICM knows.
    package func button(_ button: String, fits session: String) -> Bool {
        guard let slot = sessionSlots.slot(of: session), let media = sessionSlots[slot].media.media,
              let pressed = Button(rawValue: button) else { return false }
        return pressed.fits(media)
    }

    /// How many sessions the ICM holds (requested and not ended).
    package var sessionCount: Int { sessionSlots.count }

    /// The session an agent has, if any.
    package func session(of agent: String) -> String? {
        guard let (_, current) = agentEntry(agent), current.phase == .inSession else { return nil }
        return sessionSlots.name(current.session)
    }

    /// The agent that has a session, if any.
    func agent(having session: String) -> String? {
        guard let slot = sessionSlots.slot(of: session), sessionSlots[slot].agent >= 0 else { return nil }
        return agentNumbers[sessionSlots[slot].agent]
    }

    /// The media the ICM recorded for a session.
    package func media(of session: String) -> String? {
        guard let slot = sessionSlots.slot(of: session), sessionSlots[slot].media != .none else { return nil }
        return sessionSlots[slot].media.media?.rawValue ?? "unknown media"
    }
}

extension ICMMachine: CustomStringConvertible {
    /// `agents logged in: 1001 at 4001 with s1 (realtime)`
    public var description: String {
        let agents = self.agents
        let text = agents.keys.sorted().map { agent -> String in
            switch agents[agent] {
            case .loggedIn(let x): return "\(agent) at \(x)"
            case .inSession(let x, let s): return "\(agent) at \(x) with \(s) (\(media(of: s) ?? "unknown media"))"
            case nil: return agent
            }
        }
        return "agents logged in: \(text.isEmpty ? "none" : text.joined(separator: ", "))"
    }
}

/// The ICM's agent and station numbers, shared by the machine's copies.
final class ICMNumbers: Sendable {
    let agents: IDNumbers
    let stations: IDNumbers

    init(agents: IDNumbers, stations: IDNumbers) {
        self.agents = agents
        self.stations = stations
    }
}
