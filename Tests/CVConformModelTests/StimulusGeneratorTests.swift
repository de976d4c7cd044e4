import CVConformTestSupport
import CVConformTrace
import Testing
@testable import CVConformModel

/// Drives the generator as `explore` does, without an implementation: the
/// model's run of `steps` stimuli from `seed`.
func generatedScenario(seed: UInt64, steps: Int, profile: Profile = .core) -> (Scenario, ExplorationCoverage) {
    Scenario.generated(seed: seed, length: steps, profile: profile)
}

@Suite("Stimulus generator: what explore sends")
struct StimulusGeneratorTests {
    @Test("Generated runs never enter an unspecified situation and never race: validate accepts them with no note",
          arguments: 0..<40)
    func neverUnspecifiedNorRacing(seed: UInt64) throws {
        let (scenario, _) = generatedScenario(seed: seed, steps: 150)
        #expect(!scenario.stimuli.isEmpty)
        let trace = scenario.trace(header: TraceHeader(id: "generated-\(seed)"), profile: .core)
        let result = Validator.validate(text: TraceWriter.xml(trace))
        #expect(result.outcome == .accepted, "\(result.rejection.map { "\($0)" } ?? "")")
        #expect(result.notes.isEmpty, "\(result.notes)")
        // No session id is requested twice (unspecified in core).
        let requested = scenario.stimuli.filter { $0.type == .sessionRequest }.map { $0["session"] }
        #expect(Set(requested).count == requested.count)
    }

    @Test("In profile extended the generator does enter the extended decisions")
    func extendedReachesExtendedClauses() {
        var reached = Set<Clause>()
        for seed in UInt64(0)..<30 { reached.formUnion(generatedScenario(seed: seed, steps: 300, profile: .extended).1.clauses) }
        let extended = ExplorationCoverage.reachable(in: .extended).filter { $0.profile == .extended }
        #expect(extended.allSatisfy(reached.contains), "missing: \(extended.filter { !reached.contains($0) })")
    }

    @Test("Every stimulus kind is offered, those the rules ignore too")
    func offersEveryKind() {
        var kinds = Set<StimulusKind>()
        var ignoring = Set<Clause>()
        for seed in UInt64(0)..<20 {
            let (scenario, coverage) = generatedScenario(seed: seed, steps: 400)
            kinds.formUnion(scenario.stimuli.compactMap(StimulusKind.init))
            ignoring.formUnion(coverage.clauses)
        }
        #expect(kinds == Set(StimulusKind.allCases))
        for clause in [Clause.ecsAnswerIgnored, .ecsHangupIgnored, .ecsLogoutFeatureIgnored, .icmReleaseIgnored, .icmLogoutIgnored] {
            #expect(ignoring.contains(clause), "\(clause.id)")
        }
    }

    @Test("The same seed makes the same run")
    func deterministic() {
        #expect(generatedScenario(seed: 42, steps: 300).0 == generatedScenario(seed: 42, steps: 300).0)
        #expect(generatedScenario(seed: 42, steps: 300).0 != generatedScenario(seed: 43, steps: 300).0)
    }

    @Test("Administrations have 1-5 agents with 1-3 skills, and ids that are prefixes, zero-padded or repeated digits")
    func administrations() {
        var shapes = Set<String>()
        for seed in UInt64(0)..<200 {
            var random = SeededRandom(seed: seed)
            let generated = AdministrationGenerator.make(random: &random)
            let setup = generated.administration
            #expect((1...5).contains(setup.agents.count))
            #expect(setup.agents.allSatisfy { (1...3).contains($0.skills.count) })
            #expect(setup.stations.count >= setup.agents.count)
            #expect(!setup.vdns.isEmpty)
            let ids = generated.allIDs
            #expect(ids.allSatisfy(Values.isDigits))
            // Decoys are not administered.
            #expect(generated.unknownAgents.allSatisfy { setup.agent($0) == nil })
            #expect(generated.unknownExtensions.allSatisfy { !setup.hasStation($0) })
            let agents = setup.agents.map(\.id) + generated.unknownAgents
            for a in agents {
                for b in agents where a != b {
                    if b.hasPrefix(a) { shapes.insert("prefix") }
                    if a.drop(while: { $0 == "0" }) == b.drop(while: { $0 == "0" }) { shapes.insert("zeros") }
                }
                if Set(a).count == 1 { shapes.insert("equal digits") }
            }
        }
        #expect(shapes == ["prefix", "zeros", "equal digits"])
    }

