import CVConformTrace
import Testing
@testable import CVConformModel

@Suite("ECS machine: E1-E9 and the extended decisions")
struct ECSMachineTests {
    @Test("Normalizing by counting bits gives the switch the same form as ranking by sorting")
    func normalizeByBitsAgreesWithSorting() {
        var byBits = 0, bySorting = 0
        for seed in 1...40 {
            let scenario = Scenario.generated(seed: UInt64(seed), length: 60).scenario
            var system = ReferenceSystem(administration: scenario.administration)
            for stimulus in scenario.stimuli {
                _ = system.propagate(stimulus)
                var fast = system.ecs, sorted = system.ecs
                if fast.ranksByBits { byBits += 1 } else { bySorting += 1 }
                fast.normalize()
                sorted.normalize(rankingByBits: false)
                #expect(fast == sorted, "seed \(seed): \(fast) against \(sorted)")
                system.normalizeSwitch()
            }
        }
        // Both ways were taken.
        #expect(byBits > 1000 && bySorting > 20, "\(byBits) by bits, \(bySorting) by sorting")
    }

    // MARK: E1 asai-login

    @Test("E1: an unknown agent is denied unknown-agent, even at an unknown extension")
    func loginUnknownAgent() {
        var ecs = ECSMachine(administration: administration)
        let reaction = ecs.feed("cvct>ecs asai-login agent=9999 extension=4999")
        #expect(reaction.sent == ["ecs>cvct login-denied agent=9999 extension=4999 cause=unknown-agent"])
        #expect(reaction.clauses == [.ecsLoginUnknownAgent])
    }

    @Test("E1: agent ids are compared as strings: 101 is not 0101")
    func loginComparesAsStrings() {
        var ecs = ECSMachine(administration: administration)
        #expect(ecs.feed("cvct>ecs asai-login agent=101 extension=4001").clauses == [.ecsLoginUnknownAgent])
        #expect(ecs.feed("cvct>ecs asai-login agent=0101 extension=4001").clauses == [.ecsLoginAccepted])
    }

    @Test("E1: an unknown extension comes before agent-logged-in")
    func loginUnknownExtension() {
        var ecs = ECSMachine.with("1001@4001")
        let reaction = ecs.feed("cvct>ecs asai-login agent=1001 extension=4999")
        #expect(reaction.sent == ["ecs>cvct login-denied agent=1001 extension=4999 cause=unknown-extension"])
    }

    @Test("E1: agent-logged-in comes before extension-in-use")
    func loginAgentLoggedInFirst() {
        var ecs = ECSMachine.with("1001@4001", "1002@4002")
        let reaction = ecs.feed("cvct>ecs asai-login agent=1001 extension=4002")
        #expect(reaction.sent == ["ecs>cvct login-denied agent=1001 extension=4002 cause=agent-logged-in"])
        let same = ecs.feed("cvct>ecs asai-login agent=1001 extension=4001")
        #expect(same.sent == ["ecs>cvct login-denied agent=1001 extension=4001 cause=agent-logged-in"])
    }

    @Test("E1: another agent at the extension: extension-in-use")
    func loginExtensionInUse() {
        var ecs = ECSMachine.with("1001@4001")
        let reaction = ecs.feed("cvct>ecs asai-login agent=1002 extension=4001")
        #expect(reaction.sent == ["ecs>cvct login-denied agent=1002 extension=4001 cause=extension-in-use"])
        #expect(reaction.clauses == [.ecsLoginExtensionInUse])
    }

