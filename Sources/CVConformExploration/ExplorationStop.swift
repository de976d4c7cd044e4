import Synchronization

/// When the runs under way must stop: the time limit, and runs that no
/// longer count because an earlier run ended the exploration.
final class ExplorationStop: Sendable {
    private let started: ContinuousClock.Instant
    private let timeLimit: Duration?
    /// Runs with a greater index are abandoned.
    private let lastCounting = Atomic<Int>(.max)

    init(started: ContinuousClock.Instant, timeLimit: Duration?) {
        self.started = started
        self.timeLimit = timeLimit
    }

    var timeIsUp: Bool {
        guard let timeLimit else { return false }
        return ContinuousClock.now - started >= timeLimit
    }

    func abandonRuns(after index: Int) { lastCounting.min(index, ordering: .relaxed) }

    func isAbandoned(_ index: Int) -> Bool { index > lastCounting.load(ordering: .relaxed) }
}
