import CVConformModel

/// Follows a log as it is judged, on the judging thread: violations as soon
/// as they are found (so a live log shows them at once), each segment when
/// it ends, and, for tools that need it, every message with its judgement.
public protocol LogCheckObserver {
    /// A segment starts (its reset has been read).
    mutating func started(_ segment: LogSegmentStart)
    /// A violation, found before its segment ends.
    mutating func found(_ violation: LogViolation, in segment: LogSegmentStart)
    /// A segment has ended (at the next reset or the end of the log).
    mutating func finished(_ segment: LogSegmentResult)
    /// A message of a segment has been judged (not called for segments that
    /// are malformed from their reset on), when `followsMessages`.
    mutating func judged(_ entry: LogEntry, _ judgement: CellJudgement, in segment: LogSegmentStart)
    /// Whether `judged` is wanted: it costs a call per message.
    var followsMessages: Bool { get }
}

extension LogCheckObserver {
    public mutating func started(_ segment: LogSegmentStart) {}
    public mutating func found(_ violation: LogViolation, in segment: LogSegmentStart) {}
    public mutating func finished(_ segment: LogSegmentResult) {}
    public mutating func judged(_ entry: LogEntry, _ judgement: CellJudgement, in segment: LogSegmentStart) {}
    public var followsMessages: Bool { false }
}

/// What is known of a segment when it starts.
public struct LogSegmentStart: Hashable, Sendable {
    /// The reset's `trace`, if any.
    public var trace: String?
    /// The 1-based line of the reset.
    public var line: Int
    /// The number of cells the reset names; nil when it names none.
    public var cellCount: Int?
}

/// How much of each segment `check-log` keeps for explanations.
public struct LogCheckOptions: Hashable, Sendable {
    /// Messages shown before a violation, per channel and per cell.
    public var windowSize = 8
    /// Violations kept (explained) per segment; the rest are only counted.
    public var violationsKept = 16
    /// Owed messages kept per segment for an incomplete one's detail.
    public var owedKept = 5
    /// Lines per batch from the reading thread to the judging one.
    public var batchSize = 1024
    /// The bound on each cell's set of states in an `"observed":"external"`
    /// segment (`--max-states`); past it the segment is inconclusive.
    public var maxStates = RaceJudge.defaultMaxStates

    public init() {}
}
