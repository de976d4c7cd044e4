import CVConformHarness
import CVConformHarnessTestSupport
import CVConformModel
import CVConformTestSupport
import CVConformTrace
import CVConformWire
import Synchronization
import Testing
@testable import CVConformExploration

/// The reference with one mistake: the CVCT also reports a drop the ICM
/// asked for (as `--fault echo-drop` does).
@Sendable func echoingDrops() -> ImplementationUnderTest {
    ScriptedImplementation { outputs in
        outputs.flatMap { message -> [Message] in
            guard message.type == .progress, message["state"] == "dropped", message["by"] == "request" else { return [message] }
            return [message, Message(from: .cvct, to: .icm, type: .dropped, parameters: ["session": message["session"]])]
        }
    }
}

let quickExplore = ReplayOptions(timeout: .seconds(2), quietPeriod: .milliseconds(20))

@Suite("explore: the model drives, judges and shrinks", .tags(.slow))
struct ExplorationTests {
    @Test("Against the reference it finds nothing and reaches every core clause")
    func referenceIsClean() async {
        let options = ExploreOptions(seed: 5, timeLimit: nil, stepLimit: 20_000, replay: quickExplore)
        let result = await Explorer.explore(options: options, label: "reference") { ReferenceImplementation() }
        #expect(result.finding == nil)
        #expect(result.stimuli == 20_000)
        let reachable = ExplorationCoverage.reachable(in: .core)
        #expect(reachable.allSatisfy(result.coverage.clauses.contains),
                "not reached: \(reachable.filter { !result.coverage.clauses.contains($0) })")
        #expect(result.coverage.situationsReached.count * 10 >= Situation.all(in: .core).count * 8)
    }

    @Test("A mistake is found and shrunk; the trace validates, fails against the implementation and passes against the reference")
    func findsAndShrinks() async throws {
        let options = ExploreOptions(seed: 1, timeLimit: nil, stepLimit: 50_000, replay: quickExplore, confirmations: 3)
        let result = await Explorer.explore(options: options, label: "echo", makeImplementation: echoingDrops)
        let finding = try #require(result.finding)
        #expect(finding.reproduced && !finding.isFlaky)
        #expect(finding.confirmedFailures == 3)
        #expect(finding.signature == .unwantedOutput(Channel(from: .cvct, to: .icm), observed: "dropped"))
        // login, session-request, answer, release: the shortest run that drops on request.
        #expect(finding.shrunk.stimuli.count == 4)
        #expect(finding.shrunk.administration.agents.count == 1)
        #expect(finding.shrunk.administration.agents.first?.id == "1001")
        let text = TraceWriter.xml(finding.trace)
        let validation = Validator.validate(text: text)
        #expect(validation.outcome == .accepted && validation.notes.isEmpty)
        #expect(try await replay(finding.trace, on: echoingDrops()).verdict == .fail)
        #expect(try await replay(finding.trace, on: ReferenceImplementation()).verdict == .pass)
        #expect(finding.trace.header.covers.contains("ICM-RELEASE-1") || finding.trace.header.covers.contains("ICM-RELEASE-2")
                || finding.trace.header.covers.contains("ICM-RELEASE-3"))
    }

    @Test("The same seed against the same implementation makes the same run and the same finding")
    func deterministic() async throws {
        let options = ExploreOptions(seed: 77, timeLimit: nil, stepLimit: 50_000, replay: quickExplore, confirmations: 1)
        let first = await Explorer.explore(options: options, label: "echo", makeImplementation: echoingDrops)
        let second = await Explorer.explore(options: options, label: "echo", makeImplementation: echoingDrops)
        #expect(first.stimuli == second.stimuli)
        #expect(first.runs == second.runs)
        #expect(try #require(first.finding).original == second.finding?.original)
        #expect(first.finding?.shrunk == second.finding?.shrunk)
        let clean = ExploreOptions(seed: 77, timeLimit: nil, stepLimit: 3_000, replay: quickExplore)
        let a = await Explorer.explore(options: clean, label: "reference") { ReferenceImplementation() }
        let b = await Explorer.explore(options: clean, label: "reference") { ReferenceImplementation() }
        #expect(a.coverage.situationsReached == b.coverage.situationsReached && a.runs == b.runs)
    }

    @Test("An implementation that fails only now and then is reported as flaky")
    func flaky() async throws {
        let resets = ResetCounter()
        let options = ExploreOptions(seed: 3, timeLimit: nil, stepLimit: 50_000, replay: quickExplore, confirmations: 6)
        let result = await Explorer.explore(options: options, label: "flaky") { FlakyImplementation(resets: resets) }
        let finding = try #require(result.finding != nil ? result.finding : nil)
        #expect(finding.isFlaky)
        #expect(finding.confirmedFailures < finding.confirmationRuns || !finding.reproduced)
    }

    @Test("An implementation that crashes in the middle is an error finding, not a hang or a crash of the harness")
    func crashMidway() async throws {
        let options = ExploreOptions(seed: 2, timeLimit: nil, stepLimit: 5_000, replay: quickExplore, confirmations: 2)
        let result = await Explorer.explore(options: options, label: "crashing") { CrashingImplementation(after: 30) }
        let finding = try #require(result.finding)
        #expect(finding.signature == .harnessError(.exited))
        #expect(finding.result.verdict == .error)
        #expect(finding.shrunk.stimuli.count <= 30)
    }

    @Test("An implementation that cannot start ends the exploration at once with its reason")
    func cannotStart() async {
        let options = ExploreOptions(seed: 2, timeLimit: .seconds(30), replay: quickExplore)
        let result = await Explorer.explore(options: options, label: "nothing") {
            WireImplementation(endpoint: .command("exit 3"), startupTimeout: .seconds(5))
        }
        #expect(result.startFailure != nil)
        #expect(result.stimuli == 0)
    }
}

