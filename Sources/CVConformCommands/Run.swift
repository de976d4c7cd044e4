import ArgumentParser
import CVConformHarness
import CVConformModel
import CVConformPlatform
import CVConformReports
import CVConformTrace
import Foundation
import Synchronization

extension CVConform {
    /// `cvconform run PATH... [--exec CMD | --connect HOST:PORT] [--profile …]`
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Replay pass traces against an implementation (the reference by default).",
            discussion: """
                Messages from roles outside the implementation are sent to it; messages from its roles are \
                expected from it, each channel in order, channels in any order. After a trace's last message \
                any further output fails it. Verdicts: pass, fail (a wrong, missing or extra output), error \
                (the implementation crashed, hung or broke the protocol), skip (it plays no role the trace \
                involves). Exit status: 0 when nothing failed or erred, 1 otherwise, 2 for a usage error.
                """
        )

        @OptionGroup var selection: SelectionOptions
        @OptionGroup var implementation: ImplementationOptions

        @Option(name: .long, help: ArgumentHelp("Which traces to replay: core, extended or all.", valueName: "profile"))
        var profile: ProfileChoice = .core

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Replay this many traces at once, one implementation process each.", valueName: "n"))
        var jobs = 1

        @Option(name: .long, help: ArgumentHelp("Known failures of this implementation (see README).", valueName: "file"))
        var expectations: String?

        @Flag(name: .customLong("allow-unexpected-pass"), help: "Do not fail the run when a trace marked as failing passes.")
        var allowUnexpectedPass = false

        @Option(name: .long, help: ArgumentHelp("Write the JSON report of contract section 6 to this file.", valueName: "file"))
        var json: String?

        @Option(name: .long, help: ArgumentHelp("Write a JUnit XML report to this file.", valueName: "file"))
        var junit: String?

        @Option(name: .long, help: ArgumentHelp("Write a self-contained HTML report (charts, divergences, coverage) to this file.", valueName: "file"))
        var html: String?

        @Flag(name: .long, help: "Print only traces that did not pass, and the summary.")
        var quiet = false

        @Flag(name: .long, help: "Also print every message exchanged for each trace.")
        var verbose = false

        @Flag(name: .customLong("fail-fast"), help: "Stop after the first trace that fails or errs.")
        var failFast = false

        mutating func validate() throws {
            for path in selection.paths where Double(path) != nil && !FileManager.default.fileExists(atPath: path) {
                throw ValidationError("'\(path)' is not a trace file or folder; for the quiet period write --quiet-period \(path)")
            }
            guard (1...64).contains(jobs) else { throw ValidationError("--jobs takes a number from 1 to 64") }
            if quiet && verbose { throw ValidationError("give --quiet or --verbose, not both") }
        }

        mutating func run() async throws {
            InterruptHandling.install()
            let chosen = try selection.select(profile: profile, passOnly: true, needsCovers: true)
            try selection.checkNotEmpty(chosen, what: "pass traces to replay")
            var known: Expectations?
            if let expectations {
                do { known = try Expectations.read(file: expectations) } catch { throw ValidationError("\(error)") }
            }
            let factory = try implementation.factory()
            // An implementation that cannot start at all is said once, in
            // words, and nothing is replayed (not one error per trace).
            let probe = factory()
            do {
                _ = try await probe.start()
                await probe.stop()
            } catch {
                await probe.abort()
                // Cannot be reached or started: nothing would be judged.
                // (A wrong hello is judged per trace, as a protocol error.)
                if error.kind == .unavailable || error.kind == .exited {
                    printError("error: the implementation did not start: \(error.message); nothing was replayed")
                    throw ExitCode.failure
                }
            }
            let options = implementation.replayOptions
            let runners = (0..<jobs).map { _ in SuiteRunner(options: options, makeImplementation: factory) }
            let pool = RunnerPool(runners)
            var terminal = Terminal()
            var output = StandardOutput()
            var results: [ReplayResult] = []
            let report = RunReport(implementation: implementation.label, results: [], expectations: known)
            let stop = StopFlag()
            let (quiet, verbose, failFast) = (self.quiet, self.verbose, self.failFast)
            var (passed, notPassed) = (0, 0)
            // Each trace id once (RUN-29): the files sharing an id become one
            // error, reported at the first of them; the others are left out.
            let duplicates = chosen.duplicates
            let work = chosen.traces.filter { trace in
                guard let id = trace.header?.id, let files = duplicates[id] else { return true }
                return files.first == trace.file
            }
            let clock = ContinuousClock()
            let started = clock.now
            await inOrder(work, jobs: jobs, work: { _, trace in
                if stop.isSet { return nil }
                if let problem = Self.problem(of: trace, duplicates: duplicates) {
                    return ReplayResult(id: trace.header?.id ?? trace.file, file: trace.file, verdict: .error, detail: problem)
                }
                let runner = await pool.take()
                let result = await runner.run(file: trace.file)
                await pool.give(runner)
                return result
            }, emit: { (result: ReplayResult?) in
                guard let result else { return }
                results.append(result)
                let status = report.status(of: result)
                terminal.clearProgress()
                if !quiet || ![.pass, .skip, .expectedFail].contains(status) {
                    output.line(Self.line(result, status: status, terminal: terminal))
                    if let note = report.expectationNote(result) { output.line("      " + note) }
                    if status != .pass || verbose {
                        for line in RunReport.details(result) { output.line("      " + line) }
                    }
                    if verbose { for line in RunReport.exchange(result) { output.line("      " + line) } }
                }
                output.flush()
                if result.verdict == .pass { passed += 1 }
                if result.verdict == .fail || result.verdict == .error { notPassed += 1 }
                terminal.progress("[\(results.count)/\(work.count)] \(passed) pass, \(notPassed) not  \(result.id)")
                if failFast && (result.verdict == .fail || result.verdict == .error) && status != .expectedFail { stop.set() }
            })
            for runner in runners { await runner.finish() }
            terminal.clearProgress()
            var name = implementation.label
            for runner in runners {
                if let said = await runner.implementationName { name = said; break }
            }
            let final = RunReport(implementation: name, results: results, expectations: known,
                                  shard: selection.shard, elapsed: clock.now - started)
            if let shard = selection.shard, chosen.traces.isEmpty {
                output.line("shard \(shard) holds none of the \(chosen.beforeShard) selected traces: nothing to replay")
            }
            if !chosen.summary.isEmpty { output.line("not replayed: \(chosen.summary)") }
            if stop.isSet { output.line("stopped early (--fail-fast): \(work.count - results.count) traces not replayed") }
            if let known {
                for entry in known.unused(ids: results.map(\.id) + chosen.idsBeforeShard) {
                    output.line("warning: \(known.file):\(entry.line): '\(entry.glob)' matches no selected trace")
                }
            }
            for line in ClauseFailures(final).lines(final) { output.line(line) }
            output.line("implementation: \(final.implementation)")
            // One vocabulary on both lines: passed, failed, errors, skipped,
            // expected failures, unexpected passes.
            func count(_ number: Int, _ one: String, _ many: String) -> String { "\(number) \(number == 1 ? one : many)" }
            var counts = "verdicts: \(final.count(Status.pass)) passed, \(final.count(Status.fail)) failed, "
                + count(final.count(Status.error), "error", "errors") + ", \(final.count(Status.skip)) skipped"
            if known != nil {
                counts += ", " + count(final.count(Status.expectedFail), "expected failure", "expected failures")
                    + ", " + count(final.count(Status.unexpectedPass), "unexpected pass", "unexpected passes")
            }
            output.line(counts)
            let failed = final.count(Status.fail) + final.count(Status.error) + final.count(Status.unexpectedPass)
            // Known failures count as skipped (they neither pass nor fail the
            // run), and the line says how many of the skipped they are.
            let knownFailures = final.count(Status.expectedFail)
            output.line("\(final.count(Status.pass)) passed, \(failed) failed, \(final.count(Status.skip) + knownFailures) skipped"
                        + (knownFailures > 0 ? " (\(knownFailures) of them expected failure\(knownFailures == 1 ? "" : "s"))" : ""))
            output.flush()
            if let json { try AtomicFile.write(final.json().serialized(pretty: true) + "\n", to: json) }
            if let junit { try AtomicFile.write(final.junit(), to: junit) }
            if let html { try AtomicFile.write(HTMLReport.render(final), to: html) }
            if !final.succeeded(allowUnexpectedPass: allowUnexpectedPass) { throw ExitCode.failure }
        }

        /// Why a trace is an error before it is replayed: its id is used by
        /// other files too, or its `<covers>` names a clause that does not
        /// exist (both make it not ok in `validate` as well).
        static func problem(of trace: SelectedTrace, duplicates: [String: [String]]) -> String? {
            guard let header = trace.header else { return nil }
            if let files = duplicates[header.id] {
                return "trace id '\(header.id)' is the id of \(files.joined(separator: " and ")); ids must be unique in a suite, "
                    + "so none of them was replayed"
            }
            let unknown = header.covers.filter { Clause(rawValue: $0) == nil }
            if !unknown.isEmpty {
                return "the trace's <covers> names clause ids that spec/requirements.md does not have: "
                    + unknown.joined(separator: ", ") + "; not replayed"
            }
            return nil
        }

        static func line(_ result: ReplayResult, status: Status, terminal: Terminal) -> String {
            let color: Terminal.Color
            switch status {
            case .pass: color = .green
            case .fail, .unexpectedPass: color = .red
            case .error: color = .magenta
            case .skip, .expectedFail: color = .yellow
            }
            let word: String = status.rawValue.uppercased()
            let gap = String(repeating: " ", count: max(1, 16 - word.count))
            let painted: String = terminal.paint(word, color)
            let id = result.id.count >= 44 ? result.id : result.id + String(repeating: " ", count: 44 - result.id.count)
            return painted + gap + id + " " + result.file
        }
    }
}

/// Runners waiting for work: one per job, each with its own implementation.
actor RunnerPool {
    private var idle: [SuiteRunner]
    private var waiting: [CheckedContinuation<SuiteRunner, Never>] = []

    init(_ runners: [SuiteRunner]) { idle = runners }

    func take() async -> SuiteRunner {
        if let runner = idle.popLast() { return runner }
        return await withCheckedContinuation { waiting.append($0) }
    }

    func give(_ runner: SuiteRunner) {
        if waiting.isEmpty { idle.append(runner) } else { waiting.removeFirst().resume(returning: runner) }
    }
}

/// Set once, read from any task (--fail-fast).
final class StopFlag: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}
