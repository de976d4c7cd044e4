import CVConformHarness
import CVConformModel
import CVConformWire

/// An implementation the exploration drives, one per job.
struct ExplorationWorker: Sendable {
    var implementation: ImplementationUnderTest
    var greeting: Greeting
    /// Which situations are safe to step without a copy (EXP-6): what
    /// every job had learnt when this one's run started, and what it
    /// learns on the way.
    var risks = SituationRisks()
    /// Its last run ended in a harness failure: it may be dead, so it is
    /// replaced before it runs again.
    var isBroken = false
}

/// The jobs of an exploration that are not running a run, and what a
/// person is told about those that would not start.
struct ExplorationWorkers {
    private var idle: [ExplorationWorker]
    /// Said in the summary: jobs that did not start, or not again.
    private(set) var notes: [String] = []
    private let makeImplementation: SuiteRunner.Factory

    init(first: ExplorationWorker, makeImplementation: @escaping SuiteRunner.Factory) {
        idle = [first]
        self.makeImplementation = makeImplementation
    }

    var hasIdle: Bool { !idle.isEmpty }

    /// Starts up to `count` more implementations, one per job, and says
    /// how many started. The first that does not start (a server that takes
    /// one connection, say) ends the starting: the exploration goes on with
    /// the jobs it has.
    mutating func startMore(_ count: Int) async -> Int {
        for job in 0..<max(0, count) {
            let implementation = makeImplementation()
            do {
                idle.append(ExplorationWorker(implementation: implementation, greeting: try await implementation.start()))
            } catch {
                await implementation.abort()
                notes.append("job \(job + 2) did not start (\(error.message)); exploring with \(job + 1) job\(job == 0 ? "" : "s")")
                return job
            }
        }
        return max(0, count)
    }

    /// An idle job for the next run: a sound one if there is one, else a
    /// broken one with a fresh implementation in place of its own. Nil when
    /// none is idle or the fresh one does not start (the job is then
    /// dropped).
    mutating func take() async -> ExplorationWorker? {
        if let sound = idle.lastIndex(where: { !$0.isBroken }) { return idle.remove(at: sound) }
        guard let broken = idle.popLast() else { return nil }
        await broken.implementation.abort()
        let implementation = makeImplementation()
        do {
            let greeting = try await implementation.start()
            return ExplorationWorker(implementation: implementation, greeting: greeting, risks: broken.risks)
        } catch {
            await implementation.abort()
            notes.append("a job's implementation did not start again after it failed (\(error.message)); that job was dropped")
            return nil
        }
    }

    mutating func giveBack(_ worker: ExplorationWorker) { idle.append(worker) }

    /// Stops every job (a broken one at once, without a goodbye).
    mutating func stopAll() async {
        for worker in idle {
            if worker.isBroken { await worker.implementation.abort() } else { await worker.implementation.stop() }
        }
        idle = []
    }
}
