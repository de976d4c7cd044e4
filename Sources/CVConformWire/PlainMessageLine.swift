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
        withUnsafeTemporaryAllocation(of: MessageCatalog.RawParameter.self, capacity: MessageCatalog.mostParameters) { storage in
            guard let (row, count) = row(of: bytes, into: storage) else { return nil }
            return body(row, UnsafeBufferPointer(rebasing: storage[..<count]))
        }
    }

    /// Reads the line into `storage` (room for `MessageCatalog.mostParameters`): the
    /// row its message fits and how many parameters it put there, in the
    /// row's order; nil when the line is not of this shape. Not generic,
    /// for callers in other modules: there `withRow` is not specialized,
    /// and it looked up generic metadata for every line (a tenth of
    /// check-log's reading thread).
    package static func row(
        of bytes: UnsafeBufferPointer<UInt8>, into storage: UnsafeMutableBufferPointer<MessageCatalog.RawParameter>
    ) -> (row: Int, count: Int)? {
        var scanner = Scanner(bytes: bytes)
        return scanner.row(storage)
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
            if let found = canonicalRow(storage) { return found }
            offset = 0
            return anyOrderRow(storage)
        }

        /// The members in the order the harness writes them (and most
        /// writers do), without white space: `{"op":"msg","from":…,"to":…,
        /// "type":…,"params":{…}}`. Its names are compared as they stand
        /// rather than read as strings, which was a third of reading such a
        /// line. Any other line gives nil, and `anyOrderRow` reads it; a
        /// line this takes, that one takes as the same message.
        private mutating func canonicalRow(
            _ storage: UnsafeMutableBufferPointer<MessageCatalog.RawParameter>
        ) -> (row: Int, count: Int)? {
            guard literal(#"{"op":"msg","from":"#), let from = string().flatMap(Role.init(utf8:)),
                  literal(#","to":"#), let to = string().flatMap(Role.init(utf8:)),
                  literal(#","type":"#), let type = string().flatMap(MessageType.init(utf8:)),
                  literal(#","params":{"#), let count = parameters(storage), take(UInt8(ascii: "}"))
            else { return nil }
            guard offset == bytes.count else { return nil }
            let row = MessageCatalog.fastRow(from: from, to: to, type: type, raw: UnsafeMutableBufferPointer(rebasing: storage[..<count]))
            return row.map { ($0, count) }
        }

        /// Takes `word` when the bytes at the offset are exactly it.
        private mutating func literal(_ word: StaticString) -> Bool {
            let length = word.utf8CodeUnitCount
            guard bytes.count - offset >= length else { return false }
            let start = word.utf8Start
            var index = 0
            // Eight bytes at a time: a literal is up to 20 bytes long.
            if let base = bytes.baseAddress {
                let here = UnsafeRawPointer(base + offset), there = UnsafeRawPointer(start)
                while index + 8 <= length {
                    guard here.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                        == there.loadUnaligned(fromByteOffset: index, as: UInt64.self) else { return false }
                    index += 8
                }
            }
            while index < length {
                guard bytes[offset &+ index] == start[index] else { return false }
                index += 1
            }
            offset += length
            return true
        }

        /// The members of `params` after its `{`, through its `}`, into
        /// `storage`: how many there are; nil when they are not strings of
        /// known names, or too many.
        private mutating func parameters(_ storage: UnsafeMutableBufferPointer<MessageCatalog.RawParameter>) -> Int? {
            skipSpace()
            if take(UInt8(ascii: "}")) { return 0 }
            var count = 0
            repeat {
                guard count < storage.count, let name = string(), take(UInt8(ascii: ":")), let value = string(),
                      let index = MessageCatalog.parameterIndex(utf8: name)
                else { return nil }
                storage[count] = MessageCatalog.RawParameter(name: index, value: value)
                count += 1
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return nil }
            return count
        }

        /// Any order of members, white space anywhere JSON allows it.
        private mutating func anyOrderRow(_ storage: UnsafeMutableBufferPointer<MessageCatalog.RawParameter>) -> (row: Int, count: Int)? {
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
                    guard take(UInt8(ascii: "{")), let taken = parameters(storage) else { return nil }
                    count = taken
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

        /// A byte's high bit set for each byte of an eight-byte word (read
        /// little-endian) that is a quote, a backslash, DEL, a control or
        /// not ASCII. A borrow in the arithmetic can set bits only above a
        /// byte that is truly flagged, so the lowest bit set is exact.
        private static func specialBytes(_ word: UInt64) -> UInt64 {
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            func zeroByte(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highs }
            let quote = zeroByte(word ^ (ones &* 0x22))
            let backslash = zeroByte(word ^ (ones &* 0x5C))
            let delete = zeroByte(word ^ (ones &* 0x7F))
            let control = (word &- ones &* 0x20) & ~word & highs
            return quote | backslash | delete | control | word & highs
        }

        /// A string of printable ASCII without escapes, its bytes between
        /// the quotes; nil for anything else.
        private mutating func string() -> UnsafeBufferPointer<UInt8>? {
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { return nil }
            let start = offset + 1
            var index = start
            // Eight bytes at a time: the first flagged byte of a word is
            // the string's end (a quote) or spoils it (anything else). Most
            // strings of a line end within their first word; byte by byte,
            // this loop was a sixth of check-log's reading thread.
            if let base = bytes.baseAddress {
                while index + 8 <= bytes.count {
                    // Little-endian whatever the machine: the first byte
                    // is the lowest, as the count of trailing zeros needs.
                    let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                    let flagged = Self.specialBytes(word)
                    if flagged != 0 {
                        let end = index + flagged.trailingZeroBitCount >> 3
                        guard bytes[end] == UInt8(ascii: "\"") else { return nil }
                        offset = end + 1
                        skipSpace()
                        return UnsafeBufferPointer(rebasing: bytes[start..<end])
                    }
                    index += 8
                }
            }
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
