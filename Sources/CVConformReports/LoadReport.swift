import CVConformHarness
import CVConformJSON
import CVConformLoad
import CVConformTrace

/// The reports of `cvconform load`: the JSON of contract section 7, the
/// lines a person reads, and a self-contained HTML page.
package enum LoadReport {
    /// `{"implementation","duration","cells","stimuli","messages","throughput","latency":{"p50","p90","p99","max"},
    /// "violations":[{"cell","detail"}]}`, with the seed, the rate, each violation's explanation and window, and
    /// a per-second timeline besides. Times are in seconds.
    package static func json(_ result: LoadResult) -> JSONValue {
        func seconds(_ value: Double) -> JSONValue { .number(JSONNumber((value * 1_000_000).rounded() / 1_000_000) ?? 0) }
        var fields: [(String, JSONValue)] = [
            ("implementation", .string(result.implementation)),
            ("duration", seconds(result.duration)),
            ("cells", .integer(result.cells)),
            ("stimuli", .integer(result.stimuli)),
            ("messages", .integer(result.messages)),
            ("throughput", .number(JSONNumber(result.throughput.rounded()) ?? 0)),
            ("latency", .object([("p50", seconds(result.p50)), ("p90", seconds(result.p90)), ("p99", seconds(result.p99)),
                                 ("max", seconds(result.max))])),
            ("stopped_early", .optional(result.stoppedEarly)),
            ("violations", .array(result.violations.map { violation in
                .object([
                    ("cell", violation.cell.map { .integer($0) } ?? .null),
                    ("detail", .string(violation.detail)),
                    ("at", seconds(violation.at)),
                    ("explanation", .array(violation.explanation.map(JSONValue.string))),
                    ("window", .array(violation.window.map { .string(mark($0.mark) + " " + $0.message.description) })),
                ])
            })),
            ("violation_count", .integer(result.violationCount)),
            ("seed", .integer(Int(truncatingIfNeeded: result.seed))),
            ("rate", result.rate.map { .number(JSONNumber($0) ?? 0) } ?? .null),
            ("backlog", .integer(result.backlog)),
            ("races", result.races.map { .integer($0) } ?? .null),
            ("jobs", .integer(result.jobs)),
            ("timeline", .array(result.timeline.map { sample in
                .object([("second", .integer(sample.second)), ("stimuli", .integer(sample.stimuli)), ("messages", .integer(sample.messages)),
                         ("p50", seconds(sample.p50)), ("p90", seconds(sample.p90)), ("p99", seconds(sample.p99)),
                         ("violations", .integer(sample.violations))])
            })),
        ]
        if let failure = result.failure { fields.append(("error", .string(failure.message))) }
        return .object(fields)
    }

    static func mark(_ mark: LoadWindowEntry.Mark) -> String {
        switch mark {
        case .sent: return "→"
        case .observed: return "←"
        case .expected: return "✗ expected:"
        case .unexpected: return "✗ came unexpected:"
        }
    }

    /// The summary and each violation explained.
    /// "judged in 2 jobs": how many jobs judged the cells (LOAD-19).
    static func judgedIn(_ result: LoadResult) -> String {
        "judged in \(result.jobs) job\(result.jobs == 1 ? "" : "s")"
    }

    package static func lines(_ result: LoadResult) -> [String] {
        var lines: [String] = []
        for violation in result.violations.prefix(10) {
            lines.append("VIOLATION in " + (violation.cell.map { "cell \($0)" } ?? "no cell") + " at \(String(format2: violation.at)) s: \(violation.detail)")
            lines += violation.explanation.map { "      " + $0 }
            if !violation.window.isEmpty {
                lines.append("      the cell's last messages:")
                lines += violation.window.suffix(10).map { "        \(mark($0.mark)) \($0.message)" }
            }
        }
        if result.violationCount > 10 { lines.append("… and \(result.violationCount - 10) more violations (see --json)") }
        if let failure = result.failure { lines.append("error: the implementation broke down: \(failure.message)") }
        if let stoppedEarly = result.stoppedEarly { lines.append("stopped early: " + stoppedEarly) }
        lines.append("\(result.cells) cells, \(String(format2: result.duration)) s: \(result.stimuli) stimuli, \(result.messages) messages, "
                     + "\(Int(result.throughput.rounded())) messages/s"
                     + (result.rate.map { " (open loop, \($0) stimuli/s" } ?? " (closed loop") + ", \(judgedIn(result)))")
        let stopped = max(Set(result.violations.compactMap(\.cell)).count, min(result.violationCount, result.cells))
        if stopped >= result.cells {
            lines.append("every cell stopped at a violation: the figures above and below are of the steps before")
        } else if stopped > 0 {
            lines.append("\(stopped) of \(result.cells) cells stopped at a violation: the figures above and below are mostly the "
                         + "\(result.cells - stopped) healthy cells'")
        }
        lines.append("latency from stimulus to output: p50 \(milliseconds(result.p50)), p90 \(milliseconds(result.p90)), "
                     + "p99 \(milliseconds(result.p99)), max \(milliseconds(result.max))")
        if result.backlog > 0 { lines.append("\(result.backlog) stimuli arrived while their cell was still busy and waited") }
        if let races = result.races { lines.append("\(races) racing stimuli (each sent right after another of its cell's)") }
        switch (result.violationCount, result.failure) {
        case (0, nil): lines.append("no violation")
        case (let count, nil): lines.append("\(count) violation(s)")
        case (0, _): lines.append("no verdict: the implementation broke down")
        case (let count, _): lines.append("\(count) violation(s), and the run ended early")
        }
        return lines
    }

    static func milliseconds(_ seconds: Double) -> String { String(format2: seconds * 1000) + " ms" }
}
