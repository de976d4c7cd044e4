import CVConformHarness
import CVConformHarnessTestSupport
import CVConformModel
import CVConformMutation
import CVConformTestSupport
import CVConformTrace
import Testing
@testable import CVConformExploration

/// Mutation analysis with small bounds, so the tests stay quick.
let quickMutation = MutationOptions(bound: .init(depth: 3), exploreSteps: 300, printRuns: 8)

@Suite("Mutation analysis: killing, equivalence, duplicates", .tags(.slow))
struct MutationAnalysisTests {
    @Test("The project's suite kills every mutant that is not equivalent; mutants that behave alike are counted once")
    func suiteKillsEverything() async throws {
        let results = await MutationAnalysis.analyse(traces: try passTraces(), options: quickMutation)
        #expect(results.count >= 100)
        let counted = Set(results.map(\.mutant.id))
        let duplicated = results.flatMap(\.duplicates)
        #expect(!duplicated.isEmpty)
        #expect(duplicated.allSatisfy { !counted.contains($0.id) })
        #expect(counted.count + duplicated.count == Mutant.catalog().count)
        let survivors = results.filter { !$0.killed && !$0.equivalent }
        #expect(survivors.isEmpty, "\(survivors.map(\.mutant.id))")
        // Equivalent ones are those that only reorder messages of different channels.
        #expect(results.filter(\.equivalent).allSatisfy { $0.mutant.mutation == .swap })
        // Killed mutants name the traces that kill them.
        #expect(results.filter(\.killed).allSatisfy { !$0.killedBy.isEmpty })
    }

    @Test("Without the traces that catch a mistake, its mutant survives, and the witness found kills it")
    func sensitivity() async throws {
        let echo = try #require(Mutant.catalog().first { $0.id == "CVCT-8/react-to-ignored" })
        var kept: [Trace] = []
        for trace in try passTraces() {
            let result = try await replay(trace, on: ReferenceImplementation(mutant: echo))
            if result.verdict == .pass { kept.append(trace) }
        }
        var options = quickMutation
        options.mutants = [echo] // the others are the suite test's
        let results = await MutationAnalysis.analyse(traces: kept, options: options)
        let survivor = try #require(results.first { $0.mutant.id == echo.id })
        #expect(!survivor.killed && !survivor.equivalent)
        let witness = try #require(survivor.witness)
        let trace = witness.trace(header: TraceHeader(id: "kills-echo"), profile: .core)
        #expect(Validator.validate(text: TraceWriter.xml(trace)).outcome == .accepted)
        #expect(try await replay(trace, on: ReferenceImplementation(mutant: echo)).verdict == .fail)
        #expect(try await replay(trace, on: ReferenceImplementation()).verdict == .pass)
    }

    @Test("Generate writes a suite from the model alone: valid, every clause, every non-equivalent mutant")
    func generate() async throws {
        // Depth 3 reaches every clause and leaves the same seven mutants
        // equivalent as depths 4 and 6 (`cvconform generate --depth`), at
        // half the cost of 4.
        let suite = await SuiteGenerator.generate(seed: 3, bound: .init(depth: 3), jobs: 2, randomRuns: 12, printRuns: 8)
        #expect(suite.uncovered.isEmpty)
        // Judged with the same bound the generator searched with.
        let results = await MutationAnalysis.analyse(traces: suite.traces, options: MutationOptions(bound: .init(depth: 3), exploreSteps: 0, printRuns: 8))
        #expect(results.allSatisfy { $0.killed || $0.equivalent }, "\(results.filter { !$0.killed && !$0.equivalent }.map(\.mutant.id))")
        for trace in suite.traces {
            let validation = Validator.validate(text: TraceWriter.xml(trace))
            #expect(validation.outcome == .accepted && validation.notes.isEmpty, "\(trace.header.id)")
            #expect(try await replay(trace, on: ReferenceImplementation()).verdict == .pass)
        }
    }

    @Test("Generate: the same seed makes the same suite, whatever the jobs")
    func generateIsDeterministic() async {
        // A small search: what is compared is the suite, not its strength.
        let parallel = await SuiteGenerator.generate(seed: 3, bound: .init(depth: 3), jobs: 2, randomRuns: 4, printRuns: 2)
        let serial = await SuiteGenerator.generate(seed: 3, bound: .init(depth: 3), jobs: 1, randomRuns: 4, printRuns: 2)
        #expect(!parallel.traces.isEmpty)
        #expect(serial.traces.map { TraceWriter.xml($0) } == parallel.traces.map { TraceWriter.xml($0) })
    }
}
