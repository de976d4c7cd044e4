import ArgumentParser
import CVConformHarness
import CVConformLogs
import CVConformModel
import CVConformPlatform
import CVConformReports
import CVConformTrace
import Foundation

extension CVConform {
    /// `cvconform check-log FILE|- [--json FILE] [--trace-out DIR] [--extract LINE [--cell N] --output FILE]`
    struct CheckLog: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-log",
            abstract: "Judge a recorded JSON-Lines log of a running system against the reference model, streaming.",
            discussion: """
                A {"op":"reset","setup":{…}} line starts a segment; the {"op":"msg",…} lines after it, in the order \
                their receivers took them, are judged as a trace, cell by cell when the reset names "cells". Each \
                segment is accepted, rejected (at the line of its first violation), incomplete (messages still \
                owed: a log may end at any time) or malformed. Lines that are not JSON, of an unknown op or \
                before any reset are counted and skipped. With - the log is read from standard input as it comes \
                (tail -f app.log | cvconform check-log -), and each violation is printed as soon as it is found. \
                --trace-out writes each rejection as an expect="fail" trace of its cell; --extract writes a whole \
                segment or cell as a trace. Exit status: 0 when no segment is rejected or malformed, 1 when one \
                is, 2 for a usage error. See spec/check-log.md.
                """
        )

        @Argument(help: ArgumentHelp("The log, or - for standard input.", valueName: "file"))
        var file: String

        @Option(name: .long, help: ArgumentHelp("Write the JSON report of contract section 7 to this file.", valueName: "file"))
        var json: String?

        @Option(name: .customLong("trace-out"), help: ArgumentHelp(
            "Write each rejection (the first 20) as an expect=\"fail\" trace of its cell, cut after it, into this folder.",
            valueName: "dir"))
        var traceOut: String?

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
            "Write the whole segment whose reset is at this line as a trace (with --output, and --cell when it has cells).",
            valueName: "line"))
        var extract: Int?

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("With --extract: the cell (1-based, as reports number them).", valueName: "n"))
        var cell: Int?

        @Option(name: .shortAndLong, help: ArgumentHelp("With --extract: the trace file to write.", valueName: "file"))
        var output: String?

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Messages shown before a violation, per channel and per cell (0–64).", valueName: "n"))
        var window = 8

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
            "The most model states kept per cell for an \"observed\":\"external\" segment (contract section 8); past it the segment is inconclusive.",
            valueName: "n"))
        var maxStates = RaceJudge.defaultMaxStates

        @Flag(name: .long, help: "Print only segments that are rejected or malformed, and the summary.")
        var quiet = false

        mutating func validate() throws {
            if file == "-" && (traceOut != nil || extract != nil) {
                throw ValidationError("--trace-out and --extract read the log a second time: give a file, not -")
            }
            if extract == nil && (cell != nil || output != nil) {
                throw ValidationError("--cell and --output go with --extract LINE")
            }
            if extract != nil && output == nil { throw ValidationError("--extract needs --output FILE") }
            if let extract, extract < 1 { throw ValidationError("--extract takes the line (1-based) of a reset") }
            if let cell, cell < 1 { throw ValidationError("--cell takes a cell number, from 1") }
            guard (0...64).contains(window) else { throw ValidationError("--window takes a number from 0 to 64") }
            guard maxStates >= 1 else { throw ValidationError("--max-states takes a number of states, at least 1") }
        }

        mutating func run() async throws {
            let source: LogSource
            if file == "-" {
                source = .standardInput
            } else {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
                    throw ValidationError("no such file: \(file)")
                }
                guard !isDirectory.boolValue else { throw ValidationError("\(file) is a folder; check-log reads one log file") }
                source = .file(file)
            }
            var options = LogCheckOptions()
            options.windowSize = window
            options.maxStates = maxStates
            let checker = LogChecker(options: options)
            let live = file == "-" || isatty(STDOUT_FILENO) == 1
            let (quiet, traceOut, jsonPath) = (self.quiet, self.traceOut, self.json)
            let extract = self.extract.map { (line: $0, cell: cell, path: output ?? "") }
            let first = await onDedicatedThread("cvconform-check-log") {
                // Everything the judging thread writes to is made on it.
                var json: AtomicFileStream?
                do throws(AtomicFile.WriteError) {
                    if let jsonPath { json = try AtomicFileStream(path: jsonPath) }
                } catch {
                    var failed = CheckLogPassOne(summary: LogCheckSummary())
                    failed.jsonFailure = error.description
                    return failed
                }
                var output = CheckLogOutput(
                    source: source.name, live: live, quiet: quiet, json: json,
                    traceDirectory: traceOut, extract: extract
                )
                do throws(LogReadError) {
                    let summary = try checker.check(source, observer: &output)
                    return output.finish(summary)
                } catch {
                    var failed = CheckLogPassOne(summary: LogCheckSummary())
                    failed.readFailure = error.description
                    return failed
                }
            }
            if let readFailure = first.readFailure { throw ValidationError(readFailure) }
            if let jsonFailure = first.jsonFailure { throw ValidationError(jsonFailure) }
            var requests = first.traceRequests
            var refusal: String?
            switch first.extract {
            case .success(let request)?: requests.append(request)
            case .failure(let problem)?: refusal = problem.description
            case nil: break
            }
            var standardOutput = StandardOutput()
            for note in first.traceNotes { standardOutput.line("note: \(note)") }
            standardOutput.flush()
            if !requests.isEmpty {
                let requests = requests
                let written = await onDedicatedThread("cvconform-check-log-traces") { () -> (paths: [String], failures: [String]) in
                    var extraction = LogTraceExtraction(requests)
                    do throws(LogReadError) {
                        _ = try checker.check(source, observer: &extraction)
                    } catch {
                        return ([], [error.description])
                    }
                    return (extraction.written, extraction.failures.map(\.description))
                }
                for path in written.paths { standardOutput.line("wrote \(path)") }
                standardOutput.flush()
                for failure in written.failures { printError("cvconform check-log: \(failure)") }
                if !written.failures.isEmpty { throw ExitCode(2) }
            }
            if let refusal { throw ValidationError(refusal) }
            if first.summary.failed { throw ExitCode.failure }
        }
    }
}