    @Test("E1, E9: a login takes the earliest queued session for any of the agent's skills")
    func loginDispatchesEarliestQueued() {
        var ecs = ECSMachine(administration: administration)
        ecs.feed("icm>ecs launch session=s1 vdn=5001 media=realtime", "icm>ecs launch session=s2 vdn=5000 media=messaging")
        let reaction = ecs.feed("cvct>ecs asai-login agent=1001 extension=4001")
        #expect(reaction.sent == [
            "ecs>cvct logged-in agent=1001 extension=4001",
            "ecs>phone alert session=s1 extension=4001",
            "ecs>cvct progress session=s1 state=alerting extension=4001",
        ])
        #expect(reaction.clauses == [.ecsLoginAccepted, .ecsDispatch, .ecsDeliver])
    }

    // MARK: E2 launch, E8 deliver, most idle

    @Test("E2: offered, then delivered to an available agent with the skill")
    func launchDelivers() {
        var ecs = ECSMachine.with("1002@4002")
        let reaction = ecs.feed("icm>ecs launch session=s1 vdn=5000 media=realtime")
        #expect(reaction.sent == [
            "ecs>cvct progress session=s1 state=offered vdn=5000",
            "ecs>phone alert session=s1 extension=4002",
            "ecs>cvct progress session=s1 state=alerting extension=4002",
        ])
        #expect(reaction.clauses == [.ecsLaunchDelivered, .ecsDeliver])
    }

    @Test("E2: no available agent with the skill: queued with the VDN's skill")
    func launchQueues() {
        var ecs = ECSMachine.with("1003@4003")
        let reaction = ecs.feed("icm>ecs launch session=s1 vdn=5000 media=realtime")
        #expect(reaction.sent == [
            "ecs>cvct progress session=s1 state=offered vdn=5000",
            "ecs>cvct progress session=s1 state=queued skill=10",
        ])
        #expect(reaction.clauses == [.ecsLaunchQueued])
    }

    @Test("E2: an alerting or connected agent is not available")
    func busyAgentsAreNotAvailable() {
        var ecs = ECSMachine.with("1002@4002")
        ecs.feed("icm>ecs launch session=s1 vdn=5000 media=realtime")
        #expect(ecs.feed("icm>ecs launch session=s2 vdn=5000 media=realtime").clauses == [.ecsLaunchQueued])
        ecs.feed("phone>ecs answer extension=4002")
        #expect(ecs.feed("icm>ecs launch session=s3 vdn=5000 media=realtime").clauses == [.ecsLaunchQueued])
    }

    @Test("A skill listed twice for an agent counts once: the agent is offered one session, not two")
    func repeatedSkillCountsOnce() {
        var ecs = ECSMachine(administration: Administration(
            agents: [.init(id: "1001", skills: ["10", "10"])], stations: ["4001"], vdns: [.init(number: "5000", skill: "10")]
        ))
        #expect(ecs.skills(of: "1001") == ["10"])
        ecs.feed("cvct>ecs asai-login agent=1001 extension=4001")
        #expect(ecs.availableCount(withSkill: "10") == 1)
        #expect(ecs.feed("icm>ecs launch session=s1 vdn=5000 media=realtime").clauses.contains(.ecsDeliver))
        #expect(ecs.feed("icm>ecs launch session=s2 vdn=5000 media=realtime").clauses == [.ecsLaunchQueued])
        func skills(_ listed: [String]) -> [String]? {
            ECSMachine(administration: Administration(agents: [.init(id: "1", skills: listed)], stations: [], vdns: [])).skills(of: "1")
        }
        #expect(skills(["10", "20", "10"]) == ["10", "20"])
        let many = (0..<20).map(String.init)
        #expect(skills(many + ["3"]) == many)
        #expect(skills(many) == many)
    }

    @Test("Most idle: the agent that logged in first")
    func mostIdleByLogin() {
        var ecs = ECSMachine.with("1002@4002", "1001@4001")
        let reaction = ecs.feed("icm>ecs launch session=s1 vdn=5000 media=realtime")
        #expect(reaction.sent[1] == "ecs>phone alert session=s1 extension=4002")
        #expect(reaction.clauses == [.ecsLaunchDelivered, .ecsMostIdle, .ecsDeliver])
    }

    @Test("Most idle: an agent whose session just ended is less idle than one idle since login")
    func mostIdleAfterSession() {
        var ecs = ECSMachine.with("1001@4001", "1002@4002")
        ecs.feed("icm>ecs launch session=s1 vdn=5000 media=realtime", "phone>ecs answer extension=4001", "phone>ecs hangup extension=4001")
        // 1002 has been available since its login, 1001 only since its hangup.
        let reaction = ecs.feed("icm>ecs launch session=s2 vdn=5000 media=realtime")
        #expect(reaction.sent[1] == "ecs>phone alert session=s2 extension=4002")
    }

    // MARK: E3-E5

    @Test("E3: answer while alerting connects; otherwise ignored")
    func answer() {
        var ecs = ECSMachine.with("1001@4001")
        #expect(ecs.feed("phone>ecs answer extension=4001").clauses == [.ecsAnswerIgnored])
        #expect(ecs.feed("phone>ecs answer extension=4001").sent.isEmpty)
        ecs.feed("icm>ecs launch session=s1 vdn=5000 media=realtime")
        let reaction = ecs.feed("phone>ecs answer extension=4001")
        #expect(reaction.sent == ["ecs>cvct progress session=s1 state=answered extension=4001"])
        #expect(ecs.feed("phone>ecs answer extension=4001").sent.isEmpty)
        #expect(ecs.feed("phone>ecs answer extension=4999").clauses == [.ecsAnswerIgnored])
    }

    @Test("E4: hangup while connected ends the session and dispatches; otherwise ignored")
    func hangup() {
        var ecs = ECSMachine.with("1002@4002")
        ecs.feed("icm>ecs launch session=s1 vdn=5000 media=realtime")
        #expect(ecs.feed("phone>ecs hangup extension=4002").clauses == [.ecsHangupIgnored], "alerting is not connected")
        ecs.feed("icm>ecs launch session=s2 vdn=5000 media=messaging", "phone>ecs answer extension=4002")
        let reaction = ecs.feed("phone>ecs hangup extension=4002")
        #expect(reaction.sent == [
            "ecs>cvct progress session=s1 state=dropped extension=4002 by=phone",
            "ecs>phone alert session=s2 extension=4002",
            "ecs>cvct progress session=s2 state=alerting extension=4002",
        ])
        #expect(reaction.clauses == [.ecsHangup, .ecsDispatch, .ecsDeliver])
    }

    @Test("E5: asai-drop of the connected session clears the phone; a wrong session or extension is ignored")
    func asaiDrop() {
        var ecs = ECSMachine.with("1001@4001")
        ecs.feed("icm>ecs launch session=s1 vdn=5000 media=realtime", "phone>ecs answer extension=4001")
        #expect(ecs.feed("cvct>ecs asai-drop session=s9 extension=4001").clauses == [.ecsDropIgnored])
        #expect(ecs.feed("cvct>ecs asai-drop session=s1 extension=4002").clauses == [.ecsDropIgnored])
        let reaction = ecs.feed("cvct>ecs asai-drop session=s1 extension=4001")
        #expect(reaction.sent == [
            "ecs>phone clear session=s1 extension=4001",
            "ecs>cvct progress session=s1 state=dropped extension=4001 by=request",
        ])
        #expect(ecs.feed("cvct>ecs asai-drop session=s1 extension=4001").sent.isEmpty, "already ended")
    }

    @Test("E5: asai-drop of an alerting session is ignored")
    func asaiDropAlerting() {
        var ecs = ECSMachine.with("1001@4001")
        ecs.feed("icm>ecs launch session=s1 vdn=5000 media=realtime")
        #expect(ecs.feed("cvct>ecs asai-drop session=s1 extension=4001").clauses == [.ecsDropIgnored])
    }

    // MARK: E6, E7

    @Test("E6: asai-logout of an idle agent at its extension; elsewhere or logged out: ignored")
    func asaiLogout() {
        var ecs = ECSMachine.with("1001@4001")
        #expect(ecs.feed("cvct>ecs asai-logout agent=1001 extension=4002").clauses == [.ecsLogoutIgnored])
        #expect(ecs.feed("cvct>ecs asai-logout agent=1002 extension=4001").clauses == [.ecsLogoutIgnored])
        let reaction = ecs.feed("cvct>ecs asai-logout agent=1001 extension=4001")
        #expect(reaction.sent == ["ecs>cvct logged-out agent=1001 extension=4001 by=request"])
        #expect(ecs.feed("cvct>ecs asai-logout agent=1001 extension=4001").sent.isEmpty)
        #expect(ecs.feed("cvct>ecs asai-login agent=1002 extension=4001").clauses == [.ecsLoginAccepted], "the extension is free again")
    }

    @Test("E7: logout-feature of an idle agent; no agent: ignored")
    func logoutFeature() {
        var ecs = ECSMachine.with("1001@4001")
        #expect(ecs.feed("phone>ecs logout-feature extension=4002").clauses == [.ecsLogoutFeatureIgnored])
        let reaction = ecs.feed("phone>ecs logout-feature extension=4001")
        #expect(reaction.sent == ["ecs>cvct logged-out agent=1001 extension=4001 by=phone"])
        #expect(ecs.feed("icm>ecs launch session=s1 vdn=5000 media=realtime").clauses == [.ecsLaunchQueued])
    }

    // MARK: Extended

    @Test("EXT-1: a launch to an unadministered VDN is ignored")
    func unknownVDN() {
        var ecs = ECSMachine.with("1001@4001")
        let reaction = ecs.feed("icm>ecs launch session=s1 vdn=5999 media=realtime")
        #expect(reaction.sent.isEmpty)
        #expect(reaction.clauses == [.extLaunchUnknownVDN])
    }

    @Test("EXT-2: asai-logout while alerting clears the phone, logs out and delivers again")
    func logoutWhileAlerting() {
        var ecs = ECSMachine.with("1001@4001")
        ecs.feed("icm>ecs launch session=s1 vdn=5000 media=realtime", "cvct>ecs asai-login agent=1002 extension=4002")
        let reaction = ecs.feed("cvct>ecs asai-logout agent=1001 extension=4001")
        #expect(reaction.sent == [
            "ecs>phone clear session=s1 extension=4001",
            "ecs>cvct logged-out agent=1001 extension=4001 by=request",
            "ecs>phone alert session=s1 extension=4002",
            "ecs>cvct progress session=s1 state=alerting extension=4002",
        ])
    }

    @Test("EXT-2: with nobody to take it, the session is queued again in launch order")
    func logoutWhileAlertingRequeues() {
        var ecs = ECSMachine.with("1002@4002")
        ecs.feed("icm>ecs launch session=s1 vdn=5000 media=realtime", "icm>ecs launch session=s2 vdn=5000 media=realtime")
        let reaction = ecs.feed("cvct>ecs asai-logout agent=1002 extension=4002")
        #expect(reaction.sent.last == "ecs>cvct progress session=s1 state=queued skill=10")
        // s1 was launched first, so the next agent gets s1 before s2.
        let login = ecs.feed("cvct>ecs asai-login agent=1001 extension=4001")
        #expect(login.sent[1] == "ecs>phone alert session=s1 extension=4001")
    }

    @Test("EXT-3, EXT-4: a busy agent cannot be logged out")
    func busyLogout() {
        var ecs = ECSMachine.with("1001@4001")
        ecs.feed("icm>ecs launch session=s1 vdn=5000 media=realtime")
        #expect(ecs.feed("phone>ecs logout-feature extension=4001").clauses == [.extLogoutFeatureWhileBusy])
        ecs.feed("phone>ecs answer extension=4001")
        #expect(ecs.feed("cvct>ecs asai-logout agent=1001 extension=4001").clauses == [.extLogoutWhileConnected])
        #expect(ecs.feed("phone>ecs logout-feature extension=4001").sent.isEmpty)
    }

    @Test("EXT-7: a launch of an active session id is ignored; an ended id may be used again")
    func duplicateSession() {
        var ecs = ECSMachine.with("1001@4001")
        ecs.feed("icm>ecs launch session=s1 vdn=5000 media=realtime")
        #expect(ecs.feed("icm>ecs launch session=s1 vdn=5000 media=realtime").clauses == [.extLaunchActiveSession])
        ecs.feed("phone>ecs answer extension=4001", "phone>ecs hangup extension=4001")
        #expect(ecs.feed("icm>ecs launch session=s1 vdn=5000 media=realtime").clauses == [.ecsLaunchDelivered, .ecsDeliver])
    }
}
