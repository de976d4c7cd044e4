import ArgumentParser
import CVConformHarness
import CVConformLogs
import CVConformTrace
import Foundation

extension BenchCommand {
    /// `cvconform-bench bench-log FILE`: times check-log's two halves apart, each
    /// on one thread over a log held in memory (the best of several runs),
    /// and the whole check, for Scripts/bench-check-log and profiling.
    struct BenchLog: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench-log",
            abstract: "Time check-log's decoding and judging apart, on one thread each, over a log in memory."
        )

        /// Follows nothing: only the judging is timed.
        struct Silent: LogCheckObserver, Sendable {}

        @Argument(help: "A JSON-Lines log.")
        var file: String

        @Option(name: .long, parsing: .unconditional, help: "Repetitions; the best is printed.")
        var repeats = 5

        @Flag(name: .long, help: "Time decoding and judging only (each apart), not the whole check.")
        var halves = false

        mutating func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let bytes = [UInt8](data)
            let repeats = max(1, self.repeats)
            let whole = !halves
            let source = LogSource.file(file)
            let report = await onDedicatedThread("cvconform-bench-log") { () -> [String] in
                let clock = ContinuousClock()
                func seconds(_ duration: Duration) -> Double {
                    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
                }
                // Decoding is timed keeping nothing, as the reading thread
                // hands each batch on; judging, over lines decoded before.
                var decoding = Duration.seconds(3600)
                for _ in 0..<repeats {
                    decoding = min(decoding, clock.measure { _ = LogChecker.decodeDropping(bytes) })
                }
                let batches = LogChecker.decodeAll(bytes)
                let checker = LogChecker()
                var judging = Duration.seconds(3600)
                var summary = LogCheckSummary()
                for _ in 0..<repeats {
                    var observer = Silent()
                    judging = min(judging, clock.measure { summary = checker.judge(batches, source: source, observer: &observer) })
                }
                var inline = Duration.seconds(3600)
                for _ in 0..<(whole ? repeats : 0) {
                    var observer = Silent()
                    inline = min(inline, clock.measure { _ = try? checker.check(.bytes(bytes, name: ""), observer: &observer) })
                }
                var twoThreads = Duration.seconds(3600)
                for _ in 0..<(whole ? repeats : 0) {
                    var observer = Silent()
                    twoThreads = min(twoThreads, clock.measure { _ = try? checker.check(source, observer: &observer) })
                }
                let lines = Double(max(1, summary.lines))
                func row(_ name: String, _ duration: Duration) -> String {
                    name.padding(toLength: 34, withPad: " ", startingAt: 0)
                        + String(format: "%7.3f s  %6.0f ns/line", seconds(duration), seconds(duration) / lines * 1e9)
                }
                return [
                    "\(summary.lines) lines, \(summary.messages) messages, \(summary.segments) segments (best of \(repeats))",
                    row("decode (one thread)", decoding),
                    row("judge (one thread)", judging),
                ] + (whole ? [
                    row("check-log (one thread, memory)", inline),
                    row("check-log (two threads, file)", twoThreads),
                ] : [])
            }
            for line in report { print(line) }
        }
    }
}
