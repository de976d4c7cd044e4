import ArgumentParser
import CVConformHarness
import CVConformReports
import CVConformTrace
import Foundation

extension CVConform {
    /// `cvconform run PATH... [--exec CMD | --connect HOST:PORT] [--profile …]`
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay pass traces against an implementation (the reference by default).",
            discussion: """
                Messages from roles outside the implementation are sent to it; messages from its roles are \
                expected from it, each channel in order, channels in any order. After a trace's last message \
                any further output fails it. Verdicts: pass, fail (a wrong, missing or extra output), error \
                (the implementation crashed, hung or broke the protocol), skip (it plays no role the trace \
                involves). Exit status: 0 when nothing failed or erred, 1 otherwise, 2 for a usage error.
                """
        )

        @Argument(help: "Trace files, or folders searched recursively for *.xml. Only expect=\"pass\" traces are replayed.")
        var paths: [String]

        @OptionGroup var implementation: ImplementationOptions

        @Option(name: .long, help: ArgumentHelp("Which traces to replay: core, extended or all.", valueName: "profile"))
        var profile: ProfileChoice = .core

        @Option(name: .long, help: ArgumentHelp("Write the JSON report of contract section 6 to this file.", valueName: "file"))
        var json: String?

        @Option(name: .long, help: ArgumentHelp("Write a JUnit XML report to this file.", valueName: "file"))
        var junit: String?

        @Flag(name: .long, help: "Print only traces that did not pass, and the summary.")
        var quiet = false

        mutating func validate() throws {
            for path in paths where Double(path) != nil && !FileManager.default.fileExists(atPath: path) {
                throw ValidationError("'\(path)' is not a trace file or folder; for the quiet period write --quiet-period \(path)")
            }
        }

        mutating func run() async throws {
            InterruptHandling.install()
            let files: [String]
            do { files = try TraceFiles.collect(paths) } catch { throw ValidationError(error.description) }
            let selection = TraceSelection.select(files, profile: profile)
            guard !selection.files.isEmpty else {
                throw ValidationError("no \(profile == .all ? "" : profile.rawValue + " ")pass traces under \(paths.joined(separator: " ")) (\(selection.summary))")
            }
            let runner = SuiteRunner(options: implementation.replayOptions, makeImplementation: try implementation.factory())
            var output = StandardOutput()
            var results: [ReplayResult] = []
            for file in selection.files {
                let result = await runner.run(file: file)
                results.append(result)
                if !quiet || result.verdict == .fail || result.verdict == .error {
                    output.line(RunReport.line(result))
                    for line in RunReport.details(result) { output.line("      " + line) }
                }
                output.flush()
            }
            await runner.finish()
            let report = RunReport(implementation: runner.implementationName ?? implementation.label, results: results)
            if !selection.summary.isEmpty { output.line("not replayed: \(selection.summary)") }
            output.line("implementation: \(report.implementation)")
            output.line("verdicts: \(report.count(.pass)) pass, \(report.count(.fail)) fail, \(report.count(.error)) error, \(report.count(.skip)) skip")
            output.line("\(report.count(.pass)) passed, \(report.count(.fail) + report.count(.error)) failed, \(report.count(.skip)) skipped")
            output.flush()
            if let json { try AtomicFile.write(report.json().serialized(pretty: true) + "\n", to: json) }
            if let junit { try AtomicFile.write(report.junit(), to: junit) }
            if !report.succeeded { throw ExitCode.failure }
        }
    }
}

enum ProfileChoice: String, ExpressibleByArgument, CaseIterable {
    case core, extended, all

    func admits(_ profile: Profile) -> Bool {
        self == .all || rawValue == profile.rawValue
    }
}

/// Which files `run` replays: pass traces of the chosen profile. Malformed
/// files are kept, so that the run reports them as errors.
struct TraceSelection {
    var files: [String] = []
    var summary = ""

    static func select(_ candidates: [String], profile: ProfileChoice) -> TraceSelection {
        var selection = TraceSelection()
        var notPass = 0
        var otherProfile = 0
        for file in candidates {
            guard let header = try? TraceReader(file: file).readHeader() else {
                selection.files.append(file)
                continue
            }
            if header.expect != .pass {
                notPass += 1
            } else if !profile.admits(header.profile) {
                otherProfile += 1
            } else {
                selection.files.append(file)
            }
        }
        var parts: [String] = []
        if notPass > 0 { parts.append("\(notPass) fail or incomplete traces (validate judges those)") }
        if otherProfile > 0 { parts.append("\(otherProfile) traces of another profile (see --profile)") }
        selection.summary = parts.joined(separator: "; ")
        return selection
    }
}
