import CVConformHarness
import CVConformHarnessTestSupport
import CVConformModel
import CVConformTestSupport
import CVConformTrace
import CVConformWire
import Synchronization
import Testing
@testable import CVConformExploration

/// EXP-17: several runs at once, counted in index order.
@Suite("explore --jobs: the runs made do not depend on how many are under way", .tags(.slow))
struct ParallelExplorationTests {
    private func options(seed: UInt64, steps: Int, jobs: Int, confirmations: Int = 1) -> ExploreOptions {
        var options = ExploreOptions(seed: seed, timeLimit: nil, stepLimit: steps, replay: quickExplore, confirmations: confirmations)
        options.jobs = jobs
        return options
    }

    @Test("Against the reference, one job and several send the same stimuli and reach the same coverage, cut mid-run by --steps")
    func sameRunsWithAnyJobs() async {
        // 7,777 stimuli end in the middle of a run: with several jobs that
        // run started before the stimuli left were known, and is made again.
        var results: [ExplorationResult] = []
        for jobs in [1, 2, 5] {
            results.append(await Explorer.explore(options: options(seed: 21, steps: 7_777, jobs: jobs), label: "reference") {
                ReferenceImplementation()
            })
        }
        for result in results {
            #expect(result.stimuli == 7_777)
            #expect(result.runs == results[0].runs)
            #expect(result.coverage.clauses == results[0].coverage.clauses)
            #expect(result.coverage.situationsReached == results[0].coverage.situationsReached)
            for situation in Situation.all(in: .core) {
                #expect(result.coverage.visits(of: situation) == results[0].coverage.visits(of: situation))
            }
        }
    }

    @Test("A finding is the same with one job and with three: the earliest run that diverges counts, the runs after it do not")
    func sameFinding() async throws {
        let one = await Explorer.explore(options: options(seed: 77, steps: 50_000, jobs: 1), label: "echo", makeImplementation: echoingDrops)
        let three = await Explorer.explore(options: options(seed: 77, steps: 50_000, jobs: 3), label: "echo", makeImplementation: echoingDrops)
        #expect(one.stimuli == three.stimuli)
        #expect(one.runs == three.runs)
        #expect(try #require(one.finding).original == three.finding?.original)
        #expect(one.finding?.shrunk == three.finding?.shrunk)
    }

    @Test("An implementation that crashes is an error finding with several jobs too, and the same one")
    func crashWithJobs() async throws {
        let one = await Explorer.explore(options: options(seed: 2, steps: 5_000, jobs: 1, confirmations: 2), label: "crashing") {
            CrashingImplementation(after: 30)
        }
        let two = await Explorer.explore(options: options(seed: 2, steps: 5_000, jobs: 2, confirmations: 2), label: "crashing") {
            CrashingImplementation(after: 30)
        }
        #expect(try #require(two.finding).signature == .harnessError(.exited))
        #expect(one.finding?.original == two.finding?.original)
        #expect(one.stimuli == two.stimuli)
    }

    @Test("When only the first implementation starts, the exploration goes on with one job")
    func fewerJobsWhenOthersDoNotStart() async {
        let made = Mutex(0)
        let result = await Explorer.explore(options: options(seed: 4, steps: 2_000, jobs: 4), label: "one only") {
            let count = made.withLock { $0 += 1; return $0 }
            return count == 1 ? ReferenceImplementation() as ImplementationUnderTest
                : WireImplementation(endpoint: .command("exit 3"), startupTimeout: .seconds(5))
        }
        #expect(result.startFailure == nil)
        #expect(result.finding == nil)
        #expect(result.stimuli == 2_000)
        #expect(result.jobs == 1)
        #expect(result.notes.count == 1 && result.notes[0].hasPrefix("job 2 did not start ("))
        #expect(result.notes.first?.hasSuffix("exploring with 1 job") == true)
    }

    @Test("Racing runs are the same with one job and with two")
    func racingRunsWithJobs() async {
        var results: [ExplorationResult] = []
        for jobs in [1, 2] {
            var options = options(seed: 8, steps: 1_500, jobs: jobs)
            options.races = true
            results.append(await Explorer.explore(options: options, label: "reference") { ReferenceImplementation() })
        }
        #expect(results[0].finding == nil && results[1].finding == nil)
        #expect(results[0].stimuli == results[1].stimuli && results[0].races == results[1].races)
        #expect(results[0].races > 0)
        #expect(results[0].coverage.clauses == results[1].coverage.clauses)
    }
}

@Suite("explore's run schedule (EXP-17)")
struct RunScheduleTests {
    private func outcome(_ index: Int, stimuli: Int, budgeted: Bool = false, finding: Bool = false) -> ExplorationRunOutcome {
        var outcome = ExplorationRunOutcome(index: index, budgeted: budgeted)
        outcome.stimuli = stimuli
        if finding {
            outcome.finding = RunFinding(scenario: Scenario(administration: Administration(), stimuli: []),
                                         stop: .failed(HarnessFailure(.exited, "gone"), atReset: true), entries: 0,
                                         greeting: Greeting(implementation: "test", roles: [], reportsInternal: false))
        }
        return outcome
    }

    /// The next run, which must be there.
    private func start(_ schedule: inout RunSchedule) throws -> ExplorationRun {
        let run = schedule.nextRun()
        return try #require(run)
    }

    /// The indices of the runs that count once `outcome` is in.
    private func counted(_ outcome: ExplorationRunOutcome, in schedule: inout RunSchedule) -> [Int] {
        schedule.finished(outcome).map(\.index)
    }

