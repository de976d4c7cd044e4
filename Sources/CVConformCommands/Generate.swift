import ArgumentParser
import CVConformExploration
import CVConformHarness
import CVConformModel
import CVConformPlatform
import CVConformReports
import CVConformTrace
import Foundation

extension CVConform {
    /// `cvconform generate --output DIR [--seed N]`
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Write a suite of pass traces from the model alone: every clause, every non-equivalent mutant killed.",
            discussion: """
                The traces do not race, exercise every clause reachable without races in the profile, and \
                together kill every mutant of the reference model that is not equivalent (see `mutate`). \
                The suite is kept small: as few traces as a greedy cover finds, each then as short as it can be \
                while it does its share. The same seed writes the same files. Files from an earlier run in \
                the folder (generated-*.xml) that this run does not write are removed.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The folder to write the traces into.", valueName: "dir"))
        var output: String

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Seed (default 1).", valueName: "n"))
        var seed: UInt64 = 1

        @Option(name: .long, help: ArgumentHelp("core (default) or extended.", valueName: "profile"))
        var profile: String = "core"

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Depth of the bounded search, in stimuli (default 6).", valueName: "n"))
        var depth = 6

        mutating func validate() throws {
            guard Profile(rawValue: profile) != nil else { throw ValidationError("--profile takes core or extended (it is '\(profile)')") }
            guard (1...12).contains(depth) else { throw ValidationError("--depth takes a number from 1 to 12") }
            if seed > UInt64(Int64.max) { throw ValidationError("--seed must be at most \(Int64.max)") }
        }

        mutating func run() async throws {
            try ensureWritable(folder: output)
            let chosen = Profile(rawValue: profile) ?? .core
            let suite = await SuiteGenerator.generate(seed: seed, profile: chosen, bound: .init(depth: depth),
                                                      jobs: ProcessInfo.processInfo.activeProcessorCount)
            var written = Set<String>()
            for trace in suite.traces {
                let name = trace.header.id + ".xml"
                try AtomicFile.write(TraceWriter.xml(trace), to: output + "/" + name)
                written.insert(name)
            }
            let stale = (try? FileManager.default.contentsOfDirectory(atPath: output))?
                .filter { $0.hasPrefix("generated-") && $0.hasSuffix(".xml") && !written.contains($0) } ?? []
            for name in stale { try? FileManager.default.removeItem(atPath: output + "/" + name) }
            var out = StandardOutput()
            let messages = suite.traces.reduce(0) { $0 + $1.entries.count }
            out.line("wrote \(suite.traces.count) traces (\(messages) messages) into \(output), seed \(seed), profile \(chosen.rawValue)"
                     + (stale.isEmpty ? "" : "; removed \(stale.count) from an earlier run"))
            out.line("clauses: \(suite.covered.count) of \(suite.covered.count + suite.uncovered.count) reachable without races"
                     + (suite.uncovered.isEmpty ? "" : "; not reached within the bound: " + suite.uncovered.map(\.id).joined(separator: ", ")))
            out.line("mutants: \(suite.mutants - suite.equivalent.count) of \(suite.mutants) killed; \(suite.equivalent.count) equivalent"
                     + (suite.equivalent.isEmpty ? "" : " (" + suite.equivalent.map(\.id).joined(separator: ", ") + ")"))
            out.flush()
        }
    }
}
