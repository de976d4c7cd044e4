import CVConformTestSupport
import CVConformTrace
import Testing
@testable import CVConformModel

@Suite("Monitor: owed messages per channel, oldest first (contract section 4)")
struct MonitorTests {
    func monitor(_ texts: String...) -> Monitor {
        var monitor = Monitor(administration: administration)
        for text in texts {
            guard case .allowed = monitor.observe(m(text)) else {
                Issue.record("\(text) was rejected")
                return monitor
            }
        }
        return monitor
    }

    func rejection(_ monitor: inout Monitor, _ text: String) -> Rejection? {
        if case .rejected(let rejection) = monitor.observe(m(text)) { return rejection }
        return nil
    }

    @Test("The monitor's bit sets have room: a bit for every clause, a byte for every role's last decision")
    func bitSetsHaveRoom() {
        // Monitor keeps clauses seen in one UInt64 and each role's last
        // deciding clause in a byte of another (0xFF for none).
        #expect(Clause.allCases.count <= 64)
        #expect(Role.allCases.count * 8 <= 64)
        #expect(Role.allCases.map(\.order).sorted() == Array(0..<Role.allCases.count))
    }

    @Test("Handed a message to make only where it must, the monitor delivers what it owes in its place and judges as before")
    func observedMessages() {
        let texts = ["browser>icm login agent=1001 extension=4001", "icm>cvct login-request agent=1001 extension=4001",
                     "cvct>ecs asai-login agent=1001 extension=4001", "ecs>cvct logged-in agent=1001 extension=4001",
                     "cvct>icm login-confirmed agent=1001 extension=4001", "icm>browser acw-close agent=1001"]
        var plain = Monitor(administration: administration)
        var observing = Monitor(administration: administration)
        var scratch = Reaction()
        for text in texts {
            let message = m(text)
            let (judgement, observed) = observing.observe(ObservedMessage(message), keepingReaction: false, scratch: &scratch)
            #expect(judgement == plain.observe(message, keepingReaction: false), "\(text)")
            #expect(observed == message)
            #expect(observing.owedEmissions == plain.owedEmissions)
        }
        guard case .rejected(let rejection) = plain.observe(m("icm>browser acw-close agent=1001")) else {
            Issue.record("acw-close before acw-open was allowed")
            return
        }
        #expect(rejection.message == m("icm>browser acw-close agent=1001"))
    }

    @Test("A message given made is delivered itself, though the model owes it spelled otherwise (canonically equal)")
    func givenMessageDeliveredItself() {
        var monitor = Monitor(administration: administration)
        var scratch = Reaction()
        let composed = "s\u{E9}", decomposed = "se\u{301}"
        let request = Message(from: .customer, to: .icm, type: .sessionRequest,
                              parameters: ["session": composed, "media": "realtime", "vdn": "5000"])
        _ = monitor.observe(ObservedMessage(request), keepingReaction: false, scratch: &scratch)
        let launch = Message(from: .icm, to: .ecs, type: .launch, parameters: ["session": decomposed, "vdn": "5000", "media": "realtime"])
        let (judgement, observed) = monitor.observe(ObservedMessage(launch), keepingReaction: false, scratch: &scratch)
        #expect(judgement == .allowed(nil), "String's == takes the two spellings as equal, as before")
        #expect(observed.parameters[.session]?.utf8.count == decomposed.utf8.count, "the line's bytes went to the model")
    }

    @Test("Owed messages of several channels are kept apart, each channel oldest first")
    func owedPerChannel() {
        var monitor = monitor("browser>icm login agent=1001 extension=4001", "icm>cvct login-request agent=1001 extension=4001",
                              "cvct>ecs asai-login agent=1001 extension=4001", "ecs>cvct logged-in agent=1001 extension=4001",
                              "cvct>icm login-confirmed agent=1001 extension=4001")
        // The ICM owes acw-open to the browser; nothing else is owed.
        #expect(monitor.owedEmissions.map(\.message) == [m("icm>browser acw-open agent=1001")])
        #expect(rejection(&monitor, "icm>browser acw-close agent=1001")?.owedOnChannel == [m("icm>browser acw-open agent=1001")])
        #expect(monitor.owed(on: Channel(from: .icm, to: .browser)).count == 1)
        #expect(monitor.owed(on: Channel(from: .icm, to: .cvct)).isEmpty)
    }

