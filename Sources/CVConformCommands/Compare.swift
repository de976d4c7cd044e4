import ArgumentParser
import CVConformReports
import Foundation

extension CVConform {
    /// `cvconform merge REPORT.json... [--output FILE]`
    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Join the JSON reports of the shards of one suite (--shard I/N) into one report.",
            discussion: "The result is the report one unsharded run would have written: traces in file order, the summary recounted."
        )

        @Argument(help: "JSON reports of run (or of validate), one per shard.")
        var reports: [String]

        @Option(name: .shortAndLong, help: ArgumentHelp("Write the merged report here instead of standard output.", valueName: "file"))
        var output: String?

        mutating func run() async throws {
            var files: [ReportFile] = []
            do {
                for path in reports { files.append(try ReportFile.read(path)) }
                let merged = try ReportFile.merge(files).serialized(pretty: true) + "\n"
                if let output { try AtomicFile.write(merged, to: output) } else { print(merged, terminator: "") }
            } catch let error as ReportFile.ReadError {
                throw UsageError(error.description)
            }
        }
    }

    /// `cvconform diff OLD.json NEW.json`
    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare two JSON reports: regressions, fixes, new and removed traces.",
            discussion: "Exit status 1 when a trace that passed (or was ok) no longer does; 0 otherwise."
        )

        @Argument(help: "The earlier report.")
        var old: String

        @Argument(help: "The later report.")
        var new: String

        mutating func run() async throws {
            let before: ReportFile
            let after: ReportFile
            do {
                before = try ReportFile.read(old)
                after = try ReportFile.read(new)
            } catch {
                throw UsageError(error.description)
            }
            guard before.kind == after.kind else {
                throw UsageError("\(old) is a \(before.kind.rawValue) report and \(new) a \(after.kind.rawValue) report; compare like with like")
            }
            let diff = ReportDiff(old: before, new: after)
            for line in diff.lines { print(line) }
            if !diff.regressions.isEmpty { throw ExitCode.failure }
        }
    }
}
