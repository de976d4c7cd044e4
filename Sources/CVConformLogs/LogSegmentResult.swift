import CVConformModel
import CVConformTrace

/// How one segment of a log was judged (contract section 7): from its
/// `reset` to the next one or the end of the log.
public struct LogSegmentResult: Sendable {
    /// The reset's `trace`, if it has one.
    public var trace: String?
    /// The 1-based line of the reset.
    public var line: Int
    /// The last line of the segment.
    public var lastLine: Int
    public var outcome: Outcome
    /// The line of the first violation (rejected segments only).
    public var at: Int?
    /// The line that makes it malformed (malformed segments only).
    public var malformedAt: Int?
    /// One line saying why; "" when accepted.
    public var detail: String
    /// The number of cells the reset names; nil when it names none.
    public var cellCount: Int?
    /// The cell (1-based) of the first violation, when the reset names cells.
    public var cell: Int?
    /// `msg` lines of the segment, judged or not.
    public var messages = 0
    /// Lines of the segment that were skipped (not JSON, unknown op, …).
    public var skippedLines = 0
    /// The first violations, in log order (at most
    /// `LogCheckOptions.violationsKept`), and how many there were in all.
    public var violations: [LogViolation] = []
    public var violationCount = 0
    /// What was still owed at the end (first few), and how much in all.
    public var owed: [LogOwed] = []
    public var owedCount = 0
    /// How each cell ended; one entry when the reset names no cells.
    public var cells: [LogCellResult] = []
    /// The reset's administration (nil when the reset is malformed), and
    /// each cell's.
    public var partition: CellPartition?

    public init(trace: String?, line: Int, outcome: Outcome) {
        self.trace = trace
        self.line = line
        self.lastLine = line
        self.outcome = outcome
        self.detail = ""
    }

    /// Rejected and malformed segments fail `check-log`.
    public var failed: Bool { outcome == .rejected || outcome == .malformed || outcome == .inconclusive }
}

/// A message owed at the end of a segment, and its cell.
public struct LogOwed: Hashable, Sendable {
    /// 1-based; nil when the reset names no cells.
    public var cell: Int?
    public var emission: Emission
}

/// How one cell of a segment ended.
public struct LogCellResult: Hashable, Sendable {
    /// 1-based.
    public var number: Int
    /// accepted, rejected or incomplete.
    public var outcome: Outcome
    /// The line of its first rejected message.
    public var at: Int?
    /// Messages placed in it.
    public var messages: Int
    /// Whether its model applied a clause of profile extended.
    public var entersExtended: Bool
}
