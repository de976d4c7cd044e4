import ArgumentParser
import CVConformHarness
import CVConformPlatform
import CVConformReports
import CVConformTrace
import Foundation

extension CVConform {
    /// `cvconform record TRACE... [--output FILE | --update]`
    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record",
            abstract: "Drive a trace's stimuli through an implementation (the reference by default) and write what it did.",
            discussion: """
                Write only the stimuli (messages from browser, customer and phone) and the setup; record fills \
                in every message the system sends, as a complete expect="pass" trace. With --update, each pass \
                trace is replayed first and re-recorded in place only if it no longer passes; the changes are \
                printed. Without --output or --update the recorded trace goes to standard output. The header \
                says what the recording does: <covers> lists the clauses it exercises, a core input that enters \
                an extended clause becomes profile="extended", and a fail or incomplete input becomes \
                expect="pass"; each change is a warning on standard error.
                """
        )

        @Argument(help: "Trace files or folders.")
        var paths: [String]

        @OptionGroup var implementation: ImplementationOptions

        @Option(name: .shortAndLong, help: ArgumentHelp("Write the recorded trace to this file (one input trace).", valueName: "file"))
        var output: String?

        @Flag(name: .long, help: "Re-record traces in place when they no longer pass, printing what changed.")
        var update = false

        mutating func validate() throws {
            if update && output != nil { throw ValidationError("give --output or --update, not both") }
        }

        mutating func run() async throws {
            InterruptHandling.install()
            let files: [String]
            do { files = try TraceFiles.collect(paths) } catch { throw ValidationError(error.description) }
            if !update && files.count != 1 {
                throw ValidationError("record writes one trace at a time; use --update to re-record a suite in place")
            }
            let makeImplementation = try implementation.factory()
            let quiet = implementation.replayOptions.quietPeriod
            var changed = 0
            var failed = 0
            var considered = 0
            for file in files {
                let trace: Trace
                do { trace = try Trace.read(file: file) } catch {
                    printError("cvconform: \(error)")
                    failed += 1
                    continue
                }
                if update && trace.header.expect != .pass { continue }
                considered += 1
                if update {
                    let runner = SuiteRunner(options: implementation.replayOptions, makeImplementation: makeImplementation)
                    let replay = await runner.run(trace)
                    await runner.finish()
                    if replay.verdict == .pass { continue }
                }
                var recorded: Trace
                let instance = makeImplementation()
                do {
                    let greeting = try await instance.start()
                    recorded = try await Recorder.record(trace, on: instance, greeting: greeting, quietPeriod: quiet)
                    await instance.stop()
                    for note in Recorder.annotate(&recorded, from: trace) { printError("warning: \(file): \(note)") }
                } catch {
                    await instance.stop()
                    printError("cvconform: \(file): cannot record: \(error.message)")
                    failed += 1
                    continue
                }
                let text = TraceWriter.xml(recorded)
                if update {
                    try AtomicFile.write(text, to: file)
                    changed += 1
                    print("updated \(file)")
                    for line in Recorder.diff(old: trace.messages, new: recorded.messages) { print("    " + line) }
                } else if let output {
                    try AtomicFile.write(text, to: output)
                    print("wrote \(output) (\(recorded.entries.count) messages)")
                } else {
                    print(text, terminator: "")
                }
            }
            if update {
                print("\(changed) of \(considered) pass traces re-recorded, \(considered - changed - failed) unchanged"
                      + (files.count > considered ? " (fail and incomplete traces are never re-recorded)" : ""))
            }
            if failed > 0 { throw ExitCode.failure }
        }
    }
}
