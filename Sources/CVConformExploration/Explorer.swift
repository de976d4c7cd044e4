import CVConformHarness
import CVConformModel
import CVConformTrace
import CVConformWire

/// How an exploration runs.
package struct ExploreOptions: Sendable {
    package var seed: UInt64
    /// Stop after this long (nil: no time limit).
    package var timeLimit: Duration?
    /// Stop after this many stimuli (nil: no limit).
    package var stepLimit: Int?
    package var profile: Profile
    package var replay: ReplayOptions
    /// How often the final trace is replayed to confirm it fails.
    package var confirmations: Int
    /// How long shrinking may take before it settles for what it has.
    package var shrinkTimeLimit: Duration
    /// Also send racing stimuli (contract section 8, `explore --races`).
    package var races = false

    package init(seed: UInt64, timeLimit: Duration? = .seconds(30), stepLimit: Int? = nil, profile: Profile = .core,
                replay: ReplayOptions = ReplayOptions(), confirmations: Int = 5, shrinkTimeLimit: Duration = .seconds(300)) {
        self.seed = seed
        self.timeLimit = timeLimit
        self.stepLimit = stepLimit
        self.profile = profile
        self.replay = replay
        self.confirmations = confirmations
        self.shrinkTimeLimit = shrinkTimeLimit
    }
}

/// What an exploration did and found.
package struct ExplorationResult: Sendable {
    package var implementation: String
    package var seed: UInt64
    package var profile: Profile
    /// Stimuli sent while exploring (not counting shrinking).
    package var stimuli = 0
    /// Runs (each from a reset, with an administration of its own).
    package var runs = 0
    /// Racing stimuli sent (each sent right after another, without waiting).
    package var races = 0
    package var elapsed: Duration = .zero
    package var coverage = ExplorationCoverage()
    package var finding: Finding?
    /// The implementation could not be started at all.
    package var startFailure: HarnessFailure?

    package init(implementation: String, seed: UInt64, profile: Profile) {
        self.implementation = implementation
        self.seed = seed
        self.profile = profile
    }
}

/// A divergence exploration found, shrunk and confirmed.
package struct Finding: Sendable {
    /// The run as found (up to the stimulus after which it diverged).
    package var original: Scenario
    package var originalMessages: Int
    /// The run after shrinking (the original when shrinking found nothing
    /// smaller, or the failure did not reproduce).
    package var shrunk: Scenario
    /// The shrunk run as a pass trace: what the model does.
    package var trace: Trace
    /// The shrunk trace's replay against the implementation, explained.
    package var result: ReplayResult
    package var signature: FailureSignature
    /// Confirmation: of `confirmationRuns` replays of the final trace, how
    /// many failed the same way.
    package var confirmedFailures: Int
    package var confirmationRuns: Int
    /// The found run failed again when replayed from a reset.
    package var reproduced: Bool
    package var shrinking: ShrinkReport?

    /// Not every replay failed: the implementation does not always fail the
    /// same way on the same input.
    package var isFlaky: Bool { !reproduced || confirmedFailures < confirmationRuns }
}

/// What the explorer tells a person while it works.
package enum ExploreProgress: Sendable {
    case exploring(stimuli: Int, runs: Int, clauses: Int, situations: Int, elapsed: Duration)
    case found(afterStimuli: Int, detail: String)
    case shrinking(stimuli: Int, messages: Int, candidates: Int, elapsed: Duration)
    case confirming(run: Int, of: Int)
}

extension Explorer {
    /// Shrinks a run that fails against an implementation and confirms the
    /// result, as `explore` does with what it finds.
    package static func shrink(
        _ scenario: Scenario, options: ExploreOptions, makeImplementation: @escaping SuiteRunner.Factory,
        progress: @escaping @Sendable (ExploreProgress) -> Void = { _ in }
    ) async -> Finding {
        let messages = scenario.play(profile: options.profile).entries.count
        return await Shrinker.shrinkAndConfirm(scenario, messages: messages, signature: nil, options: options,
                                               makeImplementation: makeImplementation, progress: progress)
    }
}

