import CVConformHarness
import CVConformModel
import CVConformTrace
import CVConformWire

extension Explorer {
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
    static func racingSteps(
        _ run: ExplorationRun, on worker: ExplorationWorker, options: ExploreOptions, stop: ExplorationStop,
        progress: ExplorationProgress, coverage: inout RunCoverage, outcome: inout ExplorationRunOutcome
    ) async -> RunFinding? {
        let implementation = worker.implementation
        var runRandom = run.random
        let generated = AdministrationGenerator.make(random: &runRandom, extended: options.profile == .extended)
        let administration = generated.administration
        var generator = StimulusGenerator(generated: generated, profile: options.profile, random: &runRandom)
        generator.avoidsUnspecified = true
        var model = ModelRun(administration: administration, profile: options.profile)
        var engine = RacyReplayEngine(administration: administration, greeting: worker.greeting, options: options.replay)
        var scenario = Scenario(administration: administration, stimuli: [])
        let raceOnly = Set(Clause.allCases.filter { $0.isRaceOnly && ($0.profile == .core || options.profile == .extended) })
        let length = 10 << runRandom.below(6)
        do {
            try await implementation.reset(trace: "explore-\(options.seed)-run-\(run.index)", setup: administration)
        } catch {
            return RunFinding(resetFailed: error, administration: administration, greeting: worker.greeting)
        }
        let budget = run.stepBudget ?? .max
        var attempts = 0
        while scenario.stimuli.count < length && attempts < length * 4 && scenario.stimuli.count < budget && !stop.timeIsUp {
            if stop.isAbandoned(run.index) {
                outcome.abandoned = true
                try? await engine.quiesce(implementation)
                return nil
            }
            attempts += 1
            var group: [Message]
            if runRandom.chance(0.4), let racing = generator.racingGroup(
                run: model, uncovered: raceOnly.subtracting(coverage.seen.clauses), random: &runRandom) {
                group = racing
            } else {
                guard let (first, _) = generator.next(for: model, coverage: coverage.seen, random: &runRandom) else { break }
                group = [first]
            }
            // One interleaving to go on from, and the profile's word on
            // every interleaving from every state the judge holds.
            guard let (judged, situation) = model.takeRacing(&group, judgedBy: engine.judge) else { continue }
            let start = scenario.stimuli.count
            scenario.stimuli += group
            for index in group.indices.dropFirst() { scenario.setRacing(true, at: start + index) }
            outcome.stimuli += group.count
            outcome.races += group.count - 1
            progress.sent(group.count)
            do {
                try await engine.send(group, judged: judged, to: implementation)
                try await engine.quiesce(implementation)
            } catch {
                return RunFinding(scenario: scenario, stop: error, entries: scenario.play(profile: options.profile).entries.count, greeting: worker.greeting)
            }
            coverage.record(situation, Propagation())
            coverage.record(clauses: engine.judge.clausesApplied)
            if let system = engine.judge.someSystem { model.continue(from: system) }
        }
        return nil
    }
}
