import ArgumentParser
import CVConformModel
import CVConformReports
import CVConformTrace
import Foundation

extension CVConform {
    /// `cvconform validate PATH... [--json FILE]`
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Judge trace files against the reference model.",
            discussion: """
                Each trace is accepted (every message allowed, nothing owed), rejected at a message, \
                incomplete (messages still owed at the end) or malformed, and is ok when that is what its \
                `expect` says. Exit status: 0 when every trace is ok, 1 when one is not, 2 for a usage error.
                """
        )

        @Argument(help: "Trace files, or folders searched recursively for *.xml.")
        var paths: [String]

        @Option(name: .long, help: ArgumentHelp("Write the JSON report of contract section 6 to this file.", valueName: "file"))
        var json: String?

        @Flag(name: .long, help: "Print only traces that are not ok, and the summary.")
        var quiet = false

        mutating func run() async throws {
            let files: [String]
            do {
                files = try TraceFiles.collect(paths)
            } catch {
                throw ValidationError(error.description)
            }
            guard !files.isEmpty else { throw ValidationError("no trace files (*.xml) under \(paths.joined(separator: " "))") }

            var results: [ValidationResult] = []
            results.reserveCapacity(files.count)
            var output = StandardOutput()
            for file in files {
                let result = Validator.validate(file: file)
                results.append(result)
                if !quiet || !result.ok {
                    output.line(ValidationReport.line(result))
                    for line in ValidationReport.details(result) { output.line(line) }
                    for note in result.notes { output.line("     note: \(note)") }
                }
            }
            for warning in Self.duplicateIDs(results) { output.line("warning: \(warning)") }
            if results.contains(where: { $0.expect == .pass && $0.ok }) {
                for line in ValidationReport.coverage(results) { output.line(line) }
            }
            let passed = results.filter(\.ok).count
            output.line("\(passed) passed, \(results.count - passed) failed")
            output.flush()

            if let json {
                try AtomicFile.write(ValidationReport.json(results).serialized(pretty: true) + "\n", to: json)
            }
            if passed != results.count { throw ExitCode.failure }
        }

        static func duplicateIDs(_ results: [ValidationResult]) -> [String] {
            var first: [String: String] = [:]
            var warnings: [String] = []
            for result in results {
                guard let id = result.id else { continue }
                if let earlier = first[id] {
                    warnings.append("trace id '\(id)' of \(result.file) is also the id of \(earlier); ids must be unique in a suite")
                } else {
                    first[id] = result.file
                }
            }
            return warnings
        }
    }
}

/// Buffered standard output: one write per batch, not per line.
struct StandardOutput {
    private var buffer = ""

    mutating func line(_ text: String) {
        buffer += text
        buffer += "\n"
        if buffer.utf8.count > 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer.utf8))
        buffer = ""
    }
}
