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
    /// Runs under way at once, each against an implementation of its own
    /// (EXP-17). The runs made do not depend on it.
    package var jobs = 1

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
    /// Runs under way at once (EXP-17): as many as asked that started, at
    /// most `Explorer.coverageLag`.
    package var jobs = 1
    /// What a person should know of how it went: jobs that did not start.
    package var notes: [String] = []

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
///
/// With `jobs` above 1, several runs are under way at once, each against an
/// implementation of its own, and they count in the order of their index
/// (EXP-17): what an exploration sends and finds does not depend on `jobs`.
/// `progress` is then called from whichever job's thread is due to report.
package enum Explorer {
    /// How many runs back the coverage that steers a run stands: run k is
    /// steered by what runs 1 to k - lag reached, and its own steps. Fixed,
    /// so that the runs made do not depend on how many are under way; as
    /// many jobs as this can be kept busy.
    package static let coverageLag = 8

    /// Makes one run on a job's implementation.
    static func make(_ run: ExplorationRun, on worker: inout ExplorationWorker, options: ExploreOptions, stop: ExplorationStop,
                     progress: ExplorationProgress) async -> ExplorationRunOutcome {
        var outcome = ExplorationRunOutcome(index: run.index, budgeted: run.stepBudget != nil)
        var coverage = RunCoverage(startingFrom: run.coverage)
        outcome.finding = options.races
            ? await racingSteps(run, on: worker, options: options, stop: stop, progress: progress, coverage: &coverage, outcome: &outcome)
            : await serialSteps(run, on: &worker, options: options, stop: stop, progress: progress, coverage: &coverage, outcome: &outcome)
        outcome.coverage = coverage.own
        return outcome
    }

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
        var workers = ExplorationWorkers(first: ExplorationWorker(implementation: implementation, greeting: greeting),
                                         makeImplementation: makeImplementation)
        result.jobs = 1 + (await workers.startMore(min(max(options.jobs, 1), coverageLag) - 1))
        let stop = ExplorationStop(started: started, timeLimit: options.timeLimit)
        let live = ExplorationProgress(started: started, report: progress)
        var schedule = RunSchedule(seed: options.seed, stepLimit: options.stepLimit, lag: coverageLag)
        var found: RunFinding?

        await withTaskGroup(of: (ExplorationWorker, ExplorationRunOutcome).self) { group in
            // What every job learnt of which situations are safe to step
            // without a copy (EXP-6), so that none learns it all again.
            var risks = SituationRisks()
            while true {
                while workers.hasIdle, !stop.timeIsUp, let run = schedule.nextRun() {
                    guard var worker = await workers.take() else {
                        schedule.handBack(run)
                        continue
                    }
                    worker.risks = risks
                    let work: @Sendable () async -> (ExplorationWorker, ExplorationRunOutcome) = { [worker] in
                        var worker = worker
                        let outcome = await make(run, on: &worker, options: options, stop: stop, progress: live)
                        if case .failed = outcome.finding?.stop { worker.isBroken = true }
                        return (worker, outcome)
                    }
                    // On the thread that does the implementation's I/O, when
                    // it has one. (A preference of nil still costs a lock at
                    // every await: a few percent of exploring in process.)
                    if let executor = worker.implementation.taskExecutor {
                        group.addTask(executorPreference: executor, operation: work)
                    } else {
                        group.addTask(operation: work)
                    }
                }
                guard let (worker, outcome) = await group.next() else { break }
                risks.learn(from: worker.risks)
                workers.giveBack(worker)
                for counted in schedule.finished(outcome) {
                    result.runs += 1
                    result.stimuli += counted.stimuli
                    result.races += counted.races
                    result.coverage.merge(counted.coverage)
                    schedule.coverageReached(result.coverage, afterRun: counted.index)
                    if let finding = counted.finding, found == nil { found = finding }
                }
                if let last = schedule.lastUsefulRun { stop.abandonRuns(after: last) }
                live.counted(runs: result.runs, clauses: result.coverage.clauses.count,
                             situations: result.coverage.situationsReached.count)
            }
        }
        live.reportNow(stimuli: result.stimuli)
        result.notes = workers.notes
        // One whose run ended in a harness failure may be broken; shrinking
        // starts afresh.
        await workers.stopAll()
        guard let finding = found else {
            result.elapsed = ContinuousClock.now - started
            return result
        }
        var online = ReplayResult(id: "explore", file: "", verdict: .pass, detail: "")
        if finding.scenario.isRacy || options.races {
            RacyReplayEngine(administration: finding.scenario.administration, greeting: finding.greeting, options: options.replay)
                .record(finding.stop, into: &online)
        } else {
            var engine = ReplayEngine(greeting: finding.greeting, options: options.replay)
            engine.append(finding.scenario.play(profile: options.profile).entries)
            engine.record(finding.stop, into: &online, setup: finding.scenario.administration)
        }
        progress(.found(afterStimuli: result.stimuli, detail: online.detail))
        result.finding = await Shrinker.shrinkAndConfirm(
            finding.scenario, messages: finding.entries, signature: FailureSignature(online),
            options: options, makeImplementation: makeImplementation, progress: progress)
        result.elapsed = ContinuousClock.now - started
        return result
    }
}