    @Test("A message from an environment role is always allowed, even when ignored")
    func environmentAlwaysAllowed() {
        var monitor = monitor()
        #expect(monitor.observe(m("phone>ecs hangup extension=4001")) == .allowed(Reaction(clauses: [.ecsHangupIgnored])))
        #expect(monitor.observe(m("browser>icm logout agent=1001")) == .allowed(Reaction(clauses: [.icmLogoutIgnored])))
        #expect(monitor.isQuiescent)
    }

    @Test("A system message nobody owes is rejected, naming the clause that sent nothing")
    func unowedRejected() throws {
        var monitor = monitor()
        let rejected = try #require(rejection(&monitor, "icm>browser acw-open agent=1001"))
        #expect(rejected.position == 1)
        #expect(rejected.owedOnChannel.isEmpty)
        #expect(rejected.description.contains("nothing is owed on icm→browser"))
    }

    @Test("An echoed drop: the CVCT owes nothing after progress dropped by request")
    func echoedDrop() throws {
        var fresh = Monitor(administration: administration)
        for text in ["browser>icm login agent=1001 extension=4001", "icm>cvct login-request agent=1001 extension=4001",
                     "cvct>ecs asai-login agent=1001 extension=4001", "ecs>cvct logged-in agent=1001 extension=4001",
                     "cvct>icm login-confirmed agent=1001 extension=4001", "icm>browser acw-open agent=1001",
                     "customer>icm session-request session=s1 media=realtime vdn=5000",
                     "icm>ecs launch session=s1 vdn=5000 media=realtime",
                     "ecs>cvct progress session=s1 state=offered vdn=5000", "ecs>phone alert session=s1 extension=4001",
                     "ecs>cvct progress session=s1 state=alerting extension=4001", "phone>ecs answer extension=4001",
                     "ecs>cvct progress session=s1 state=answered extension=4001", "cvct>icm answered session=s1 extension=4001",
                     "icm>browser connect agent=1001 session=s1", "browser>icm release agent=1001 session=s1 button=drop",
                     "icm>browser disconnect agent=1001 session=s1 reason=dropped", "icm>cvct drop-request session=s1 extension=4001",
                     "cvct>ecs asai-drop session=s1 extension=4001",
                     "ecs>cvct progress session=s1 state=dropped extension=4001 by=request",
                     "ecs>phone clear session=s1 extension=4001"] {
            guard case .allowed = fresh.observe(m(text)) else {
                Issue.record("\(text) was rejected")
                return
            }
        }
        #expect(fresh.isQuiescent)
        let rejected = try #require(rejection(&fresh, "cvct>icm dropped session=s1"))
        #expect(rejected.clause == .cvctDroppedByPhone, "the rule that sends dropped says when")
        #expect(rejected.lastClause == .cvctOtherProgress, "and the rule the CVCT last applied says nothing was due")
    }

    @Test("Messages owed on one channel must come in order; across channels in any order")
    func channelOrder() throws {
        let prefix = ["browser>icm login agent=1001 extension=4001", "icm>cvct login-request agent=1001 extension=4001",
                      "cvct>ecs asai-login agent=1001 extension=4001", "ecs>cvct logged-in agent=1001 extension=4001",
                      "customer>icm session-request session=s1 media=realtime vdn=5000",
                      "icm>ecs launch session=s1 vdn=5000 media=realtime"]
        // alert (ecs→phone) may come before progress offered (ecs→cvct)…
        var crossing = Monitor(administration: administration)
        for text in prefix {
            guard case .allowed = crossing.observe(m(text)) else { Issue.record("\(text) was rejected"); return }
        }
        guard case .allowed = crossing.observe(m("ecs>phone alert session=s1 extension=4001")) else {
            Issue.record("alert before progress offered is another channel and must be allowed")
            return
        }
        // …but progress alerting may not overtake progress offered.
        let swapped = try #require(rejection(&crossing, "ecs>cvct progress session=s1 state=alerting extension=4001"))
        #expect(swapped.owedOnChannel.first == m("ecs>cvct progress session=s1 state=offered vdn=5000"))
        #expect(swapped.clause == .ecsLaunchDelivered)
        #expect(swapped.roleState.contains("busy: 1001 alerting s1 at 4001"))
    }

