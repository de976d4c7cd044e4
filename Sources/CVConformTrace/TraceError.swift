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

    public init(_ kind: Kind, at location: SourceLocation, _ message: String) {
        self.kind = kind
        self.location = location
        self.message = message
    }

    /// `file:line:col: message`
    public var description: String { "\(location): \(message)" }
}
