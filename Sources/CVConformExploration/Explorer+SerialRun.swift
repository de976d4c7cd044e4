import CVConformHarness
import CVConformModel
import CVConformTrace

extension Explorer {
    /// One run without races (EXP-1 to EXP-7): a reset with a random
    /// administration, then stimuli chosen by the model, each sent once
    /// everything before it has been observed, then quiescence.
    static func serialSteps(
        _ run: ExplorationRun, on worker: inout ExplorationWorker, options: ExploreOptions, stop: ExplorationStop,
        progress: ExplorationProgress, coverage: inout RunCoverage, outcome: inout ExplorationRunOutcome
    ) async -> RunFinding? {
        let implementation = worker.implementation
        var runRandom = run.random
        let generated = AdministrationGenerator.make(random: &runRandom, extended: options.profile == .extended)
        var generator = StimulusGenerator(generated: generated, profile: options.profile, random: &runRandom)
        generator.avoidsUnspecified = true
        var model = ModelRun(administration: generated.administration, profile: options.profile)
        var engine = ReplayEngine(greeting: worker.greeting, options: options.replay)
        var stimuli: [Message] = []
        let length = 10 << runRandom.below(7)
        do {
            try await implementation.reset(trace: "explore-\(options.seed)-run-\(run.index)", setup: generated.administration)
        } catch {
            return RunFinding(resetFailed: error, administration: generated.administration, greeting: worker.greeting)
        }
        defer { progress.sent(outcome.stimuli % 64) }
        let budget = run.stepBudget ?? .max
        var attempts = 0
        do {
            while stimuli.count < length && attempts < length * 4 && stimuli.count < budget && !stop.timeIsUp {
                if stop.isAbandoned(run.index) {
                    // Nothing of it counts, but what it caused is let out
                    // before the next run's reset.
                    outcome.abandoned = true
                    try? await engine.finish(implementation)
                    return nil
                }
                attempts += 1
                guard let (stimulus, situation) = generator.next(for: model, coverage: coverage.seen, random: &runRandom) else { break }
                guard let propagation = model.step(stimulus, situation: situation, risks: &worker.risks) else { continue }
                coverage.record(situation, propagation)
                stimuli.append(stimulus)
                outcome.stimuli += 1
                if outcome.stimuli % 64 == 0 { progress.sent(64) }
                engine.append(TraceEntry(message: stimulus))
                for emission in propagation.emissions { engine.append(TraceEntry(message: emission.message)) }
                try await engine.drive(implementation)
            }
            // Quiescence where it matters: at the end of each run.
            try await engine.finish(implementation)
            return nil
        } catch {
            return RunFinding(scenario: Scenario(administration: generated.administration, stimuli: stimuli),
                              stop: error, entries: engine.entries.count, greeting: worker.greeting)
        }
    }
}
