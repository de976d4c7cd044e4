import CVConformCells
import CVConformHarness
import CVConformHarnessTestSupport
import CVConformLogs
import CVConformModel
import CVConformTestSupport
import CVConformTrace
import CVConformWire
import Foundation
import Testing
@testable import CVConformLoad

/// Every receive judged on two cores (`judgingSharedFrom` 1), or on one.
private func options(cores: Int) -> LoadOptions {
    var options = LoadOptions(cells: 12, duration: .milliseconds(400), seed: 11,
                              replay: ReplayOptions(timeout: .seconds(2), quietPeriod: .milliseconds(20)))
    options.judgingCores = cores
    options.judgingSharedFrom = 1
    return options
}

/// In a full test run other suites can hold every thread of the executor
/// for many seconds, and a run then sends nothing before its time is up:
/// such a run is made again (up to three times).
private func runSendingSomething(_ run: () async throws -> LoadResult) async rethrows -> LoadResult {
    var result = try await run()
    for _ in 1..<3 where result.stimuli == 0 { result = try await run() }
    return result
}

@Suite("load judges its cells on several cores exactly as on one", .tags(.slow, .timing))
struct LoadParallelJudgingTests {
    /// An implementation that gets every `connect` wrong: each cell meets
    /// one within its first sessions, and its walk up to there depends on
    /// its seed alone, so each cell's violation is the same on one core or two.
    @Test("The same violations, explained alike, in the same cells")
    func sameViolations() async {
        let wrongSession: @Sendable ([Message]) -> [Message] = { outputs in
            outputs.map { output in
                guard output.type == .connect else { return output }
                return Message(from: output.from, to: output.to, type: output.type,
                               parameters: ["agent": output["agent"], "session": "not-" + output["session"]])
            }
        }
        // Per cell: its violation, explained. The run stops once nine
        // cells in ten have one (the last may or may not get to its own).
        var found: [[Int: String]] = []
        for cores in [1, 2] {
            var options = options(cores: cores)
            options.duration = .seconds(5)
            let result = await runSendingSomething {
                await LoadRunner.run(options: options, label: "wrong-session",
                                     makeImplementation: { ScriptedImplementation(distort: wrongSession) })
            }
            #expect(result.failure == nil)
            found.append(Dictionary(result.violations.map { ($0.cell ?? 0, "\($0.detail) | \($0.explanation)") }) { $0 + " || " + $1 })
        }
        #expect(found.allSatisfy { $0.count >= 11 }, "\(found.map(\.keys))")
        for (cell, violation) in found[0] where found[1][cell] != nil {
            #expect(found[1][cell] == violation, "cell \(cell)")
        }
    }

    @Test("Outputs of different cells interleaved, judged on two cores: no violation, and check-log accepts the log")
    func logAccepted() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/load.log"
        var options = options(cores: 2)
        // Paced: a few thousand messages show it, and check-log reads them fast.
        options.rate = 5_000
        options.duration = .seconds(1)
        let result = try await runSendingSomething {
            let log = try LoadLog.open(path).get()
            let result = await LoadRunner.run(options: options, label: "interleaving",
                                              makeImplementation: { InterleavingImplementation() }, log: log)
            await log.close()
            return result
        }
        #expect(result.failure == nil)
        #expect(result.violations.isEmpty, "\(result.violations.map(\.detail))")
        #expect(result.stimuli > 0)
        var recorder = SegmentRecorder()
        let summary = try LogChecker().check(.file(path), observer: &recorder)
        #expect(summary.accepted == 1, "\(recorder.segments.map(\.detail))")
        #expect(summary.messages == result.messages)
    }

    @Test("Cells are dealt to groups in turn and found again by their index")
    func groupsDealCells() {
        var random = SeededRandom(seed: 3)
        let made = LoadCells.make(count: 7, random: &random)
        let cells = made.cells.enumerated().map {
            LoadCellState(number: $0.offset + 1, generated: $0.element, profile: .core, random: random.split())
        }
        for groupCount in [1, 2, 3, 9] {
            var groups = LoadCellGroups(cells, groupCount: groupCount)
            #expect(groups.groupCount == min(groupCount, 7))
            #expect(groups.map(\.number) == Array(1...7))
            // A group lent and given back leaves every cell in its place.
            var lent: [LoadCellState] = []
            groups.swapGroup(groups.groupCount - 1, with: &lent)
            #expect(lent.map(\.number) == Array(stride(from: groups.groupCount, through: 7, by: groups.groupCount)))
            groups.swapGroup(groups.groupCount - 1, with: &lent)
            #expect(groups.map(\.number) == Array(1...7))
        }
    }

    @Test("Outputs waiting come back cell by cell, each cell's in the order they came")
    func pendingByCell() {
        var pending = LoadPendingOutputs()
        for (index, cell) in [2, 0, 2, 1, 0, 2].enumerated() {
            pending.append(Message(from: .cvct, to: .icm, type: .dropped, parameters: ["session": "s\(index)"]), cell: cell)
        }
        #expect(pending.count == 6)
        #expect(pending.hasOutputs(cell: 1) && !pending.hasOutputs(cell: 3))
        #expect(pending.byCell().map { "\($0.cell):\($0.output["session"])" } == ["0:s1", "0:s4", "1:s3", "2:s0", "2:s2", "2:s5"])
    }

    @Test("A group is judged once, by whoever claims it first; waiting for it ends once it is")
    func groupJudgedOnce() async {
        let context = LoadStepContext(greeting: Greeting(implementation: "", roles: [], reportsInternal: true), rate: nil,
                                      deadline: .now, stop: StopRequest(), now: .now)
        let judge = LoadCellGroupJudge(cells: [], risks: SituationRisks(), outcomes: LoadOutcomes(), waiting: [],
                                       group: 1, groupCount: 2, context: context)
        #expect(judge.judgeUnlessClaimed())
        #expect(!judge.judgeUnlessClaimed())
        await judge.judged()
        var cells: [LoadCellState] = []
        var risks = SituationRisks()
        #expect(judge.giveBack(cells: &cells, risks: &risks).isEmpty)
    }
}
