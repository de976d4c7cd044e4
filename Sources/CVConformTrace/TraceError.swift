/// A place in an input file, 1-based.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static let unknown = SourceLocation(file: "", line: 0, column: 0)

    /// `traces/login/basic.xml:12:3`, the form editors and terminals link.
    public var description: String {
        if line <= 0 { return file }
        return "\(file):\(line):\(max(column, 1))"
    }
}

/// Why a trace file cannot be judged: it is malformed (section 4) or could
/// not be read. Always carries where in the input the problem is.
///
/// A file with several malformations gives one error for the first, in file
/// order, carrying the others in `further`; `all` lists them together.
public struct TraceError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The file could not be opened or read.
        case unreadable
        /// The XML is not well formed, or the parser refused it (limits).
        case notWellFormed
        /// A DOCTYPE: never allowed, so no entity or DTD is ever processed.
        case doctype
        /// Well-formed XML that breaks the trace format.
        case invalidTrace
    }

    public var kind: Kind
    public var location: SourceLocation
    public var message: String
    /// The malformations found after this one in the same file, in file
    /// order. One that ended the reading (XML not well formed, a DOCTYPE)
    /// is always the last.
    public var further: [TraceError] = []
    /// How many more were found than are listed: a file cannot make the
    /// list longer than 100.
    public var unlisted = 0

    public init(_ kind: Kind, at location: SourceLocation, _ message: String) {
        self.kind = kind
        self.location = location
        self.message = message
    }

    /// `file:line:col: message` (this malformation alone).
    public var description: String { "\(location): \(message)" }

    /// This malformation and the further ones, in file order.
    public var all: [TraceError] {
        var first = self
        first.further = []
        first.unlisted = 0
        return [first] + further
    }

    /// One line per malformation, `file:line:col: message`, with
    /// "… and N more" where the list was cut.
    public var listing: [String] {
        var lines = all.map(\.description)
        guard unlisted > 0 else { return lines }
        let more = "… and \(unlisted) more"
        // The unlisted ones stand before one that ended the reading.
        if let last = all.last, last.kind != .invalidTrace, all.count > 1 {
            lines.insert(more, at: lines.count - 1)
        } else {
            lines.append(more)
        }
        return lines
    }
}
