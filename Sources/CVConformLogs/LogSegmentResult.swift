import CVConformCells
import CVConformModel
import CVConformTrace

/// How one segment of a log was judged (contract section 7): from its
/// `reset` to the next one or the end of the log.
package struct LogSegmentResult: Sendable {
    /// The reset's `trace`, if it has one.
    package var trace: String?
    /// The 1-based line of the reset.
    package var line: Int
    /// The last line of the segment.
    package var lastLine: Int
    package var outcome: Outcome
    /// The line of the first violation (rejected segments only).
    package var at: Int?
    /// The line that makes it malformed (malformed segments only).
    package var malformedAt: Int?
    /// One line saying why; "" when accepted.
    package var detail: String
    /// The number of cells the reset names; nil when it names none.
    package var cellCount: Int?
    /// The cell (1-based) of the first violation, when the reset names cells.
    package var cell: Int?
    /// `msg` lines of the segment, judged or not.
    package var messages = 0
    /// Lines of the segment that were skipped (not JSON, unknown op, …).
    package var skippedLines = 0
    /// The first violations, in log order (at most
    /// `LogCheckOptions.violationsKept`), and how many there were in all.
    package var violations: [LogViolation] = []
    package var violationCount = 0
    /// What was still owed at the end (first few), and how much in all.
    package var owed: [LogOwed] = []
    package var owedCount = 0
    /// How each cell ended; one entry when the reset names no cells.
    package var cells: [LogCellResult] = []
    /// The reset's administration (nil when the reset is malformed), and
    /// each cell's.
    package var partition: CellPartition?

    package init(trace: String?, line: Int, outcome: Outcome) {
        self.trace = trace
        self.line = line
        self.lastLine = line
        self.outcome = outcome
        self.detail = ""
    }

    /// Rejected and malformed segments fail `check-log`.
    package var failed: Bool { outcome == .rejected || outcome == .malformed || outcome == .inconclusive }
}

/// A message owed at the end of a segment, and its cell.
package struct LogOwed: Hashable, Sendable {
    /// 1-based; nil when the reset names no cells.
    package var cell: Int?
    package var emission: Emission
}

/// How one cell of a segment ended.
package struct LogCellResult: Hashable, Sendable {
    /// 1-based.
    package var number: Int
    /// accepted, rejected or incomplete.
    package var outcome: Outcome
    /// The line of its first rejected message.
    package var at: Int?
    /// Messages placed in it.
    package var messages: Int
    /// Whether its model applied a clause of profile extended.
    package var entersExtended: Bool
}
