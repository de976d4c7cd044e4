import CVConformModel
import CVConformTrace
import Synchronization

/// A group of cells lent while their waiting outputs are judged, and
/// given back. Whoever claims it first judges it: a task on another core,
/// or the driver. So the driver never waits for a task that has not
/// started (every thread of the executor may be busy elsewhere), only for
/// one at work, and then without holding a thread: it awaits `judged()`.
/// The lock guards handing things over, never the judging.
final class LoadCellGroupJudge: Sendable {
    private struct Work {
        var cells: [LoadCellState]
        var risks: SituationRisks
        var outcomes: LoadOutcomes
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let work: Mutex<Work>
    private let claimed = Atomic<Bool>(false)
    /// Set under the lock, so `judged()` reads it there; read without it
    /// by `isJudged`.
    private let finished = Atomic<Bool>(false)
    /// The outputs waiting, by cell (`LoadPendingOutputs.byCell()`): the
    /// group judges its own.
    private let waiting: [(cell: Int, output: Message)]
    private let group: Int
    private let groupCount: Int
    private let context: LoadStepContext

    /// `outcomes` (empty) is where the outcomes go: the driver's, lent so
    /// its lists are used again.
    init(
        cells: consuming [LoadCellState], risks: consuming SituationRisks, outcomes: consuming LoadOutcomes,
        waiting: [(cell: Int, output: Message)], group: Int, groupCount: Int, context: LoadStepContext
    ) {
        assert(outcomes.isEmpty, "outcomes lent must be empty: they are all applied once judged")
        work = Mutex(Work(cells: cells, risks: risks, outcomes: outcomes))
        self.waiting = waiting
        self.group = group
        self.groupCount = groupCount
        self.context = context
    }

    /// Judges the waiting outputs of the group's cells, each cell's in
    /// order, unless someone claimed them first; whether it did.
    @discardableResult
    func judgeUnlessClaimed() -> Bool {
        guard claimed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return false }
        var (cells, risks, outcomes) = work.withLock { work in
            var taken: (cells: [LoadCellState], risks: SituationRisks, outcomes: LoadOutcomes) = ([], SituationRisks(), LoadOutcomes())
            swap(&taken.cells, &work.cells)
            swap(&taken.risks, &work.risks)
            swap(&taken.outcomes, &work.outcomes)
            return taken
        }
        // Cell `cell` of the run is this group's `cell / groupCount`
        // (`LoadCellGroups`).
        for (cell, output) in waiting where cell % groupCount == group {
            outcomes.judge(output, cell: cell, in: &cells[cell / groupCount], context, risks: &risks)
        }
        let waiter = work.withLock { work in
            swap(&work.cells, &cells)
            swap(&work.risks, &risks)
            swap(&work.outcomes, &outcomes)
            finished.store(true, ordering: .releasing)
            return work.waiter.take()
        }
        waiter?.resume()
        return true
    }

    /// Judged already (without waiting).
    var isJudged: Bool { finished.load(ordering: .acquiring) }

    /// Returns once the group is judged, by whoever claimed it.
    func judged() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = work.withLock { work in
                let done = finished.load(ordering: .acquiring)
                if !done { work.waiter = continuation }
                return done
            }
            if done { continuation.resume() }
        }
    }

    /// Once judged: the cells and what they learnt go back, and the
    /// outcomes come out.
    func giveBack(cells: inout [LoadCellState], risks: inout SituationRisks) -> LoadOutcomes {
        work.withLock { work in
            swap(&work.cells, &cells)
            swap(&work.risks, &risks)
            var outcomes = LoadOutcomes()
            swap(&outcomes, &work.outcomes)
            return outcomes
        }
    }
}
