import CVConformCells
import CVConformModel
import CVConformTrace

/// Judges one segment of a log as it streams by: its cells' monitors, the
/// windows for explanations, and bounded lists of what went wrong.
///
/// A class, changed in place: as a struct kept in an optional, its half a
/// kilobyte was copied for every message judged.
final class LogSegmentJudging {
    let start: LogSegmentStart
    let options: LogCheckOptions
    // Unchecked: only this object's methods touch these, on one thread.
    @exclusivity(unchecked) private(set) var result: LogSegmentResult
    @exclusivity(unchecked) private var judge: CellJudge
    @exclusivity(unchecked) private var windows: LogWindows
    @exclusivity(unchecked) private var cellMessages: [Int]
    /// Each cell's first messages with their lines, while there are at most
    /// `firstKept` in the cell and `allKept` in the segment: a rejection
    /// among them shows the sender's state when it decided (the model is
    /// run over them again).
    @exclusivity(unchecked) private var firstMessages: [[LogEntry]?]
    @exclusivity(unchecked) private var kept = 0
    static let firstKept = 64
    static let allKept = 16_384
    /// Malformed: nothing more is judged.
    @exclusivity(unchecked) private var stopped = false

    init(reset: LogReset, line: Int, options: LogCheckOptions, keepsMessages: Bool) {
        self.options = options
        var result: LogSegmentResult
        switch reset.partition {
        case .success(let partition):
            start = LogSegmentStart(trace: reset.trace, line: line, cellCount: partition.isDivided ? partition.cells.count : nil)
            if reset.observesExternalOnly || reset.observesReports {
                judge = CellJudge(partition: partition, races: AsyncSemantics(reportsInternal: reset.observesReports),
                                  maxStates: options.maxStates)
            } else {
                judge = CellJudge(partition: partition)
            }
            result = LogSegmentResult(trace: reset.trace, line: line, outcome: .accepted)
            result.partition = partition
        case .failure(let problem):
            start = LogSegmentStart(trace: reset.trace, line: line, cellCount: nil)
            judge = CellJudge(administration: Administration())
            result = LogSegmentResult(trace: reset.trace, line: line, outcome: .malformed)
            stopped = true
            result.malformedAt = line
            result.detail = "line \(line): \(problem)"
        }
        result.cellCount = start.cellCount
        self.result = result
        windows = LogWindows(cells: judge.partition.cells.count, size: options.windowSize, keepsMessages: keepsMessages)
        cellMessages = Array(repeating: 0, count: judge.partition.cells.count)
        firstMessages = Array(repeating: [], count: judge.partition.cells.count)
    }

    var isDivided: Bool { judge.partition.isDivided }

