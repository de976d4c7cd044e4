import CVConformModel
import CVConformTrace

/// Where a message belongs when an administration is split into cells.
public enum CellPlacement: Hashable, Sendable {
    /// The index of its cell in `CellPartition.cells`.
    case cell(Int)
    /// It names ids of two cells, or of none: a violation.
    case unplaced(CellViolation)
}

/// One id a message names, and the cell (index) that id belongs to.
public struct CellMention: Hashable, Sendable, CustomStringConvertible {
    /// The parameter that names it: agent, extension, vdn, skill or session.
    public var parameter: String
    public var value: String
    public var cell: Int

    public init(parameter: String, value: String, cell: Int) {
        self.parameter = parameter
        self.value = value
        self.cell = cell
    }

    /// `agent 1001 (cell 2)`
    public var description: String { "\(parameter) \(value) (cell \(cell + 1))" }
}

/// A message that cannot be judged cell by cell: it names ids of two cells,
/// which share nothing by definition, or ids of none.
public struct CellViolation: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// Neither its ids nor its session (if any) belong to a cell.
        case noCell
        /// The first two ids that name different cells, in parameter order.
        case twoCells(CellMention, CellMention)
    }

    public var message: Message
    public var kind: Kind

    public init(message: Message, kind: Kind) {
        self.message = message
        self.kind = kind
    }

    /// The cells involved (indices), first named first.
    public var cells: [Int] {
        switch kind {
        case .noCell: return []
        case .twoCells(let first, let second): return [first.cell, second.cell]
        }
    }

    /// `browser→icm release(…) names ids of two cells: agent 1001 (cell 1) and session s7 (cell 2)`
    public var description: String { "\(message) \(reason)" }

    /// What is wrong, without the message.
    public var reason: String {
        switch kind {
        case .twoCells(let first, let second):
            return "names ids of two cells: \(first) and \(second); cells share no id"
        case .noCell:
            var parts: [String] = []
            let ids = message.orderedParameters.filter { CellPartition.namesID($0.name) }.map { "\($0.name) \($0.value)" }
            if !ids.isEmpty { parts.append(ids.joined(separator: ", ") + (ids.count == 1 ? " is" : " are") + " listed in no cell") }
            if let session = message.parameters[.session] {
                parts.append("session \(session) belongs to no cell (it was not requested on a VDN of a cell, or has ended)")
            }
            return "names no id of any cell: " + (parts.isEmpty ? "it names no id at all" : parts.joined(separator: "; "))
        }
    }
}
