import CVConformCells
import CVConformModel
import CVConformTrace

/// A message of a log that is not allowed where it stands, with what a
/// person needs to see why: the messages before it on its channel and in
/// its cell, each at its line (PObserve's window, bounded).
package struct LogViolation: Hashable, Sendable {
    package enum Kind: Hashable, Sendable {
        /// Its cell's model does not allow it: what was owed instead, the
        /// sender's state and the clause (`Rejection.position` is the line).
        case rejected(Rejection)
        /// It names ids of two cells, or of none.
        case unplaced(CellViolation)
    }

    /// The 1-based line of the message.
    package var line: Int
    package var message: Message
    /// The cell's number (1-based), when the reset names cells and the
    /// message belongs to one.
    package var cell: Int?
    package var kind: Kind
    /// The messages of its cell before it on its channel, oldest first
    /// (for an unplaced message: empty).
    package var channelWindow: [LogEntry]
    /// The messages of its cell before it on any channel, oldest first (for
    /// a message naming two cells: those of the first cell named).
    package var cellWindow: [LogEntry]
    /// For a message naming two cells: the window of the second.
    package var otherCellWindow: [LogEntry] = []
    /// Whether its cell's model had applied a clause of profile extended
    /// before it (a trace cut here is then `profile="extended"`).
    package var entersExtended = false

    /// The rejection, when its cell's model rejected it.
    package var rejection: Rejection? {
        if case .rejected(let rejection) = kind { return rejection }
        return nil
    }

    /// One line: `line 57 cvct→icm dropped(session=s1) is not allowed in cell 3: nothing is owed on cvct→icm`
    package var summary: String {
        let place = cell.map { " in cell \($0)" } ?? ""
        switch kind {
        case .rejected(let rejection) where rejection.race != nil:
            let instead = rejection.owedOnChannel.first.map { "expected instead \($0)" + (rejection.owedOnChannel.count > 1 ? " (or as \(rejection.owedOnChannel.count - 1) other interleavings allow)" : "") }
                ?? "no interleaving owes anything on \(message.channel)"
            return "line \(line) \(message) is allowed by no interleaving\(place): \(instead)"
        case .rejected(let rejection):
            let instead = rejection.owedOnChannel.first.map { "expected instead \($0)" }
                ?? "nothing is owed on \(message.channel)"
            return "line \(line) \(message) is not allowed\(place): \(instead)"
        case .unplaced(let violation):
            return "line \(line) \(message) \(violation.reason)"
        }
    }
}