    @Test("A rejected message changes nothing; what is owed stays owed")
    func rejectedChangesNothing() {
        var monitor = monitor("browser>icm login agent=1001 extension=4001")
        _ = rejection(&monitor, "icm>cvct login-request agent=1001 extension=4002")
        #expect(monitor.owedEmissions.map(\.message) == [m("icm>cvct login-request agent=1001 extension=4001")])
        #expect(!monitor.isQuiescent)
    }

    @Test("A duplicate output is rejected")
    func duplicate() {
        var monitor = monitor("browser>icm login agent=1001 extension=4001", "icm>cvct login-request agent=1001 extension=4001")
        #expect(rejection(&monitor, "icm>cvct login-request agent=1001 extension=4001") != nil)
    }
}


@Suite("Clause ids")
struct ClauseTests {
    @Test("A clause's ordinal is its place in allCases")
    func ordinals() {
        for (index, clause) in Clause.allCases.enumerated() { #expect(clause.ordinal == index) }
        #expect(Clause.byOrdinal == Clause.allCases)
    }

    @Test("A reaction keeps its clauses in order, past the eight held in one word")
    func reactionClauses() {
        for count in [0, 1, 7, 8, 9, 20] {
            let clauses = (0..<count).map { Clause.allCases[($0 * 7) % Clause.allCases.count] }
            var reaction = Reaction(clauses: clauses)
            #expect(reaction.clauses == clauses)
            #expect(reaction.decidingClause == clauses.first)
            #expect(reaction == Reaction(clauses: clauses))
            reaction.clauses = [Clause.allCases.last].compactMap { $0 }
            #expect(reaction.clauses == [Clause.allCases.last].compactMap { $0 })
            #expect(reaction == Reaction(clauses: reaction.clauses))
        }
        // The last clause's ordinal plus one still fits a byte.
        #expect(Clause.allCases.count < 255)
    }

    @Test("Ids are unique and every role has its clauses")
    func ids() {
        #expect(Set(Clause.allCases.map(\.id)).count == Clause.allCases.count)
        for role in Role.systemRoles { #expect(Clause.allCases.contains { $0.role == role }) }
    }
}

@Suite("Clause profiles")
struct ClauseProfileTests {
    @Test("Extended clauses are exactly the EXT- ones")
    func profiles() {
        for clause in Clause.allCases {
            #expect((clause.profile == .extended) == clause.id.hasPrefix("EXT-"), "\(clause.id)")
        }
    }
}

@Suite("Diagnoses name the rule that was broken")
struct DiagnosisTests {
    @Test("A wrong most-idle choice is reported under ECS-IDLE-1, with the agents in idle order")
    func mostIdle() throws {
        var monitor = Monitor(administration: administration)
        let prefix = [
            "browser>icm login agent=1002 extension=4002", "icm>cvct login-request agent=1002 extension=4002",
            "cvct>ecs asai-login agent=1002 extension=4002", "ecs>cvct logged-in agent=1002 extension=4002",
            "browser>icm login agent=1001 extension=4001", "icm>cvct login-request agent=1001 extension=4001",
            "cvct>ecs asai-login agent=1001 extension=4001", "ecs>cvct logged-in agent=1001 extension=4001",
            "customer>icm session-request session=s1 media=realtime vdn=5000", "icm>ecs launch session=s1 vdn=5000 media=realtime",
            "ecs>cvct progress session=s1 state=offered vdn=5000",
        ]
        for text in prefix {
            guard case .allowed = monitor.observe(m(text)) else { Issue.record("\(text) was rejected"); return }
        }
        guard case .rejected(let rejection) = monitor.observe(m("ecs>phone alert session=s1 extension=4001")) else {
            Issue.record("the less idle agent was alerted and nothing noticed")
            return
        }
        #expect(rejection.clause == .ecsMostIdle)
        #expect(rejection.owedOnChannel.first == m("ecs>phone alert session=s1 extension=4002"))
    }

    @Test("A connect before its answered cites the rule that sends connect")
    func earlyConnect() throws {
        var monitor = Monitor(administration: administration)
        guard case .rejected(let rejection) = monitor.observe(m("icm>browser connect agent=1001 session=s1")) else {
            Issue.record("not rejected")
            return
        }
        #expect(rejection.clause == .icmAnswered)
    }
}
