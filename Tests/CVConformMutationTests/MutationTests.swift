import CVConformTestSupport
import CVConformTrace
import Testing
@testable import CVConformModel
@testable import CVConformMutation

@Suite("Mutants of the reference model")
struct MutationTests {
    let catalog = Mutant.catalog()

    @Test("At least 100 mutants, every operator, stable ids derived from clause, operator and site, no race-only clause")
    func catalogShape() {
        #expect(catalog.count >= 100)
        #expect(Set(catalog.map(\.id)).count == catalog.count)
        #expect(Set(catalog.map(\.mutation)) == Set(MutationOperator.allCases))
        #expect(catalog.map(\.id) == Mutant.catalog().map(\.id))
        for mutant in catalog {
            #expect(mutant.id.hasPrefix(mutant.clause.id + "/" + mutant.mutation.rawValue))
            #expect(!mutant.clause.isRaceOnly && mutant.clause.profile == .core)
            #expect(!mutant.summary.isEmpty)
        }
        #expect(Mutant.catalog(profile: .extended).contains { $0.clause.profile == .extended })
        #expect(catalog.contains { $0.id == "ECS-LOGIN-5/omit/logged-in" })
        #expect(catalog.contains { $0.id == "ICM-RELEASE-2/replace-value/disconnect(closed).reason=suspended" })
        #expect(catalog.contains { $0.id == "ECS-IDLE-1/reverse-choice" })
    }

