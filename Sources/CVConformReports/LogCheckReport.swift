import CVConformHarness
import CVConformLogs
import CVConformModel
import CVConformTrace

/// What `cvconform check-log` prints: one line per segment as `validate`
/// prints one per trace, the explanation of each violation, a summary.
package enum LogCheckReport {
    /// `FAIL rejected at 57   load-7                               app.log:1`
    package static func line(_ segment: LogSegmentResult, source: String) -> String {
        var outcome = segment.outcome.rawValue
        if let at = segment.at, segment.outcome == .rejected { outcome += " at \(at)" }
        let trace = segment.trace ?? "-"
        return "\(segment.failed ? "FAIL" : "ok  ") \(outcome.padding(16)) \(trace.padding(36)) \(source):\(segment.line)"
    }

    /// What is printed under a segment's line: the explanation of each kept
    /// violation (unless already printed live), the malformation, or what
    /// is still owed.
    package static func details(_ segment: LogSegmentResult, violationsShown: Bool) -> [String] {
        var lines: [String] = []
        switch segment.outcome {
        case .malformed:
            lines.append(segment.detail)
            if segment.violationCount > 0 {
                lines.append("(before that, \(count(segment.violationCount, "violation")) from line \(segment.at ?? 0))")
            }
        case .rejected:
            if violationsShown {
                lines.append("\(count(segment.violationCount, "violation")), explained above")
            } else {
                for violation in segment.violations { lines += explanation(violation) }
                let more = segment.violationCount - segment.violations.count
                if more > 0 { lines.append("… and \(count(more, "more violation")) (only the first \(segment.violations.count) are explained)") }
            }
        case .incomplete, .inconclusive:
            lines.append(segment.detail)
        case .accepted:
            break
        }
        if let cells = segment.cellCount, segment.outcome != .malformed {
            let failed = segment.cells.filter { $0.outcome == .rejected }.map { String($0.number) }
            let owing = segment.cells.filter { $0.outcome == .incomplete }.count
            var text = "\(count(cells, "cell")), \(segment.messages) messages"
            if !failed.isEmpty { text += "; rejected in cell\(failed.count == 1 ? "" : "s") " + failed.prefix(10).joined(separator: ", ") + (failed.count > 10 ? ", …" : "") }
            if owing > 0 { text += "; \(count(owing, "cell")) still owing" }
            lines.append(text)
        }
        if segment.skippedLines > 0 { lines.append("\(count(segment.skippedLines, "line")) skipped in this segment") }
        return lines.map { "     " + $0 }
    }

    /// A violation explained: the message and why, what was owed instead,
    /// the sender's state and the clause, then the messages before it on its
    /// channel and in its cell, each at its line.
    package static func explanation(_ violation: LogViolation) -> [String] {
        let cell = violation.cell.map { " in cell \($0)" } ?? ""
        var lines: [String]
        switch violation.kind {
        case .rejected(let rejection):
            lines = rejection.lines(at: "line \(violation.line)")
            lines[0] += cell
            let channel = violation.message.channel
            lines.append(violation.channelWindow.isEmpty
                ? "before it on \(channel)\(cell): nothing"
                : "before it on \(channel)\(cell):")
            lines += violation.channelWindow.map(entry)
            if !violation.cellWindow.isEmpty {
                lines.append("before it\(cell.isEmpty ? "" : cell) on any channel:")
                lines += violation.cellWindow.map(entry)
            }
        case .unplaced(let unplaced):
            lines = ["line \(violation.line) \(unplaced)"]
            let cells = unplaced.cells
            if let first = cells.first, !violation.cellWindow.isEmpty {
                lines.append("before it in cell \(first + 1):")
                lines += violation.cellWindow.map(entry)
            }
            if cells.count > 1, !violation.otherCellWindow.isEmpty {
                lines.append("before it in cell \(cells[1] + 1):")
                lines += violation.otherCellWindow.map(entry)
            }
        }
        return lines
    }

    /// `  line 40    cvct→icm answered(session=s1, extension=4001)`
    static func entry(_ entry: LogEntry) -> String {
        "  " + "line \(entry.line)".padding(12) + " \(entry.message)"
    }

    /// The closing lines: counts, then skipped lines if any.
    package static func summary(_ summary: LogCheckSummary) -> [String] {
        var lines: [String] = []
        if summary.segments == 0 {
            lines.append("no reset line in \(count(summary.lines, "line")): nothing was judged")
        } else {
            let ok = summary.accepted + summary.incomplete
            let inconclusive = summary.inconclusive > 0 ? ", \(summary.inconclusive) inconclusive" : ""
            lines.append("\(ok) ok, \(summary.rejected + summary.malformed + summary.inconclusive) failed (\(count(summary.segments, "segment")): "
                + "\(summary.accepted) accepted, \(summary.incomplete) incomplete, \(summary.rejected) rejected, \(summary.malformed) malformed\(inconclusive); "
                + "\(summary.messages) messages on \(count(summary.lines, "line")))")
        }
        if summary.skipped.count > 0 { lines.append(summary.skipped.summary) }
        return lines
    }

    /// `3 lines`, `1 line`
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
