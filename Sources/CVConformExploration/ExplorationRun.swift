import CVConformHarness
import CVConformWire
import CVConformModel
import CVConformTrace

/// One run of an exploration as a job: which run it is, what it starts
/// from, and where it must stop. Everything a run chooses follows from its
/// index, its random numbers and the coverage it starts from, so it makes
/// the same stimuli whichever implementation or thread it runs on (EXP-17).
struct ExplorationRun: Sendable {
    /// 1 for the first run.
    var index: Int
    var random: SeededRandom
    /// What the exploration had reached when this run was due (EXP-17).
    var coverage: ExplorationCoverage
    /// The stimuli it may still send under `--steps`; nil when it may go
    /// its whole length (the runs before it are still under way).
    var stepBudget: Int?
}

/// What one run did.
struct ExplorationRunOutcome: Sendable {
    var index: Int
    /// Whether it was given the exact number of stimuli left (see
    /// `ExplorationRun.stepBudget`).
    var budgeted: Bool
    var stimuli = 0
    var races = 0
    /// Only what this run reached.
    var coverage = ExplorationCoverage()
    var finding: RunFinding?
    /// It stopped early because a run before it already ended the
    /// exploration: nothing of it counts.
    var abandoned = false
}

/// A divergence a run met: the run up to it, how the replay stopped, and
/// how many messages its trace had by then.
struct RunFinding: Sendable {
    var scenario: Scenario
    var stop: ReplayStop
    var entries: Int
    /// What the implementation that met it said it plays.
    var greeting: Greeting
}

extension RunFinding {
    /// The implementation did not take the run's reset.
    init(resetFailed error: HarnessFailure, administration: Administration, greeting: Greeting) {
        self.init(scenario: Scenario(administration: administration, stimuli: []), stop: .failed(error, atReset: true),
                  entries: 0, greeting: greeting)
    }
}
