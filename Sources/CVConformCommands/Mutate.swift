import ArgumentParser
import CVConformExploration
import CVConformHarness
import CVConformModel
import CVConformMutation
import CVConformPlatform
import CVConformReports
import CVConformTrace
import Foundation

extension CVConform {
    /// `cvconform mutate PATH... [--augment DIR] [--min-score S]`
    struct Mutate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mutate",
            abstract: "Measure how strong a suite is: replay it against mutants of the reference model.",
            discussion: """
                Each mutant is a copy of the reference model with one deliberate mistake in one clause (a \
                message left out, sent twice, swapped, sent to the wrong role, with another value; a state \
                change forgotten; a stimulus ignored or not ignored; a choice or a check reversed; ids read as \
                numbers). It is killed when a pass trace under PATH does not pass against it. Mutants that \
                behave alike are counted once; a survivor that no run within a bounded exhaustive search (nor \
                `explore`) tells from the reference is equivalent and left out of the score \
                (killed / (mutants - equivalent)). --augment writes a trace that kills each other survivor. \
                --invariants also checks each mutant with `verify` and names the first invariant it breaks. \
                Exit status: 0, or 1 when the score is below --min-score; 2 for a usage error.
                """
        )

        @Argument(help: "Trace files, or folders searched recursively for *.xml.")
        var paths: [String]

        @Option(name: .long, help: ArgumentHelp("core (default) or extended (core and extended traces and clauses).", valueName: "profile"))
        var profile: String = "core"

        @Option(name: .long, help: ArgumentHelp("Write a trace that kills each surviving, non-equivalent mutant into this folder.", valueName: "dir"))
        var augment: String?

        @Option(name: .customLong("min-score"), parsing: .unconditional, help: ArgumentHelp("Exit 1 when the score is below this (0 to 1).", valueName: "score"))
        var minScore: Double?

        @Option(name: .long, help: ArgumentHelp("Write the JSON report of contract section 7 to this file.", valueName: "file"))
        var json: String?

        @Option(name: .long, help: ArgumentHelp("Write an HTML report (a clause × operator matrix) to this file.", valueName: "file"))
        var html: String?

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Depth of the equivalence search, in stimuli (default 6).", valueName: "n"))
        var depth = 6

        @Option(name: .customLong("explore-steps"), parsing: .unconditional, help: ArgumentHelp(
            "Stimuli explore sends against a survivor the search cannot tell from the reference (default 20000).", valueName: "n"))
        var exploreSteps = 20_000

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Mutants analysed at once; the default is this machine's number of cores.", valueName: "n"))
        var jobs = ProcessInfo.processInfo.activeProcessorCount

        @Flag(name: .long, help: "Print only the score and the survivors.")
        var quiet = false

        @Flag(name: .long, help: "Also check each mutant with `verify` (default universe) and say which invariant it breaks.")
        var invariants = false

        mutating func validate() throws {
            guard Profile(rawValue: profile) != nil else { throw ValidationError("--profile takes core or extended (it is '\(profile)')") }
            if let minScore, !(0...1).contains(minScore) {
                throw ValidationError("--min-score takes a number from 0 to 1 (it is \(minScore))")
            }
            guard (1...12).contains(depth) else { throw ValidationError("--depth takes a number from 1 to 12") }
            guard (0...10_000_000).contains(exploreSteps) else { throw ValidationError("--explore-steps takes a number from 0 to 10000000") }
            guard (1...64).contains(jobs) else { throw ValidationError("--jobs takes a number from 1 to 64") }
        }

        mutating func run() async throws {
            let chosen = Profile(rawValue: profile) ?? .core
            let files: [String]
            do { files = try TraceFiles.collect(paths) } catch { throw ValidationError(error.description) }
            var output = StandardOutput()
            var traces: [Trace] = []
            var malformed = 0
            for file in files {
                do {
                    let trace = try Trace.read(file: file)
                    guard trace.header.expect == .pass, chosen == .extended || trace.header.profile == .core else { continue }
                    traces.append(trace)
                } catch {
                    malformed += 1
                    output.line("malformed, not replayed: \(error)")
                }
            }
            guard !traces.isEmpty else {
                throw ValidationError("no \(chosen == .core ? "core " : "")pass traces under \(paths.joined(separator: " "))"
                                      + (malformed > 0 ? " (\(malformed) malformed)" : "") + ": mutants are killed by replaying pass traces")
            }
            if let augment { try ensureWritable(folder: augment) }
            let options = MutationOptions(profile: chosen, bound: .init(depth: depth), exploreSteps: exploreSteps, jobs: jobs,
                                          checkInvariants: invariants)
            let results = await MutationAnalysis.analyse(traces: traces, options: options)
            let report = MutationReport(results: results, profile: chosen, bound: options.bound, traces: traces.map(\.header.id),
                                        invariantsChecked: invariants)
            let lines = report.lines()
            let shown = quiet ? lines.filter { !$0.hasPrefix("  ") || $0.contains(":") } : lines
            for line in shown { output.line(line) }
            if let augment {
                let traces = report.augmentingTraces()
                for trace in traces { try AtomicFile.write(TraceWriter.xml(trace), to: augment + "/" + trace.header.id + ".xml") }
                output.line("wrote \(traces.count) trace\(traces.count == 1 ? "" : "s") that kill the \(report.survivors.count) surviving mutants into \(augment)")
            }
            if malformed > 0 { output.line("\(malformed) malformed trace file\(malformed == 1 ? " was" : "s were") not replayed") }
            output.flush()
            if let json { try AtomicFile.write(report.json().serialized(pretty: true) + "\n", to: json) }
            if let html { try AtomicFile.write(report.html(), to: html) }
            if let minScore, report.score < minScore {
                printError("cvconform mutate: score \(report.percent(report.score)) is below --min-score \(minScore)")
                throw ExitCode.failure
            }
        }
    }
}
