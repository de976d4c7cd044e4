import ArgumentParser
import CVConformReports

extension CVConform {
    /// `cvconform diff OLD.json NEW.json [--allow-removed] [--allow-expected]`
    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Compare two JSON reports: regressions, fixes, new and removed traces.",
            discussion: """
                Exit status 1 when a trace that passed (or was ok) no longer does, or when a trace of the earlier \
                report is missing from the later one (unless --allow-removed); 0 otherwise; 2 when the files are \
                not reports of the same kind.
                """
        )

        @Argument(help: "The earlier report.")
        var old: String

        @Argument(help: "The later report.")
        var new: String

        @Flag(name: .customLong("allow-removed"), help: "Do not count traces missing from the later report as a regression.")
        var allowRemoved = false

        @Flag(name: .customLong("allow-expected"), help: "Do not count a trace that passed and now fails as the expectations file says it would as a regression.")
        var allowExpected = false

        mutating func run() async throws {
            let before: ReportFile
            let after: ReportFile
            do {
                before = try ReportFile.read(old)
                after = try ReportFile.read(new)
            } catch {
                throw ValidationError(error.description)
            }
            guard before.kind == after.kind else {
                throw ValidationError("\(old) is a \(before.kind.rawValue) report and \(new) a \(after.kind.rawValue) report; compare like with like")
            }
            if let oldShard = before.shard, let newShard = after.shard, oldShard != newShard {
                throw ValidationError("\(old) holds shard \(oldShard) and \(new) shard \(newShard): their traces differ; compare the same shard, or merged reports")
            }
            let diff = ReportDiff(old: before, new: after, allowRemoved: allowRemoved, allowExpected: allowExpected)
            for line in diff.lines { print(line) }
            if diff.isRegression { throw ExitCode.failure }
        }
    }
}