    @Test("Runs count in index order, whatever order they finish in")
    func countsInOrder() throws {
        var schedule = RunSchedule(seed: 1, stepLimit: nil, lag: 8)
        let first = try start(&schedule), second = try start(&schedule)
        #expect(first.index == 1 && second.index == 2)
        #expect(counted(outcome(2, stimuli: 5), in: &schedule) == [])
        #expect(counted(outcome(1, stimuli: 7), in: &schedule) == [1, 2])
    }

    @Test("Run k waits until run k - lag counts, and starts from the coverage reached then")
    func waitsForLag() throws {
        var schedule = RunSchedule(seed: 1, stepLimit: nil, lag: 2)
        _ = try start(&schedule)
        _ = try start(&schedule)
        let early = schedule.nextRun()
        #expect(early == nil)
        _ = counted(outcome(1, stimuli: 3), in: &schedule)
        var reached = ExplorationCoverage()
        reached.record(clauses: [Clause.allCases[0]])
        schedule.coverageReached(reached, afterRun: 1)
        let third = try start(&schedule)
        #expect(third.index == 3 && third.coverage.clauses == [Clause.allCases[0]])
    }

    @Test("The random numbers of run k do not depend on when it starts")
    func randomByIndex() throws {
        var eager = RunSchedule(seed: 9, stepLimit: nil, lag: 8)
        var slow = RunSchedule(seed: 9, stepLimit: nil, lag: 8)
        _ = try start(&eager)
        var eagerSecond = try start(&eager).random
        _ = try start(&slow)
        _ = counted(outcome(1, stimuli: 4), in: &slow)
        var slowSecond = try start(&slow).random
        #expect(eagerSecond.next() == slowSecond.next())
    }

    @Test("A run that went past --steps before the stimuli left were known is made again with exactly those")
    func runAgainWithBudget() throws {
        var schedule = RunSchedule(seed: 1, stepLimit: 100, lag: 8)
        let first = try start(&schedule)
        #expect(first.stepBudget == 100)
        let second = try start(&schedule)
        #expect(second.stepBudget == nil)
        #expect(counted(outcome(2, stimuli: 80), in: &schedule) == [])
        #expect(counted(outcome(1, stimuli: 60, budgeted: true), in: &schedule) == [1])
        #expect(schedule.lastCountingRun == 2)
        let again = try start(&schedule)
        var againRandom = again.random, secondRandom = second.random
        #expect(again.index == 2 && again.stepBudget == 40 && againRandom.next() == secondRandom.next())
        #expect(counted(outcome(2, stimuli: 40, budgeted: true), in: &schedule) == [2])
        let after = schedule.nextRun()
        #expect(after == nil)
    }

    @Test("No run starts after one known to have found something, even before it counts")
    func noRunAfterAFinding() throws {
        var schedule = RunSchedule(seed: 1, stepLimit: nil, lag: 8)
        for _ in 1...2 { _ = try start(&schedule) }
        #expect(counted(outcome(2, stimuli: 9, finding: true), in: &schedule) == [])
        #expect(schedule.lastUsefulRun == 2)
        let third = schedule.nextRun()
        #expect(third == nil)
    }

    @Test("A run handed back for want of a job comes first again, unless a finding has made it of no use")
    func handedBack() throws {
        var schedule = RunSchedule(seed: 1, stepLimit: nil, lag: 8)
        _ = try start(&schedule)
        let second = try start(&schedule)
        schedule.handBack(second)
        #expect(try start(&schedule).index == 2)
        schedule.handBack(second)
        #expect(counted(outcome(1, stimuli: 9, finding: true), in: &schedule) == [1])
        let after = schedule.nextRun()
        #expect(after == nil)
    }

    @Test("The first run that finds something is the last that counts; later ones are abandoned")
    func findingEnds() throws {
        var schedule = RunSchedule(seed: 1, stepLimit: nil, lag: 8)
        for _ in 1...3 { _ = try start(&schedule) }
        #expect(counted(outcome(3, stimuli: 9, finding: true), in: &schedule) == [])
        #expect(counted(outcome(2, stimuli: 9, finding: true), in: &schedule) == [])
        #expect(counted(outcome(1, stimuli: 9), in: &schedule) == [1, 2])
        #expect(schedule.lastCountingRun == 2)
        let after = schedule.nextRun()
        #expect(after == nil)
    }
}

@Suite("explore's jobs (EXP-17)")
struct ExplorationWorkersTests {
    private func worker(_ implementation: ImplementationUnderTest, broken: Bool) -> ExplorationWorker {
        var worker = ExplorationWorker(implementation: implementation,
                                       greeting: Greeting(implementation: "test", roles: Set(Role.systemRoles), reportsInternal: true))
        worker.isBroken = broken
        return worker
    }

    @Test("A run goes to a sound job before a broken one")
    func soundFirst() async {
        let sound = ReferenceImplementation(), broken = ReferenceImplementation()
        var workers = ExplorationWorkers(first: worker(sound, broken: false)) { ReferenceImplementation() }
        workers.giveBack(worker(broken, broken: true))
        let taken = await workers.take()
        #expect(taken?.implementation === sound)
    }

    @Test("A broken job gets a fresh implementation; when that does not start, the job is dropped with a note")
    func brokenReplacedOrDropped() async {
        let broken = ReferenceImplementation()
        var replacing = ExplorationWorkers(first: worker(broken, broken: true)) { ReferenceImplementation() }
        let fresh = await replacing.take()
        #expect(fresh != nil && fresh?.implementation !== broken && fresh?.isBroken == false)

        var dropping = ExplorationWorkers(first: worker(broken, broken: true)) {
            WireImplementation(endpoint: .command("exit 3"), startupTimeout: .seconds(5))
        }
        let none = await dropping.take()
        #expect(none == nil)
        #expect(!dropping.hasIdle)
        #expect(dropping.notes.count == 1 && dropping.notes[0].contains("did not start again"))
    }
}
