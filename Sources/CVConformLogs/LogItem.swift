import CVConformCells
import CVConformJSON
import CVConformModel
import CVConformTrace
import CVConformWire

/// What one line of a log is, once decoded: the unit handed from the
/// reading thread to the judging thread.
package enum LogItem: Sendable {
    /// A `msg` line that fits the message table; with the cell its ids
    /// other than the session name, when the reading thread found it.
    case message(Message, at: LogLinePosition, named: NamedCell? = nil)
    /// A `msg` line that breaks the message table (contract sections 2, 4).
    case badMessage(line: Int, reason: String)
    /// A `reset` line: a new segment starts.
    case reset(LogReset, line: Int)
    /// A line that is not judged and is worth counting: not JSON, not an
    /// object, no `op`, an unknown `op`, too long.
    case skipped(line: Int, reason: String)
    /// A well-formed line of another op of the wire protocol (hello, ready,
    /// sync, synced, bye): ignored, only counted.
    case ignored(line: Int)
    /// The end of the log, after its last line.
    case end(lines: Int)

    /// Ops of the wire protocol other than msg and reset: well-formed lines
    /// that are ignored without a word.
    static let quietOps: Set<String> = ["hello", "ready", "sync", "synced", "bye"]

    /// Decodes one line; nil for a blank line.
    ///
    /// A msg line of the usual shape (nearly every line) is read in one
    /// pass (`PlainMessageLine`); any other msg line is decoded into its
    /// fields (`WireProtocol.MessageFields`) and checked against the table;
    /// every other line is read whole.
    static func decode(_ line: LogLineReader.Line) -> LogItem? {
        if line.tooLong {
            return .skipped(line: line.number, reason: "longer than \(LogLineReader.maximumLineLength >> 20) MB")
        }
        let bytes = line.bytes
        if let message = PlainMessageLine.message(bytes) { return .message(message, at: LogLinePosition(line)) }
        if isBlank(bytes) { return nil }
        var fields: WireProtocol.MessageFields
        do {
            fields = try WireProtocol.MessageFields(bytes)
        } catch {
            let reason = error.code == .unexpectedEnd ? "truncated JSON"
                : error.message == "not an object" ? "a JSON value that is not an object" : "not JSON (\(error))"
            if looksLikeReset(bytes) { return .reset(LogReset(unreadable: reason), line: line.number) }
            return .skipped(line: line.number, reason: reason)
        }
        if fields.isMessage {
            if let message = fields.takeMessage() { return .message(message, at: LogLinePosition(line)) }
            // Not the fast path: read the fields again (taking the message
            // took their parameters) for the table's check to say what is
            // wrong.
            if let again = try? WireProtocol.MessageFields(bytes) { fields = again }
            guard let from = fields.from, let to = fields.to, let type = fields.type else {
                return .badMessage(line: line.number, reason: "msg needs string fields from, to and type")
            }
            if let problem = fields.problem { return .badMessage(line: line.number, reason: problem) }
            switch MessageCatalog.check(from: from, to: to, type: type, parameters: fields.parameters) {
            case .success(let message): return .message(message, at: LogLinePosition(line))
            case .failure(let problem): return .badMessage(line: line.number, reason: problem.description)
            }
        }
        let object: JSONValue
        do {
            var reader = JSONReader(bytes: bytes)
            object = try reader.readDocument()
        } catch {
            return .skipped(line: line.number, reason: "not JSON (\(error))")
        }
        switch object["op"] {
        case .string("reset")?:
            return .reset(LogReset(object), line: line.number)
        case .string(let op)? where quietOps.contains(op):
            return .ignored(line: line.number)
        case .string(let op)?:
            return .skipped(line: line.number, reason: "unknown op '\(op.prefix(40))'")
        case nil:
            return .skipped(line: line.number, reason: "a JSON object without an op")
        default:
            return .skipped(line: line.number, reason: "an op that is not a string")
        }
    }

    private static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte != 0x20 && byte != 0x09 && byte != 0x0D { return false }
        return true
    }

    /// Whether a line that is not JSON holds `"op":"reset"` (spaces allowed
    /// around the colon): a reset cut short or mangled.
    static func looksLikeReset(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let key = Array(#""op""#.utf8)
        let value = Array(#""reset""#.utf8)
        var index = 0
        while index + key.count <= bytes.count {
            defer { index += 1 }
            guard bytes[index] == key[0], zip(key.indices, key).allSatisfy({ bytes[index + $0] == $1 }) else { continue }
            var cursor = index + key.count
            while cursor < bytes.count && bytes[cursor] == 0x20 { cursor += 1 }
            guard cursor < bytes.count && bytes[cursor] == UInt8(ascii: ":") else { continue }
            cursor += 1
            while cursor < bytes.count && bytes[cursor] == 0x20 { cursor += 1 }
            if cursor + value.count <= bytes.count && zip(value.indices, value).allSatisfy({ bytes[cursor + $0] == $1 }) {
                return true
            }
        }
        return false
    }
}

/// Where a line stands in its source: its number, and its bytes' offset and
/// length, so it can be read again to explain a violation.
package struct LogLinePosition: Hashable, Sendable {
    var line: Int
    var offset: Int
    var length: Int

    init(line: Int, offset: Int, length: Int) {
        self.line = line
        self.offset = offset
        self.length = length
    }

    init(_ line: LogLineReader.Line) {
        self.init(line: line.number, offset: line.offset, length: line.bytes.count)
    }
}
