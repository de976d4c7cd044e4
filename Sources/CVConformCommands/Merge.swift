import ArgumentParser
import CVConformPlatform
import CVConformReports
import Foundation

extension CVConform {
    /// `cvconform merge REPORT.json... [--output FILE] [--html FILE] [--junit FILE] [--allow-incomplete]`
    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge",
            abstract: "Join the JSON reports of the shards of one suite (--shard I/N) into one report.",
            discussion: """
                The result is the report one unsharded run would have written: traces in file order, the summary \
                recounted. Each shard's report names its shard; merge refuses a set with a shard missing (named) \
                unless --allow-incomplete, then the merged report lists the missing ones under "missing_shards". \
                It always refuses a shard given twice and a trace in two reports. Exit status 2 for a refusal. \
                For reports of run, --html and --junit write the merged run as run writes them; the HTML keeps what \
                the JSON keeps (verdict, detail, clause, duration, and the coverage of each trace file still in \
                place), and each shard's own HTML has its sequence charts and logs.
                """
        )

        @Argument(help: "JSON reports of run (or of validate), one per shard.")
        var reports: [String]

        @Option(name: .shortAndLong, help: ArgumentHelp("Write the merged report here instead of standard output.", valueName: "file"))
        var output: String?

        @Option(name: .long, help: ArgumentHelp("Also write the merged run as an HTML report (reports of run only).", valueName: "file"))
        var html: String?

        @Option(name: .long, help: ArgumentHelp("Also write the merged run as a JUnit XML report (reports of run only).", valueName: "file"))
        var junit: String?

        @Flag(name: .customLong("allow-incomplete"), help: "Merge even when a shard's report is missing (the result names the missing shards).")
        var allowIncomplete = false

        mutating func run() async throws {
            var files: [ReportFile] = []
            do {
                for path in reports { files.append(try ReportFile.read(path)) }
                let merged = try ReportMerge.merge(files, allowIncomplete: allowIncomplete)
                if html != nil || junit != nil {
                    let report = try RunReport(merged: merged)
                    if let html {
                        try AtomicFile.write(HTMLReport.render(report, title: "cvconform run (\(files.count) reports merged)"), to: html)
                        printError("wrote \(html)")
                    }
                    if let junit {
                        try AtomicFile.write(report.junit(), to: junit)
                        printError("wrote \(junit)")
                    }
                }
                let text = merged.serialized(pretty: true) + "\n"
                if let output {
                    try AtomicFile.write(text, to: output)
                    print("wrote \(output) (\(files.count) report\(files.count == 1 ? "" : "s") merged)")
                } else {
                    print(text, terminator: "")
                }
                if let missing = merged["missing_shards"]?.arrayValue, !missing.isEmpty {
                    printError("warning: merged without " + missing.compactMap(\.stringValue).map { "shard \($0)" }.joined(separator: ", "))
                }
            } catch let error as ReportError {
                throw ValidationError(error.description)
            }
        }
    }
}