    @Test("Every situation met is one of Situation.all")
    func situationsAreEnumerated() {
        let all = Set(Situation.all)
        for seed in UInt64(0)..<20 {
            #expect(generatedScenario(seed: seed, steps: 400).1.situationsReached.allSatisfy(all.contains))
        }
    }

    @Test("Explore's generator rarely chooses a stimulus the profile leaves unspecified; generate's as often as any other")
    func avoidsUnspecified() {
        func unspecifiedChosen(avoiding: Bool) -> Int {
            var chosen = 0
            for seed in UInt64(0)..<20 {
                var random = SeededRandom(seed: seed)
                let generated = AdministrationGenerator.make(random: &random)
                var generator = StimulusGenerator(generated: generated, profile: .core, random: &random)
                generator.avoidsUnspecified = avoiding
                var run = ModelRun(administration: generated.administration, profile: .core)
                for _ in 0..<300 {
                    guard let (stimulus, situation) = generator.next(for: run, coverage: ExplorationCoverage(), random: &random) else { break }
                    if situation.isUnspecified(in: .core) { chosen += 1 }
                    _ = run.step(stimulus)
                }
            }
            return chosen
        }
        let avoiding = unspecifiedChosen(avoiding: true), drawing = unspecifiedChosen(avoiding: false)
        #expect(drawing > 200)
        #expect(avoiding * 5 < drawing, "\(avoiding) against \(drawing)")
    }

    @Test("With a cap on held sessions (load, LOAD-20), sessions stop piling up; without it they do")
    func heldSessionsCapped() {
        func mostHeld(cap: Int?) -> (most: Int, racingRequests: Int) {
            var most = 0, racingRequests = 0
            for seed in UInt64(0)..<6 {
                var random = SeededRandom(seed: seed)
                let generated = AdministrationGenerator.make(random: &random)
                var generator = StimulusGenerator(generated: generated, profile: .core, random: &random, swarm: false)
                generator.maxHeldSessions = cap
                var run = ModelRun(administration: generated.administration, profile: .core)
                for _ in 0..<3000 {
                    if let cap, run.system.icm.sessionCount >= cap,
                       let group = generator.racingGroup(run: run, uncovered: [], random: &random) {
                        racingRequests += group.filter { $0.type == .sessionRequest }.count
                    }
                    guard let (stimulus, _) = generator.next(for: run, coverage: ExplorationCoverage(), random: &random) else { break }
                    _ = run.step(stimulus)
                    most = max(most, run.system.icm.sessionCount)
                }
            }
            return (most, racingRequests)
        }
        let capped = mostHeld(cap: 6), uncapped = mostHeld(cap: nil)
        #expect(capped.most <= 6, "\(capped.most)") // the request that reached the cap, then none
        #expect(capped.racingRequests == 0)
        #expect(uncapped.most > 20, "\(uncapped.most)")
    }

    @Test("A run with a session memory (load, LOAD-20) forgets old ids and keeps the recent ones")
    func sessionMemory() {
        var run = ModelRun(administration: sampleAdministration, profile: .core)
        run.sessionMemory = 10
        for index in 1...100 {
            _ = run.step(m("customer>icm session-request session=s\(index) media=realtime vdn=5000"))
        }
        #expect(!run.hasRequested("s1") && !run.hasRequested("s50"))
        #expect((91...100).allSatisfy { run.hasRequested("s\($0)") })
        #expect(run.requestedSessions.count <= 20 && run.requestedSessions.last == "s100")
    }

