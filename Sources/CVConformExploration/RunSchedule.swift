import CVConformModel

/// Which run of an exploration starts next, and which finished runs count
/// (EXP-17). Runs start in index order and count in index order, whatever
/// order they finish in, so the exploration is the same with one job or
/// many:
/// - run k draws its random numbers k-th from the seed, and is steered by
///   the coverage runs 1 to k - lag reached (so it cannot start before
///   those count);
/// - the first run that finds something, or reaches `--steps`, is the last
///   that counts; the runs after it are abandoned;
/// - a run that started before the stimuli left under `--steps` were known
///   and then went past them is made again with exactly those stimuli
///   (the same run, cut where one job would have cut it).
struct RunSchedule {
    private var random: SeededRandom
    private let stepLimit: Int?
    private let lag: Int
    private var nextIndex = 1
    /// Runs counted so far (runs 1 to `counted`), and their stimuli.
    private var counted = 0
    private var stimuli = 0
    /// Of each run started and not counted: its random numbers, for a run
    /// made again.
    private var randoms: [Int: SeededRandom] = [:]
    /// The coverage each run not yet counted starts from (past the first
    /// `lag` runs, which start from none).
    private var coverages: [Int: ExplorationCoverage] = [:]
    /// Finished runs waiting for the ones before them.
    private var waiting: [Int: ExplorationRunOutcome] = [:]
    /// The exploration ends with this run; later ones are abandoned.
    private(set) var lastCountingRun: Int?
    /// The first run known to have found something, counted or not: no
    /// run after it can count.
    private var earliestFinding: Int?
    /// A run to make again with exactly the stimuli left.
    private var runAgain: Int?
    /// A run handed back for want of a job to make it.
    private var handedBack: ExplorationRun?

    init(seed: UInt64, stepLimit: Int?, lag: Int) {
        random = SeededRandom(seed: seed)
        self.stepLimit = stepLimit
        self.lag = lag
    }

    /// Runs after this one are of no use: they cannot count.
    var lastUsefulRun: Int? {
        switch (lastCountingRun, earliestFinding) {
        case (let last?, let found?): return min(last, found)
        case (let last, let found): return last ?? found
        }
    }

    /// The next run to start, if one may start now.
    mutating func nextRun() -> ExplorationRun? {
        if let run = handedBack {
            handedBack = nil
            // Unless a finding since has made it of no use.
            if lastUsefulRun.map({ run.index <= $0 }) ?? true { return run }
        }
        if let index = runAgain, let random = randoms[index] {
            runAgain = nil
            return ExplorationRun(index: index, random: random, coverage: coverage(of: index), stepBudget: stepsLeft)
        }
        guard lastUsefulRun.map({ nextIndex <= $0 }) ?? true, lastCountingRun == nil, stepsLeft.map({ $0 > 0 }) ?? true,
              nextIndex - lag <= counted else { return nil }
        let index = nextIndex
        nextIndex += 1
        let runRandom = random.split()
        randoms[index] = runRandom
        // Every run before it counted: the stimuli left are known.
        let budget = counted == index - 1 ? stepsLeft : nil
        return ExplorationRun(index: index, random: runRandom, coverage: coverage(of: index), stepBudget: budget)
    }

    /// A run `nextRun` gave that no job could take: it comes first again.
    mutating func handBack(_ run: ExplorationRun) { handedBack = run }

    /// Takes a finished run; returns the runs that count now, in order.
    mutating func finished(_ outcome: ExplorationRunOutcome) -> [ExplorationRunOutcome] {
        if outcome.abandoned || lastUsefulRun.map({ outcome.index > $0 }) ?? false {
            forget(outcome.index)
            return []
        }
        if outcome.finding != nil, earliestFinding.map({ outcome.index < $0 }) ?? true { earliestFinding = outcome.index }
        waiting[outcome.index] = outcome
        var nowCounting: [ExplorationRunOutcome] = []
        while lastCountingRun.map({ counted < $0 }) ?? true, let next = waiting.removeValue(forKey: counted + 1) {
            if let left = stepsLeft, !next.budgeted, next.stimuli > left {
                runAgain = next.index
                lastCountingRun = next.index
                break
            }
            counted += 1
            stimuli += next.stimuli
            forget(next.index)
            nowCounting.append(next)
            if next.finding != nil || stepsLeft == 0 {
                lastCountingRun = next.index
                break
            }
        }
        if let last = lastUsefulRun {
            for index in waiting.keys where index > last { forget(index) }
        }
        return nowCounting
    }

    /// What the exploration reached once run `index` counted: what run
    /// `index + lag` starts from.
    mutating func coverageReached(_ coverage: ExplorationCoverage, afterRun index: Int) {
        if lastCountingRun == nil { coverages[index + lag] = coverage }
    }

    private var stepsLeft: Int? { stepLimit.map { max(0, $0 - stimuli) } }

    private func coverage(of index: Int) -> ExplorationCoverage {
        index <= lag ? ExplorationCoverage() : coverages[index] ?? ExplorationCoverage()
    }

    private mutating func forget(_ index: Int) {
        waiting[index] = nil
        if runAgain != index {
            randoms[index] = nil
            coverages[index] = nil
        }
    }
}
