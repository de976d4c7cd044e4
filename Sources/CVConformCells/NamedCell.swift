/// The cell that a message's ids other than its session name (agents,
/// extensions, VDNs, skills: `CellPartition.namesID`), found before the
/// message is judged. check-log's reading thread finds it, so that the
/// judging thread looks up only the session (`CellJudge.observe`).
public enum NamedCell: Hashable, Sendable {
    /// No such id names a cell.
    case none
    /// Each id that names a cell names this one (its index).
    case cell(Int)
    /// They name different cells.
    case several

    /// Takes in the cell one more id names (nil: it names none).
    public mutating func add(_ cell: Int?) {
        guard let cell else { return }
        switch self {
        case .none: self = .cell(cell)
        case .cell(let found) where found != cell: self = .several
        case .cell, .several: break
        }
    }
}