    @Test("A stimulus kind's ordinal is its place among all kinds, and orders them")
    func kindOrdinals() {
        for (index, kind) in StimulusKind.allCases.enumerated() { #expect(kind.ordinal == index) }
        #expect(StimulusKind.allCases.sorted() == StimulusKind.allCases)
    }

    @Test("The learnt fast path applies exactly what the careful path applies; it refuses untried only what always leads outside core")
    func fastPathAgreesWithTrialPath() {
        var risks = SituationRisks()
        var unspecified = 0
        for seed in UInt64(0)..<30 {
            var random = SeededRandom(seed: seed)
            let generated = AdministrationGenerator.make(random: &random)
            var generator = StimulusGenerator(generated: generated, profile: .core, random: &random)
            var careful = ModelRun(administration: generated.administration, profile: .core)
            var fast = careful
            for _ in 0..<400 {
                guard let (stimulus, situation) = generator.next(for: careful, coverage: ExplorationCoverage(), random: &random) else { break }
                // The situation found while choosing is the one the stimulus meets.
                #expect(situation == Situation.of(stimulus, in: careful.system), "\(stimulus)")
                let expected = careful.step(stimulus)
                if situation.isUnspecified(in: .core) {
                    unspecified += 1
                    #expect(expected == nil, "\(situation): \(stimulus)")
                }
                let got = fast.step(stimulus, situation: situation, risks: &risks)
                #expect(got == expected, "\(stimulus)")
                #expect(fast.system.state(of: .ecs) == careful.system.state(of: .ecs))
                #expect(fast.system.state(of: .icm) == careful.system.state(of: .icm))
            }
        }
        #expect(unspecified > 100)
    }

    @Test("A stimulus taken as safe that leads outside the profile after all leaves the run as it was, both ways back")
    func fastPathFallsBack() {
        let setup = Administration(agents: [.init(id: "1001", skills: ["10"])], stations: ["4001"], vdns: [.init(number: "5000", skill: "10")])
        var careful = ModelRun(administration: setup, profile: .core)
        for stimulus in [m("browser>icm login agent=1001 extension=4001"), m("customer>icm session-request session=s1 media=realtime vdn=5000")] {
            #expect(careful.step(stimulus) != nil)
        }
        // Logout while the phone rings: EXT-2, unspecified in core. Its own
        // situation is refused untried, so it is stepped under the label of
        // one that never leads outside (an unknown agent's logout), as a
        // situation that did lead outside only now and then would be.
        let logout = m("browser>icm logout agent=1001")
        #expect(Situation.of(logout, in: careful.system)?.isUnspecified(in: .core) == true)
        let found = Situation.of(m("browser>icm logout agent=9999"), in: careful.system)
        #expect(found != nil && found?.isUnspecified(in: .core) == false)
        guard let situation = found else { return }
        var risks = SituationRisks()
        for _ in 0..<32 { risks.record(situation, entersExtended: false) }
        #expect(risks.isSafe(situation))

        var restored = careful
        let (stepped, broken) = restored.stepLeavingBroken(logout, situation: situation, risks: &risks)
        #expect(stepped == nil && broken)
        if broken { restored = careful }
        #expect(!risks.isSafe(situation))
        #expect(restored.system.state(of: .icm) == careful.system.state(of: .icm))
        #expect(restored.system.state(of: .ecs) == careful.system.state(of: .ecs))

        // The same through the run's own record of what it applied.
        var fast = ModelRun(administration: setup, profile: .core)
        var learnt = SituationRisks()
        for stimulus in [m("browser>icm login agent=1001 extension=4001"), m("customer>icm session-request session=s1 media=realtime vdn=5000")] {
            #expect(fast.step(stimulus, situation: Situation.of(stimulus, in: fast.system), risks: &learnt) != nil)
        }
        for _ in 0..<32 { learnt.record(situation, entersExtended: false) }
        #expect(fast.step(logout, situation: situation, risks: &learnt) == nil)
        #expect(fast.system.state(of: .icm) == careful.system.state(of: .icm))
        #expect(fast.system.state(of: .ecs) == careful.system.state(of: .ecs))
        #expect(fast.hasRequested("s1"))
        // And it goes on from there as the careful run does.
        let hangup = m("phone>ecs answer extension=4001")
        #expect(fast.step(hangup, situation: Situation.of(hangup, in: fast.system), risks: &learnt) == careful.step(hangup))
    }

    @Test("Coverage's core denominator leaves out exactly the logouts of a busy agent, which core never allows")
    func coreSituationsExcludeBusyLogouts() {
        let setup = Administration(agents: [.init(id: "1001", skills: ["10"])], stations: ["4001"], vdns: [.init(number: "5000", skill: "10")])
        var run = ModelRun(administration: setup, profile: .core)
        let logout = m("browser>icm logout agent=1001"), feature = m("phone>ecs logout-feature extension=4001")
        var busy: [Situation] = []
        for stimulus in [m("browser>icm login agent=1001 extension=4001"), m("customer>icm session-request session=s1 media=realtime vdn=5000"),
                         m("phone>ecs answer extension=4001")] {
            #expect(run.step(stimulus) != nil)
            guard run.system.icm.session(of: "1001") != nil || stimulus.type == .sessionRequest else { continue }
            // Alerting, then connected: each logout is unspecified in core.
            for unspecified in [logout, feature] {
                var tried = run
                #expect(tried.step(unspecified) == nil, "\(unspecified)")
                if let situation = Situation.of(unspecified, in: run.system) { busy.append(situation) }
            }
        }
        #expect(busy.count == 4)
        #expect(Set(busy).isSubset(of: Set(Situation.all)))
        #expect(Set(busy).isDisjoint(with: Set(Situation.all(in: .core))))
        // And the two launches to a VDN not administered (EXT-1), one per media.
        #expect(Situation.all.count - Situation.all(in: .core).count == busy.count + 2)
    }

    @Test("A scenario leaves out what its profile does not allow where it stands, and keeps the rest")
    func scenarioFiltersUnspecified() {
        let setup = Administration(agents: [.init(id: "1001", skills: ["10"])], stations: ["4001"], vdns: [.init(number: "5000", skill: "10")])
        let scenario = Scenario(administration: setup, stimuli: [
            m("browser>icm login agent=1001 extension=4001"),
            m("customer>icm session-request session=s1 media=realtime vdn=5000"),
            // Logout while the phone rings: EXT-2, unspecified in core.
            m("browser>icm logout agent=1001"),
            m("phone>ecs answer extension=4001"),
            // A session id used twice: unspecified in core.
            m("customer>icm session-request session=s1 media=realtime vdn=5000"),
            m("phone>ecs hangup extension=4001"),
        ])
        let core = scenario.play(profile: .core)
        #expect(core.kept.map(\.type) == [.login, .sessionRequest, .answer, .hangup])
        #expect(!core.clauses.contains { $0.profile == .extended })
        let extended = scenario.play(profile: .extended)
        #expect(extended.kept.count == 6)
        #expect(extended.clauses.contains(.extLogoutWhileAlerting))
    }
}

@Suite("Monitor without keeping reactions")
struct MonitorWithoutReactionsTests {
    @Test("Moving emissions into what is owed judges exactly as copying them does, rejections and what is owed included",
          arguments: 0..<12)
    func sameJudgements(seed: UInt64) {
        let (scenario, _) = generatedScenario(seed: seed, steps: 200)
        let trace = scenario.trace(header: TraceHeader(id: "generated-\(seed)"), profile: .core)
        // The run as it was, then with its second half reversed, so that
        // system messages come out of order and are rejected.
        var messages = trace.messages
        let half = messages.count / 2
        messages += messages[half...].reversed()
        var keeping = Monitor(administration: trace.header.setup)
        var moving = Monitor(administration: trace.header.setup)
        var rejected = 0
        for message in messages {
            let kept = keeping.observe(message)
            let moved = moving.observe(message, keepingReaction: false)
            switch (kept, moved) {
            case (.allowed, .allowed(let reaction)):
                #expect(reaction == nil)
            case (.rejected(let one), .rejected(let other)):
                #expect(one == other)
                rejected += 1
            default:
                Issue.record("\(message): \(kept) against \(moved)")
            }
            #expect(keeping.owedEmissions == moving.owedEmissions)
            #expect(keeping.clausesApplied == moving.clausesApplied)
        }
        #expect(rejected > 0)
    }
}
