import CVConformModel

/// Counters over a whole log: all that `check-log` keeps once a segment is
/// reported, so memory never grows with the log.
package struct LogCheckSummary: Hashable, Sendable {
    package var lines = 0
    package var segments = 0
    package var accepted = 0
    package var rejected = 0
    package var incomplete = 0
    package var malformed = 0
    /// Segments whose race judge outgrew `--max-states` (never a pass).
    package var inconclusive = 0
    /// `msg` lines, in segments or not.
    package var messages = 0
    package var skipped = SkippedLines()
    /// Well-formed lines of other ops of the wire protocol (hello, ready,
    /// sync, synced, bye), ignored.
    package var ignored = 0

    package init() {}

    /// Whether a segment was rejected or malformed.
    package var failed: Bool { rejected + malformed + inconclusive > 0 }

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
package struct SkippedLines: Hashable, Sendable {
    package static let kept = 5

    package struct Line: Hashable, Sendable {
        package var number: Int
        package var reason: String
    }

    package private(set) var count = 0
    package private(set) var first: [Line] = []

    package init() {}

    mutating func add(_ number: Int, _ reason: String) {
        count += 1
        if first.count < Self.kept { first.append(Line(number: number, reason: reason)) }
    }

    /// `3 lines skipped: 2 (not JSON …), 5 (msg before any reset), …`
    package var summary: String {
        guard count > 0 else { return "" }
        let shown = first.map { "line \($0.number) (\($0.reason))" }.joined(separator: ", ")
        return "\(count) line\(count == 1 ? "" : "s") skipped: \(shown)\(count > first.count ? ", …" : "")"
    }
}