    /// Judges a message, telling `observer` of the violation it is, if any
    /// (nothing is returned: an optional violation, most often nil, was
    /// copied out for every message). `lines` reads the lines of the
    /// windows again when a violation is explained.
    func observe(
        _ input: ObservedMessage, at position: LogLinePosition, named: NamedCell? = nil, lines: LogLineFetcher,
        observer: inout some LogCheckObserver
    ) {
        let line = position.line
        result.messages += 1
        result.lastLine = line
        guard !stopped else { return }
        // The reaction only goes to an observer that follows each message.
        let (judgement, message) = judge.observe(input, at: line, keepingReaction: observer.followsMessages, named: named)
        if observer.followsMessages { observer.judged(LogEntry(line: line, message: message), judgement, in: start) }
        let violation: LogViolation
        switch judgement {
        case .allowed(let cell, _):
            cellMessages[cell] += 1
            windows.record(position, message, cell: cell)
            if firstMessages[cell] != nil {
                if cellMessages[cell] <= Self.firstKept && kept < Self.allKept {
                    firstMessages[cell]?.append(LogEntry(line: line, message: message))
                    kept += 1
                } else {
                    kept -= firstMessages[cell]?.count ?? 0
                    firstMessages[cell] = nil
                }
            }
            return
        case .afterRejection(let cell):
            cellMessages[cell] += 1
            return
        case .rejected(let cell, var rejection):
            cellMessages[cell] += 1
            // Early in a cell, the sender's state as it was when it decided,
            // as run shows it.
            if let before = firstMessages[cell] {
                Monitor.explainDecision(&rejection, messages: before.map(\.message),
                                        setup: judge.partition.cells[cell].administration) { "line \(before[$0].line)" }
            }
            violation = LogViolation(
                line: line, message: message, cell: isDivided ? cell + 1 : nil, kind: .rejected(rejection),
                channelWindow: lines.entries(windows.channel(message.channel, cell: cell)),
                cellWindow: lines.entries(windows.cell(cell)),
                entersExtended: judge.clausesApplied(cell: cell).contains { $0.profile == .extended }
            )
        case .unplaced(let unplaced):
            let cells = unplaced.cells
            var found = LogViolation(
                line: line, message: message, cell: nil, kind: .unplaced(unplaced),
                channelWindow: [], cellWindow: cells.first.map { lines.entries(windows.cell($0)) } ?? []
            )
            if cells.count > 1 { found.otherCellWindow = lines.entries(windows.cell(cells[1])) }
            violation = found
        }
        if result.violationCount == 0 {
            result.at = line
            result.cell = violation.cell
        }
        result.violationCount += 1
        if result.violations.count < options.violationsKept { result.violations.append(violation) }
        observer.found(violation, in: start)
    }

    /// A msg line that breaks the message table: the segment is malformed
    /// from here on (as a trace is when any message is, FMT-8).
    func malformed(line: Int, reason: String) {
        result.messages += 1
        result.lastLine = line
        guard result.malformedAt == nil else { return }
        stopped = true
        result.malformedAt = line
        result.detail = "line \(line): \(reason)"
    }

    func skipped(line: Int) {
        result.skippedLines += 1
        result.lastLine = line
    }

    func passed(line: Int) {
        result.lastLine = line
    }

    /// The segment's outcome, once it has ended.
    func finish() -> LogSegmentResult {
        var final = result
        if final.malformedAt != nil {
            final.outcome = .malformed
        } else if let first = final.violations.first {
            final.outcome = .rejected
            final.detail = first.summary
        } else if let (cell, reason) = judge.inconclusive {
            final.outcome = .inconclusive
            final.detail = (isDivided ? "cell \(cell + 1): " : "") + "inconclusive: " + reason
        } else if judge.isQuiescent {
            final.outcome = .accepted
        } else {
            final.outcome = .incomplete
            for (cell, owed) in judge.owedByCell {
                final.owedCount += owed.count
                for emission in owed where final.owed.count < options.owedKept {
                    final.owed.append(LogOwed(cell: isDivided ? cell + 1 : nil, emission: emission))
                }
            }
            final.detail = Self.owedDetail(final)
        }
        if !stopped {
            final.cells = judge.monitors.indices.map { index in
                let rejection = judge.rejections[index]
                let inconclusive = judge.judgesRaces && judge.raceJudges[index].isInconclusive
                return LogCellResult(
                    number: index + 1,
                    outcome: rejection != nil ? .rejected : inconclusive ? .inconclusive : judge.isQuiescent(cell: index) ? .accepted : .incomplete,
                    at: rejection?.position, messages: cellMessages[index],
                    entersExtended: judge.clausesApplied(cell: index).contains { $0.profile == .extended }
                )
            }
        }
        return final
    }

    /// `still owed at the end: icm→browser acw-open(agent=1001) (cell 2), and 3 more`
    static func owedDetail(_ result: LogSegmentResult) -> String {
        let shown = result.owed.prefix(2).map { owed in
            "\(owed.emission.message)" + (owed.cell.map { " (cell \($0))" } ?? "")
        }
        let more = result.owedCount - shown.count
        return "still owed at the end: " + shown.joined(separator: "; ") + (more > 0 ? ", and \(more) more" : "")
    }
}
