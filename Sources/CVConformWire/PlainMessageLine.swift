import CVConformTrace

/// The one shape nearly every wire and log line has, read in a single pass
/// over its bytes: a `msg` object whose members are strings of printable
/// ASCII without escapes (and `params`, an object of such strings), that
/// fits the message table.
///
/// It is a shortcut, never a judge: any line it does not take whole (an
/// escape, a number, a nested value, a member twice, an unknown role, type
/// or parameter, a message the table refuses, bytes after the object)
/// gives nil, and the caller reads the line with `WireProtocol.MessageFields`
/// and `JSONReader`, which accept or explain it. So a line it takes is one
/// those would take, as the same message (`PlainMessageLineTests` compare
/// both on every shape of line).
///
/// Why not `JSONReader`: tokens and names compared as strings cost most of
/// decoding a log (BENCHMARKS.md, "Why the code is as it is").
package enum PlainMessageLine {
    static let maximumParameters = 4

    /// The message the line is, or nil when the line is not of this shape.
    package static func message(_ bytes: UnsafeBufferPointer<UInt8>) -> Message? {
        withRow(bytes) { row, parameters in
            MessageCatalog.message(row: row) { String(decoding: parameters[$0].value, as: UTF8.self) }
        }
    }

    /// Reads the line and gives `body` the row of the table its message
    /// fits (see `MessageCatalog.fastRow`) and its parameters in the row's
    /// order, their values as bytes of the line; nil when the line is not
    /// of this shape.
    package static func withRow<Result>(
        _ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, UnsafeBufferPointer<MessageCatalog.RawParameter>) -> Result
    ) -> Result? {
        withUnsafeTemporaryAllocation(of: MessageCatalog.RawParameter.self, capacity: maximumParameters) { storage in
            var scanner = Scanner(bytes: bytes)
            guard let (row, count) = scanner.row(storage) else { return nil }
            return body(row, UnsafeBufferPointer(rebasing: storage[..<count]))
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        /// The members this shape knows, one bit each.
        private static let op: UInt8 = 1, from: UInt8 = 2, to: UInt8 = 4, type: UInt8 = 8, params: UInt8 = 16

        /// The row the line's message fits, and how many parameters it
        /// put in `storage`, sorted.
        mutating func row(_ storage: UnsafeMutableBufferPointer<MessageCatalog.RawParameter>) -> (row: Int, count: Int)? {
            var seen: UInt8 = 0
            var fromRole: Role?, toRole: Role?, messageType: MessageType?
            var count = 0
            guard take(UInt8(ascii: "{")), !at(UInt8(ascii: "}")) else { return nil }
            repeat {
                guard let key = string(), take(UInt8(ascii: ":")) else { return nil }
                let bit = Self.bit(of: key)
                if bit != 0 {
                    guard seen & bit == 0 else { return nil }
                    seen |= bit
                }
                if bit == Self.params {
                    guard take(UInt8(ascii: "{")) else { return nil }
                    if !take(UInt8(ascii: "}")) {
                        repeat {
                            guard count < storage.count, let name = string(), take(UInt8(ascii: ":")), let value = string(),
                                  let index = MessageCatalog.parameterIndex(utf8: name)
                            else { return nil }
                            storage[count] = MessageCatalog.RawParameter(name: index, value: value)
                            count += 1
                        } while take(UInt8(ascii: ","))
                        guard take(UInt8(ascii: "}")) else { return nil }
                    }
                } else {
                    guard let value = string() else { return nil }
                    switch bit {
                    case Self.op:
                        guard Self.equals(value, "msg") else { return nil }
                    case Self.from:
                        guard let role = Role(utf8: value) else { return nil }
                        fromRole = role
                    case Self.to:
                        guard let role = Role(utf8: value) else { return nil }
                        toRole = role
                    case Self.type:
                        guard let found = MessageType(utf8: value) else { return nil }
                        messageType = found
                    default:
                        break // a member the protocol does not read
                    }
                }
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return nil }
            skipSpace()
            guard offset == bytes.count, seen == 31, let fromRole, let toRole, let messageType else { return nil }
            let row = MessageCatalog.fastRow(
                from: fromRole, to: toRole, type: messageType, raw: UnsafeMutableBufferPointer(rebasing: storage[..<count])
            )
            return row.map { ($0, count) }
        }

        private static func bit(of key: UnsafeBufferPointer<UInt8>) -> UInt8 {
            switch key.count {
            case 2: return equals(key, "op") ? op : equals(key, "to") ? to : 0
            case 4: return equals(key, "from") ? from : equals(key, "type") ? type : 0
            case 6: return equals(key, "params") ? params : 0
            default: return 0
            }
        }

        private static func equals(_ text: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
            guard text.count == word.utf8CodeUnitCount else { return false }
            let start = word.utf8Start
            for index in 0..<text.count where text[index] != start[index] { return false }
            return true
        }

        /// JSON's white space (a line has no line feed, but may end in a
        /// carriage return).
        private mutating func skipSpace() {
            while offset < bytes.count {
                switch bytes[offset] {
                case 0x20, 0x09, 0x0D, 0x0A: offset += 1
                default: return
                }
            }
        }

        private mutating func at(_ byte: UInt8) -> Bool {
            skipSpace()
            return offset < bytes.count && bytes[offset] == byte
        }

        /// Takes `byte` after white space, and the white space after it.
        private mutating func take(_ byte: UInt8) -> Bool {
            guard at(byte) else { return false }
            offset += 1
            skipSpace()
            return true
        }

        /// A string of printable ASCII without escapes, its bytes between
        /// the quotes; nil for anything else.
        private mutating func string() -> UnsafeBufferPointer<UInt8>? {
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { return nil }
            let start = offset + 1
            var index = start
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    offset = index + 1
                    skipSpace()
                    return UnsafeBufferPointer(rebasing: bytes[start..<index])
                }
                guard byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\") else { return nil }
                index += 1
            }
            return nil
        }
    }
}
