import Synchronization

/// The status line while runs are under way: every job adds the stimuli it
/// sends, and whichever finds 200 ms gone since the last report makes the
/// next one. (Only the runs that count, in order, say what was reached;
/// reported from them alone, the line stood still while a long run went
/// on.)
final class ExplorationProgress: Sendable {
    private let started: ContinuousClock.Instant
    private let report: @Sendable (ExploreProgress) -> Void
    /// Stimuli sent by every job, those of runs that will not count too.
    private let sent = Atomic<Int>(0)
    /// Runs, clauses and situations of the runs that count so far.
    private let runs = Atomic<Int>(0)
    private let clauses = Atomic<Int>(0)
    private let situations = Atomic<Int>(0)
    /// When the last report was due, in milliseconds since `started`.
    private let lastReport = Atomic<Int>(0)

    init(started: ContinuousClock.Instant, report: @escaping @Sendable (ExploreProgress) -> Void) {
        self.started = started
        self.report = report
    }

    /// A job sent `count` more stimuli.
    func sent(_ count: Int) {
        sent.add(count, ordering: .relaxed)
        reportIfDue()
    }

    /// What the runs that count have reached.
    func counted(runs: Int, clauses: Int, situations: Int) {
        self.runs.store(runs, ordering: .relaxed)
        self.clauses.store(clauses, ordering: .relaxed)
        self.situations.store(situations, ordering: .relaxed)
    }

    /// Reports now, whether due or not (at the end of exploring).
    func reportNow(stimuli: Int) {
        report(.exploring(stimuli: stimuli, runs: runs.load(ordering: .relaxed), clauses: clauses.load(ordering: .relaxed),
                          situations: situations.load(ordering: .relaxed), elapsed: ContinuousClock.now - started))
    }

    private func reportIfDue() {
        let elapsed = ContinuousClock.now - started
        let now = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        let last = lastReport.load(ordering: .relaxed)
        // One job wins the exchange and reports; the others go on.
        guard now - last >= 200, lastReport.compareExchange(expected: last, desired: now, ordering: .relaxed).exchanged else { return }
        reportNow(stimuli: sent.load(ordering: .relaxed))
    }
}
