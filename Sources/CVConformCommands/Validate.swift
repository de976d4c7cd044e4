import ArgumentParser
import CVConformModel
import CVConformPlatform
import CVConformReports
import CVConformTrace
import Foundation

extension CVConform {
    /// `cvconform validate PATH... [--json FILE]`
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Judge trace files against the reference model.",
            discussion: """
                Each trace is accepted (every message allowed, nothing owed), rejected at a message, \
                incomplete (messages still owed at the end) or malformed, and is ok when that is what its \
                `expect` says. Exit status: 0 when every trace is ok, 1 when one is not, 2 for a usage error.
                """
        )

        @OptionGroup var selection: SelectionOptions

        @Option(name: .long, help: ArgumentHelp("Which traces to judge: core, extended or all.", valueName: "profile"))
        var profile: ProfileChoice = .all

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Judge this many traces at once.", valueName: "n"))
        var jobs = 1

        @Option(name: .long, help: ArgumentHelp("Write the JSON report of contract section 6 to this file.", valueName: "file"))
        var json: String?

        @Flag(name: .long, help: "Print only traces that are not ok, and the summary (clause coverage and the counts).")
        var quiet = false

        mutating func validate() throws {
            guard (1...64).contains(jobs) else { throw ValidationError("--jobs takes a number from 1 to 64") }
        }

        mutating func run() async throws {
            let chosen = try selection.select(profile: profile, passOnly: false)
            try selection.checkNotEmpty(chosen, what: "trace files (*.xml)")
            let duplicates = chosen.duplicates
            var results: [ValidationResult] = []
            results.reserveCapacity(chosen.files.count)
            var output = StandardOutput()
            var terminal = Terminal()
            let quiet = self.quiet
            let total = chosen.files.count
            let idWidth = ValidationReport.idColumn(for: chosen.traces.compactMap { $0.header?.id })
            // On threads of their own: a long trace is read on two threads
            // that wait on each other, which no thread of the pool may do.
            await inOrder(chosen.files, jobs: jobs, work: { _, file in
                await onDedicatedThread("cvconform-validate") { Validator.validate(file: file) }
            }, emit: { judged in
                var result = judged
                if let id = result.id, let files = duplicates[id] {
                    let others = files.filter { $0 != result.file }.joined(separator: ", ")
                    result.headerProblems.append("trace id '\(id)' is also the id of \(others); ids must be unique in a suite")
                }
                results.append(result)
                if !quiet || !result.ok {
                    terminal.clearProgress()
                    output.line(Self.paint(ValidationReport.line(result, idWidth: idWidth), ok: result.ok, terminal: terminal))
                    for line in ValidationReport.details(result) { output.line(line) }
                    for note in result.notes { output.line("     note: \(note)") }
                    output.flush()
                }
                if results.count % 64 == 0 { terminal.progress("[\(results.count)/\(total)] \(result.id ?? result.file)") }
            })
            terminal.clearProgress()
            if let shard = selection.shard, chosen.traces.isEmpty {
                output.line("shard \(shard) holds none of the \(chosen.beforeShard) selected traces: nothing to judge")
            }
            if !chosen.summary.isEmpty { output.line("not judged: \(chosen.summary)") }
            if results.contains(where: { $0.expect == .pass && $0.ok }) {
                for line in ValidationReport.coverage(results) { output.line(line) }
            }
            let passed = results.filter(\.ok).count
            output.line("\(passed) passed, \(results.count - passed) failed")
            output.flush()

            if let json {
                try AtomicFile.write(ValidationReport.json(results, shard: selection.shard).serialized(pretty: true) + "\n", to: json)
            }
            if passed != results.count { throw ExitCode.failure }
        }

        static func paint(_ line: String, ok: Bool, terminal: Terminal) -> String {
            let word = ok ? "ok  " : "FAIL"
            guard line.hasPrefix(word) else { return line }
            return terminal.paint(word, ok ? .green : .red) + line.dropFirst(word.count)
        }
    }
}
