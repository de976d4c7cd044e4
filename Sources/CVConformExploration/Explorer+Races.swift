import CVConformHarness
import CVConformModel
import CVConformTrace
import CVConformWire

extension Explorer {
    enum RacingRunEnd {
        case finished
        case found(Scenario, ReplayStop, entries: Int)
    }

    /// One run of `explore --races` (contract section 8): stimuli chosen as
    /// in a serial run, and now and then one or two more for the same
    /// agent's situation sent right after, in one write. Every output is
    /// judged by the race judge; before the next stimulus the run waits
    /// until every interleaving consistent with the outputs is done, then
    /// goes on from one of them.
    ///
    /// In profile `core` a group is sent only when no interleaving of it,
    /// from any state the judge still holds, enters an unspecified
    /// situation; a serial stimulus likewise.
    static func racingRun(
        _ implementation: ImplementationUnderTest, greeting: Greeting, options: ExploreOptions, result: inout ExplorationResult,
        random runRandom: inout SeededRandom, started: ContinuousClock.Instant, progress: @escaping @Sendable (ExploreProgress) -> Void
    ) async -> RacingRunEnd {
        let generated = AdministrationGenerator.make(random: &runRandom, extended: options.profile == .extended)
        let administration = generated.administration
        var generator = StimulusGenerator(generated: generated, profile: options.profile, random: &runRandom)
        var model = ModelRun(administration: administration, profile: options.profile)
        var engine = RacyReplayEngine(administration: administration, greeting: greeting, options: options.replay)
        var scenario = Scenario(administration: administration, stimuli: [])
        let raceOnly = Set(Clause.allCases.filter { $0.isRaceOnly && ($0.profile == .core || options.profile == .extended) })
        let length = 10 << runRandom.below(6)
        do {
            try await implementation.reset(trace: "explore-\(options.seed)-run-\(result.runs)", setup: administration)
        } catch {
            return .found(scenario, .failed(error, atReset: true), entries: 0)
        }
        func outOfBudget() -> Bool {
            if let limit = options.stepLimit, result.stimuli >= limit { return true }
            if let limit = options.timeLimit, ContinuousClock.now - started >= limit { return true }
            return false
        }
        var attempts = 0
        while scenario.stimuli.count < length && attempts < length * 4 && !outOfBudget() {
            attempts += 1
            var group: [Message]
            if runRandom.chance(0.4), let racing = generator.racingGroup(
                run: model, uncovered: raceOnly.subtracting(result.coverage.clauses), random: &runRandom) {
                group = racing
            } else {
                guard let first = generator.next(for: model, coverage: result.coverage, random: &runRandom) else { break }
                group = [first]
            }
            // One interleaving to go on from, and the profile's word on
            // every interleaving from every state the judge holds.
            guard let (_, situation) = model.takeRacing(&group, judgedBy: engine.judge) else { continue }
            let start = scenario.stimuli.count
            scenario.stimuli += group
            for index in group.indices.dropFirst() { scenario.setRacing(true, at: start + index) }
            result.stimuli += group.count
            result.races += group.count - 1
            do {
                try await engine.send(group, to: implementation)
                try await engine.quiesce(implementation)
            } catch {
                return .found(scenario, error, entries: scenario.play(profile: options.profile).entries.count)
            }
            result.coverage.record(situation, Propagation())
            result.coverage.record(clauses: engine.judge.clausesApplied)
            if let system = engine.judge.someSystem { model.continue(from: system) }
            if result.stimuli & 63 == 0 {
                progress(.exploring(stimuli: result.stimuli, runs: result.runs, clauses: result.coverage.clauses.count,
                                    situations: result.coverage.situationsReached.count, elapsed: ContinuousClock.now - started))
            }
        }
        return .finished
    }
}

