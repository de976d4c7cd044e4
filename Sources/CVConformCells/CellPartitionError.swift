/// Why a reset's cell lists do not split its administration into cells
/// that share nothing. A struct around a private enum, so kinds can be added
/// without breaking callers.
public struct CellPartitionError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case notAnID(String, cell: Int)
        case inTwoCells(String, Int, Int)
        case inNoCell(String)
        case apart(String)
    }

    private let kind: Kind

    private init(_ kind: Kind) { self.kind = kind }

    /// A listed id that is not a non-empty string of digits.
    static func notAnID(_ id: String, cell: Int) -> Self { Self(.notAnID(id, cell: cell)) }
    /// An id listed in two cells (1-based numbers).
    static func inTwoCells(_ id: String, _ first: Int, _ second: Int) -> Self { Self(.inTwoCells(id, first, second)) }
    /// An administered id (described, e.g. "agent 1001") that no cell lists.
    static func inNoCell(_ what: String) -> Self { Self(.inNoCell(what)) }
    /// Ids that belong together listed in different cells.
    static func apart(_ why: String) -> Self { Self(.apart(why)) }

    public var description: String {
        switch kind {
        case .notAnID(let id, let cell):
            return "cell \(cell) lists '\(id)', but ids are non-empty strings of digits"
        case .inTwoCells(let id, let first, let second):
            return "id \(id) is listed in cell \(first) and in cell \(second); cells share no id"
        case .inNoCell(let what):
            return "\(what) is administered but listed in no cell"
        case .apart(let why):
            return "\(why); cells share no behaviour, so they must be listed together"
        }
    }
}