    func mutant(_ id: String) throws -> Mutant { try #require(catalog.first { $0.id == id }) }

    /// What one stimulus makes the mutant send, after a few others.
    func sent(by id: String, after setupStimuli: [String], then last: String) throws -> [String] {
        var system = MutatedSystem(try mutant(id), administration: sampleAdministration)
        for text in setupStimuli { _ = system.propagate(m(text)) }
        return system.propagate(m(last)).emissions.map(\.message.compact)
    }

    @Test("Each kind of mistake does what it says")
    func mistakes() throws {
        let login = "browser>icm login agent=1001 extension=4001"
        #expect(try !sent(by: "ECS-LOGIN-5/omit/logged-in", after: [], then: login).contains { $0.contains("logged-in") })
        #expect(try sent(by: "ECS-LOGIN-5/duplicate/logged-in", after: [], then: login).filter { $0.contains(" logged-in ") }.count == 2)
        #expect(try sent(by: "ECS-LOGIN-5/wrong-role/logged-in->icm", after: [], then: login).contains("ecs>icm logged-in agent=1001 extension=4001"))
        // Most idle reversed: 1002 became available last, and gets the session.
        let logins = [login, "browser>icm login agent=1002 extension=4002"]
        let request = "customer>icm session-request session=s1 media=realtime vdn=5000"
        #expect(try sent(by: "ECS-IDLE-1/reverse-choice", after: logins, then: request).contains("ecs>phone alert session=s1 extension=4002"))
        // Dispatch reversed: of two queued sessions, the later one is delivered.
        let queued = [request, "customer>icm session-request session=s2 media=realtime vdn=5000"]
        #expect(try sent(by: "ECS-DISPATCH-1/reverse-choice", after: queued, then: login).contains("ecs>phone alert session=s2 extension=4001"))
        #expect(try sent(by: "ECS-LOGIN-5/stop-dispatch", after: queued, then: login).allSatisfy { !$0.contains("alert") })
        // The ICM forgets the login it confirmed: a logout is then ignored.
        #expect(try sent(by: "ICM-LOGIN-2/skip-state-change", after: [login], then: "browser>icm logout agent=1001").isEmpty)
        // Ids as numbers: 0101 is read as 101, and said so.
        #expect(try sent(by: "ECS-LOGIN-1/ids-as-numbers/ecs", after: [], then: "browser>icm login agent=0101 extension=4001")
                    .contains { $0.contains("agent=101 ") })
        // A drop the ICM asked for is echoed back (the classic echo-drop).
        let connected = [login, request, "phone>ecs answer extension=4001"]
        #expect(try sent(by: "CVCT-8/react-to-ignored", after: connected, then: "browser>icm release agent=1001 session=s1 button=drop")
                    .contains("cvct>icm dropped session=s1"))
    }

    @Test("The search finds a shortest run that tells a mutant apart, and none for a mutant that only reorders channels")
    func search() throws {
        let logout = DistinguishingSearch.search(try mutant("ICM-LOGOUT-2/react-to-ignored"), bound: .init(depth: 3))
        #expect(logout.witness?.stimuli.map(\.type) == [.logout])
        let login = DistinguishingSearch.search(try mutant("ECS-LOGIN-5/omit/logged-in"), bound: .init(depth: 3))
        #expect(login.witness?.stimuli.count == 1)
        let swap = DistinguishingSearch.search(try mutant("ICM-LOGOUT-1/swap/logout-request,acw-close"), bound: .init(depth: 4))
        #expect(swap.witness == nil && swap.complete && swap.statesVisited > 100)
        // A witness really tells the two apart, and shortening keeps it so.
        let idle = try mutant("ECS-IDLE-1/reverse-choice")
        let found = try #require(DistinguishingSearch.search(idle, bound: .init(depth: 4)).witness)
        #expect(idle.distinguishes(found, profile: .core) != nil)
        #expect(idle.shorten(found, profile: .core).stimuli.count <= found.stimuli.count)
    }

    @Test("A clause or a situation is reached by the shortest run of the reference")
    func reach() {
        #expect(DistinguishingSearch.reach(.ecsLoginAccepted, bound: .init(depth: 2))?.stimuli.count == 1)
        #expect(DistinguishingSearch.reach(.ecsDispatch, bound: .init(depth: 3))?.stimuli.count == 2)
        #expect(DistinguishingSearch.reach(.extLogoutWhileAlerting, bound: .init(depth: 3)) == nil) // not in core
    }

    @Test("Behaviour prints: the same system prints the same; a mutant that changes what is sent prints differently")
    func prints() throws {
        let runs = FingerprintRuns(count: 6, length: 30, profile: .core)
        #expect(try mutant("ECS-LOGIN-5/omit/logged-in").fingerprint(runs) != runs.referencePrint)
        #expect(FingerprintRuns(count: 6, length: 30, profile: .core).referencePrint == runs.referencePrint)
        #expect(Self.printPlayingFromStart(runs.scenarios) { ReferenceSystem(administration: $0) } == runs.referencePrint)
    }

    @Test("Going on from the reference's state where it first applies the mutant's clause prints, distinguishes and searches as playing the mutant from the start", arguments: [Profile.core, .extended])
    func startingWhereTheClauseApplies(profile: Profile) throws {
        let runs = FingerprintRuns(count: 4, length: 24, profile: profile)
        let scenarios = runs.scenarios
        var startedLate = 0
        for (place, mutant) in Mutant.catalog(profile: profile).enumerated() {
            #expect(mutant.fingerprint(runs) == Self.printPlayingFromStart(scenarios) { MutatedSystem(mutant, administration: $0) }, "\(mutant.id)")
            for scenario in scenarios {
                #expect(mutant.distinguishes(scenario, profile: profile) == Self.distinguishesPlayingBoth(mutant, scenario, profile: profile),
                        "\(mutant.id)")
            }
            if mutant.actsOnlyUnderItsClause { startedLate += 1 }
            // The searches for every fourth mutant (each costs two).
            guard place % 4 == 0 else { continue }
            let late = DistinguishingSearch.search(mutant, profile: profile, bound: .init(depth: 2))
            let fromStart = DistinguishingSearch.search(mutant, profile: profile, bound: .init(depth: 2), setup: DistinguishingSearch.administration,
                                                        runningMutantFromStart: true)
            #expect(late.witness == fromStart.witness && late.statesVisited == fromStart.statesVisited && late.complete == fromStart.complete,
                    "\(mutant.id)")
        }
        #expect(startedLate > 200)
    }

    /// The definition of a print: every stimulus played on the system from
    /// its start.
    static func printPlayingFromStart<System: MessageDelivering>(_ scenarios: [Scenario], system makeSystem: (Administration) -> System) -> [Int] {
        scenarios.map { scenario in
            var system = makeSystem(scenario.administration)
            var hasher = Hasher()
            for stimulus in scenario.stimuli {
                for emission in system.propagate(stimulus).emissions { hasher.combine(emission.message) }
                hasher.combine(0)
            }
            return hasher.finalize()
        }
    }

    /// The definition of `distinguishes`: the reference and the mutant
    /// played side by side from the start.
    static func distinguishesPlayingBoth(_ mutant: Mutant, _ scenario: Scenario, profile: Profile) -> Int? {
        var reference = ModelRun(administration: scenario.administration, profile: profile)
        var mutated = MutatedSystem(mutant, administration: scenario.administration)
        var index = 0
        for stimulus in scenario.stimuli {
            guard let expected = reference.step(stimulus) else { continue }
            let actual = mutated.propagate(stimulus)
            if !DistinguishingSearch.sameOnEveryChannel(expected.emissions, actual.emissions) { return index }
            index += 1
        }
        return nil
    }

    @Test("The reference's machines are untouched by mutants: the default variation is the contract's")
    func defaultVariation() {
        let variation = ECSVariation()
        #expect(variation.causeOrder == ECSVariation.LoginCheck.allCases)
        #expect(!variation.leastIdle && !variation.latestQueued && variation.dispatchOnLogin && variation.dispatchAfterHangup && variation.dispatchAfterDrop)
    }
}