/// Walks the reference model against an implementation (contract section 7,
/// `explore`): it chooses each stimulus from those the model allows in its
/// state, sends it once everything the previous ones caused has been
/// observed, and judges every output as `run` does. Runs start from a
/// `reset` with a random administration and go on for 10 to 640 stimuli.
/// At the first divergence it shrinks the run while the divergence persists
/// and confirms the result by replaying it several times.
package enum Explorer {
    package static func explore(
        options: ExploreOptions, label: String, makeImplementation: @escaping SuiteRunner.Factory,
        progress: @escaping @Sendable (ExploreProgress) -> Void = { _ in }
    ) async -> ExplorationResult {
        let implementation = makeImplementation()
        // On the thread that does the implementation's I/O, when it has one.
        return await withTaskExecutorPreference(implementation.taskExecutor) {
            await explore(implementation, options: options, label: label, makeImplementation: makeImplementation, progress: progress)
        }
    }

    private static func explore(
        _ implementation: ImplementationUnderTest, options: ExploreOptions, label: String,
        makeImplementation: @escaping SuiteRunner.Factory, progress: @escaping @Sendable (ExploreProgress) -> Void
    ) async -> ExplorationResult {
        let started = ContinuousClock.now
        var result = ExplorationResult(implementation: label, seed: options.seed, profile: options.profile)
        let greeting: Greeting
        do {
            greeting = try await implementation.start()
        } catch {
            result.startFailure = error
            await implementation.abort()
            return result
        }
        result.implementation = greeting.implementation
        var random = SeededRandom(seed: options.seed)
        var risks = SituationRisks()
        var lastReport = started
        var found: (scenario: Scenario, stop: ReplayStop, entries: Int)?

        func outOfBudget() -> Bool {
            if let limit = options.stepLimit, result.stimuli >= limit { return true }
            if let limit = options.timeLimit, ContinuousClock.now - started >= limit { return true }
            return false
        }

        exploring: while !outOfBudget() {
            result.runs += 1
            var runRandom = random.split()
            if options.races {
                switch await racingRun(implementation, greeting: greeting, options: options, result: &result,
                                       random: &runRandom, started: started, progress: progress) {
                case .finished: continue exploring
                case .found(let scenario, let stop, let entries):
                    found = (scenario, stop, entries)
                    break exploring
                }
            }
            let generated = AdministrationGenerator.make(random: &runRandom, extended: options.profile == .extended)
            var generator = StimulusGenerator(generated: generated, profile: options.profile, random: &runRandom)
            var model = ModelRun(administration: generated.administration, profile: options.profile)
            var engine = ReplayEngine(greeting: greeting, options: options.replay)
            var stimuli: [Message] = []
            let length = 10 << runRandom.below(7)
            do {
                try await implementation.reset(trace: "explore-\(options.seed)-run-\(result.runs)", setup: generated.administration)
            } catch {
                found = (Scenario(administration: generated.administration, stimuli: []), .failed(error, atReset: true), 0)
                break exploring
            }
            var attempts = 0
            while stimuli.count < length && attempts < length * 4 && !outOfBudget() {
                attempts += 1
                guard let stimulus = generator.next(for: model, coverage: result.coverage, random: &runRandom) else { break }
                let situation = model.situation(of: stimulus)
                guard let propagation = model.step(stimulus, situation: situation, risks: &risks) else { continue }
                result.coverage.record(situation, propagation)
                stimuli.append(stimulus)
                result.stimuli += 1
                engine.append(TraceEntry(message: stimulus))
                for emission in propagation.emissions { engine.append(TraceEntry(message: emission.message)) }
                do {
                    try await engine.drive(implementation)
                } catch {
                    found = (Scenario(administration: generated.administration, stimuli: stimuli), error, engine.entries.count)
                    break exploring
                }
                if result.stimuli & 255 == 0 {
                    let now = ContinuousClock.now
                    if now - lastReport >= .milliseconds(200) {
                        lastReport = now
                        progress(.exploring(stimuli: result.stimuli, runs: result.runs, clauses: result.coverage.clauses.count,
                                            situations: result.coverage.situationsReached.count, elapsed: now - started))
                    }
                }
            }
            // Quiescence where it matters: at the end of each run.
            do {
                try await engine.finish(implementation)
            } catch {
                found = (Scenario(administration: generated.administration, stimuli: stimuli), error, engine.entries.count)
                break exploring
            }
        }
        progress(.exploring(stimuli: result.stimuli, runs: result.runs, clauses: result.coverage.clauses.count,
                            situations: result.coverage.situationsReached.count, elapsed: ContinuousClock.now - started))
        guard let found else {
            await implementation.stop()
            result.elapsed = ContinuousClock.now - started
            return result
        }
        // The implementation may be broken now; shrinking starts afresh.
        if case .failed = found.stop { await implementation.abort() } else { await implementation.stop() }
        var online = ReplayResult(id: "explore", file: "", verdict: .pass, detail: "")
        if found.scenario.isRacy || options.races {
            RacyReplayEngine(administration: found.scenario.administration, greeting: greeting, options: options.replay)
                .record(found.stop, into: &online)
        } else {
            var engine = ReplayEngine(greeting: greeting, options: options.replay)
            engine.append(found.scenario.play(profile: options.profile).entries)
            engine.record(found.stop, into: &online, setup: found.scenario.administration)
        }
        progress(.found(afterStimuli: result.stimuli, detail: online.detail))
        result.finding = await Shrinker.shrinkAndConfirm(
            found.scenario, messages: found.entries, signature: FailureSignature(online),
            options: options, makeImplementation: makeImplementation, progress: progress)
        result.elapsed = ContinuousClock.now - started
        return result
    }
}
