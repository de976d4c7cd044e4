import CVConformCells
import CVConformModel

/// Follows a log as it is judged, on the judging thread: violations as soon
/// as they are found (so a live log shows them at once), each segment when
/// it ends, and, for tools that need it, every message with its judgement.
package protocol LogCheckObserver {
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
    package mutating func started(_ segment: LogSegmentStart) {}
    package mutating func found(_ violation: LogViolation, in segment: LogSegmentStart) {}
    package mutating func finished(_ segment: LogSegmentResult) {}
    package mutating func judged(_ entry: LogEntry, _ judgement: CellJudgement, in segment: LogSegmentStart) {}
    package var followsMessages: Bool { false }
}

/// What is known of a segment when it starts.
package struct LogSegmentStart: Hashable, Sendable {
    /// The reset's `trace`, if any.
    package var trace: String?
    /// The 1-based line of the reset.
    package var line: Int
    /// The number of cells the reset names; nil when it names none.
    package var cellCount: Int?
}

/// How much of each segment `check-log` keeps for explanations.
package struct LogCheckOptions: Hashable, Sendable {
    /// Messages shown before a violation, per channel and per cell.
    package var windowSize = 8
    /// Violations kept (explained) per segment; the rest are only counted.
    package var violationsKept = 16
    /// Owed messages kept per segment for an incomplete one's detail.
    package var owedKept = 5
    /// Lines per batch from the reading thread to the judging one.
    package var batchSize = 1024
    /// The bound on each cell's set of states in an `"observed":"external"`
    /// segment (`--max-states`); past it the segment is inconclusive.
    package var maxStates = RaceJudge.defaultMaxStates

    package init() {}
}