/// Resets counted across every instance of an implementation.
final class ResetCounter: Sendable {
    private let count = Mutex(0)
    func next() -> Int { count.withLock { $0 += 1; return $0 } }
}

/// Echoes drops (see `echoingDrops`) in every third trace only.
actor FlakyImplementation: ImplementationUnderTest {
    private let resets: ResetCounter
    private var current: ImplementationUnderTest = ReferenceImplementation()

    init(resets: ResetCounter) { self.resets = resets }

    func start() async throws(HarnessFailure) -> Greeting { try await current.start() }
    func reset(trace: String, setup: Administration) async throws(HarnessFailure) {
        current = resets.next() % 3 == 0 ? echoingDrops() : ReferenceImplementation()
        _ = try await current.start()
        try await current.reset(trace: trace, setup: setup)
    }
    func send(_ message: Message) async throws(HarnessFailure) { try await current.send(message) }
    func receive(timeout: Duration) async throws(HarnessFailure) -> Message? { try await current.receive(timeout: timeout) }
    func confirmIdle(timeout: Duration) async throws(HarnessFailure) -> [Message]? { try await current.confirmIdle(timeout: timeout) }
    func logTail() async -> [String] { [] }
    func stop() async {}
}

/// The reference, until it has taken `after` stimuli since it started: then
/// it is gone, as a process that exits.
actor CrashingImplementation: ImplementationUnderTest {
    private let inner = ReferenceImplementation()
    private let limit: Int
    private var sent = 0

    init(after limit: Int) { self.limit = limit }

    func start() async throws(HarnessFailure) -> Greeting { try await inner.start() }
    func reset(trace: String, setup: Administration) async throws(HarnessFailure) {
        guard sent < limit else { throw HarnessFailure(.exited, "the implementation exited with status 1") }
        sent = 0
        try await inner.reset(trace: trace, setup: setup)
    }
    func send(_ message: Message) async throws(HarnessFailure) {
        sent += 1
        guard sent < limit else { throw HarnessFailure(.exited, "the implementation exited with status 1") }
        try await inner.send(message)
    }
    func receive(timeout: Duration) async throws(HarnessFailure) -> Message? { try await inner.receive(timeout: timeout) }
    func logTail() async -> [String] { [] }
    func stop() async {}
}

@Suite("explore --races in process", .tags(.slow))
struct RacingExplorationTests {
    @Test("The same seed against the deterministic reference makes the same racing run")
    func deterministicBySeed() async {
        var options = ExploreOptions(seed: 11, timeLimit: nil, stepLimit: 400)
        options.races = true
        let first = await Explorer.explore(options: options, label: "reference") { ReferenceImplementation() }
        let second = await Explorer.explore(options: options, label: "reference") { ReferenceImplementation() }
        #expect(first.finding == nil && second.finding == nil)
        #expect(first.races > 0)
        #expect(first.stimuli == second.stimuli && first.races == second.races && first.runs == second.runs)
        #expect(first.coverage.clauses == second.coverage.clauses)
    }
}
