import CVConformCells
import CVConformLogs
import CVConformModel

/// One input, as a log of a running system, judged by `LogChecker` (what
/// `cvconform check-log` runs) from memory: line splitting, each line's
/// decoding (`LogItem.decode`: the wire reader, resets, cells), segments
/// judged cell by cell, and the explanations with their windows. The
/// summary and the segments must agree with each other and with the
/// input's lines. The same bytes are also packed into small batches, as
/// check-log's reading thread packs them (`LogBatch`), and judged from
/// there: that must come out the same.
///
/// Rejecting lines or segments is fine; crashing, hanging, leaking, or
/// breaking one of these checks is a finding.
enum LogTarget {
    /// Keeps what the checker tells, to compare it with the summary.
    struct Recorder: LogCheckObserver {
        var started: [LogSegmentStart] = []
        var finished: [LogSegmentResult] = []
        var violations = 0
        var judged = 0

        mutating func started(_ segment: LogSegmentStart) { started.append(segment) }
        mutating func found(_ violation: LogViolation, in segment: LogSegmentStart) {
            violations += 1
            if violation.line <= segment.line { fatalError("a violation at line \(violation.line), before its segment at \(segment.line)") }
            _ = String(describing: violation)
        }
        mutating func finished(_ segment: LogSegmentResult) { finished.append(segment) }
        mutating func judged(_ entry: LogEntry, _ judgement: CellJudgement, in segment: LogSegmentStart) { judged += 1 }
        var followsMessages: Bool { true }
    }

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        var recorder = Recorder()
        let summary: LogCheckSummary
        do throws(LogReadError) {
            summary = try LogChecker().check(.bytes(Array(bytes), name: "fuzz.jsonl"), observer: &recorder)
        } catch {
            fatalError("a log in memory cannot fail to be read: \(error)")
        }
        func require(_ condition: Bool, _ what: String) {
            if !condition { fatalError("\(what)\nsummary: \(summary)\ninput: \(String(decoding: bytes, as: UTF8.self).debugDescription)") }
        }
        let newlines = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        let lines = newlines + (bytes.last.map { $0 == 0x0A ? 0 : 1 } ?? 0)
        require(summary.lines == lines, "the summary counts \(summary.lines) lines, the input has \(lines)")
        require(recorder.started.count == recorder.finished.count, "every segment started finishes")
        require(summary.segments == recorder.finished.count, "the summary counts every segment")
        require(summary.accepted + summary.rejected + summary.incomplete + summary.malformed == summary.segments,
                "every segment has one outcome")
        // A msg before any reset counts as a message and as skipped.
        require(summary.ignored + summary.messages <= lines && summary.skipped.count <= lines, "no line is counted twice")
        // Batches of three lines, so that even short inputs cross batches.
        var packedRecorder = Recorder()
        let packed = LogChecker().judge(
            LogChecker.decodeAll(Array(bytes), batchSize: 3), source: .bytes(Array(bytes), name: "fuzz.jsonl"), observer: &packedRecorder
        )
        require(packed == summary, "judged from packed batches: \(packed)")
        require(packedRecorder.judged == recorder.judged && packedRecorder.violations == recorder.violations,
                "packed batches judge as many messages and find as many violations")
        for (direct, fromBatches) in zip(recorder.finished, packedRecorder.finished) {
            require(direct.outcome == fromBatches.outcome && direct.at == fromBatches.at && direct.cell == fromBatches.cell
                        && direct.malformedAt == fromBatches.malformedAt && direct.detail == fromBatches.detail
                        && direct.lastLine == fromBatches.lastLine && direct.violationCount == fromBatches.violationCount
                        && direct.messages == fromBatches.messages && direct.skippedLines == fromBatches.skippedLines
                        && direct.owedCount == fromBatches.owedCount,
                    "a segment judged from packed batches: \(fromBatches.outcome) at \(fromBatches.at ?? 0), not \(direct.outcome) at \(direct.at ?? 0)")
        }
        var previousEnd = 0
        for (start, result) in zip(recorder.started, recorder.finished) {
            require(start.line == result.line, "a segment finishes where it started")
            require(result.line > previousEnd && result.line <= result.lastLine && result.lastLine <= max(lines, 1),
                    "segment \(result.line)...\(result.lastLine) lies after the one before, inside the log")
            previousEnd = result.lastLine
            // `at` stays set under a malformation that came after a
            // violation (LOG-7: the report says so); the JSON shows it only
            // when rejected (LOG-8).
            require(result.outcome != .rejected || result.at != nil, "a rejected segment says where")
            require((result.at != nil) == (result.violationCount > 0), "a line exactly when there was a violation")
            if let at = result.at { require(at > result.line && at <= result.lastLine, "the violation lies in its segment") }
            if let line = result.malformedAt { require(line >= result.line && line <= result.lastLine, "the malformation lies in its segment") }
            require(result.outcome == .accepted || !result.detail.isEmpty, "a segment not accepted says why")
            if let cell = result.cell, let count = result.cellCount { require(cell >= 1 && cell <= count, "the cell is one of the reset's") }
        }
    }
}
