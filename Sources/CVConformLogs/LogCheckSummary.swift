import CVConformModel

/// Counters over a whole log: all that `check-log` keeps once a segment is
/// reported, so memory never grows with the log.
public struct LogCheckSummary: Hashable, Sendable {
    public var lines = 0
    public var segments = 0
    public var accepted = 0
    public var rejected = 0
    public var incomplete = 0
    public var malformed = 0
    /// Segments whose race judge outgrew `--max-states` (never a pass).
    public var inconclusive = 0
    /// `msg` lines, in segments or not.
    public var messages = 0
    public var skipped = SkippedLines()
    /// Well-formed lines of other ops of the wire protocol (hello, ready,
    /// sync, synced, bye), ignored.
    public var ignored = 0

    public init() {}

    /// Whether a segment was rejected or malformed.
    public var failed: Bool { rejected + malformed + inconclusive > 0 }

    mutating func count(_ outcome: Outcome) {
        segments += 1
        switch outcome {
        case .accepted: accepted += 1
        case .rejected: rejected += 1
        case .incomplete: incomplete += 1
        case .malformed: malformed += 1
        case .inconclusive: inconclusive += 1
        }
    }
}

/// Lines that were skipped: how many, and the first few with their reason.
public struct SkippedLines: Hashable, Sendable {
    public static let kept = 5

    public struct Line: Hashable, Sendable {
        public var number: Int
        public var reason: String
    }

    public private(set) var count = 0
    public private(set) var first: [Line] = []

    public init() {}

    mutating func add(_ number: Int, _ reason: String) {
        count += 1
        if first.count < Self.kept { first.append(Line(number: number, reason: reason)) }
    }

    /// `3 lines skipped: 2 (not JSON …), 5 (msg before any reset), …`
    public var summary: String {
        guard count > 0 else { return "" }
        let shown = first.map { "line \($0.number) (\($0.reason))" }.joined(separator: ", ")
        return "\(count) line\(count == 1 ? "" : "s") skipped: \(shown)\(count > first.count ? ", …" : "")"
    }
}
