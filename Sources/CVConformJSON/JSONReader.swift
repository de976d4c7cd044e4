/// One token of a JSON text, as `JSONReader.next()` hands them out.
public enum JSONToken: Hashable, Sendable {
    case beginObject, endObject, beginArray, endArray
    /// A member name; the reader has consumed the `:` after it.
    case key(JSONText)
    case string(JSONText)
    /// A number's literal, checked against RFC 8259's grammar.
    case number(JSONText)
    case bool(Bool)
    case null
    /// The end of the input, after the one top-level value.
    case end
}

/// Where a string's or number's bytes lie in the input: read them with
/// `JSONReader.string(_:)`, `JSONReader.matches(_:_:)` or the number
/// accessors. Cheap to copy; it holds no bytes of its own.
public struct JSONText: Hashable, Sendable {
    /// Byte range in the input: for strings, between the quotes.
    public let start: Int
    public let end: Int
    /// Whether a string holds backslash escapes (then decoding copies).
    public let hasEscapes: Bool
}

/// A pull reader of JSON (RFC 8259) over UTF-8 bytes: one token at a time,
/// nothing allocated unless asked for, so a caller can decode a line
/// straight into its own fields. Containers nest at most `maxDepth` deep.
///
/// Everything it hands out has been checked: numbers against the grammar
/// (no `-`, `01`, `1.`, `.5`, `1-2`), strings for escapes, surrogate pairs,
/// control characters and UTF-8, and the order of tokens (so `{"a" 1}` or
/// `[1,]` are errors, at the offset of the offending byte).
///
/// The reader does not own its bytes: the buffer must outlive it. Use
/// `JSONReader.withReader(_:maxDepth:_:)` for a `String` or `[UInt8]`.
public struct JSONReader {
    /// The deepest nesting any reader allows (and the default).
    public static let depthLimit = 64

    public let bytes: UnsafeBufferPointer<UInt8>
    public let maxDepth: Int
    /// The offset of the next byte to read.
    public private(set) var offset = 0
    /// How many containers are open.
    public private(set) var depth = 0
    /// One bit per open container: 1 for an object, 0 for an array.
    private var objects: UInt64 = 0
    private var expecting: Expecting = .topValue

    private enum Expecting {
        case topValue, end
        case firstKeyOrClose, key, valueAfterKey, commaOrCloseObject
        case firstValueOrClose, valueInArray, commaOrCloseArray
    }

    public init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = JSONReader.depthLimit) {
        self.bytes = bytes
        self.maxDepth = min(max(maxDepth, 1), Self.depthLimit)
    }

    /// Runs `body` with a reader over the UTF-8 of `text`.
    public static func withReader<Result>(
        _ text: String, maxDepth: Int = JSONReader.depthLimit, _ body: (inout JSONReader) throws(JSONError) -> Result
    ) throws(JSONError) -> Result {
        var text = text
        let outcome: Swift.Result<Result, JSONError> = text.withUTF8 { buffer in
            var reader = JSONReader(bytes: buffer, maxDepth: maxDepth)
            do throws(JSONError) { return .success(try body(&reader)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }

    /// Runs `body` with a reader over `bytes`.
    public static func withReader<Result>(
        _ bytes: [UInt8], maxDepth: Int = JSONReader.depthLimit, _ body: (inout JSONReader) throws(JSONError) -> Result
    ) throws(JSONError) -> Result {
        let outcome: Swift.Result<Result, JSONError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(bytes: buffer, maxDepth: maxDepth)
            do throws(JSONError) { return .success(try body(&reader)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }

    // MARK: - Tokens

    /// The next token. After the top-level value it is `.end`, and an error
    /// if anything but white space follows.
    public mutating func next() throws(JSONError) -> JSONToken {
        switch expecting {
        case .topValue, .valueAfterKey, .valueInArray:
            return try value()
        case .end:
            skipSpace()
            guard offset == bytes.count else {
                throw JSONError(.trailingContent, at: offset, "\(shown(offset)) after the end of the value")
            }
            return .end
        case .firstKeyOrClose:
            skipSpace()
            if offset < bytes.count && bytes[offset] == UInt8(ascii: "}") { return close(object: true) }
            return try key()
        case .key:
            return try key()
        case .commaOrCloseObject:
            skipSpace()
            guard offset < bytes.count else { throw endError("',' or '}'") }
            switch bytes[offset] {
            case UInt8(ascii: ","):
                offset += 1
                return try key()
            case UInt8(ascii: "}"):
                return close(object: true)
            default:
                throw JSONError(.unexpectedByte, at: offset, "expected ',' or '}' in an object, found \(shown(offset))")
            }
        case .firstValueOrClose:
            skipSpace()
            if offset < bytes.count && bytes[offset] == UInt8(ascii: "]") { return close(object: false) }
            return try value()
        case .commaOrCloseArray:
            skipSpace()
            guard offset < bytes.count else { throw endError("',' or ']'") }
            switch bytes[offset] {
            case UInt8(ascii: ","):
                offset += 1
                return try value()
            case UInt8(ascii: "]"):
                return close(object: false)
            default:
                throw JSONError(.unexpectedByte, at: offset, "expected ',' or ']' in an array, found \(shown(offset))")
            }
        }
    }

    /// The next member of the object being read when it is a plain string
    /// member, `"name":"value"` (printable ASCII, no escapes), read in one
    /// step: the two tokens `next()` would give, `.key(name)` then
    /// `.string(value)`. Anything else (another kind of value, escapes,
    /// other bytes, the object's end, not inside an object) returns nil and
    /// consumes nothing, so `next()` reads it with every check. A fast path
    /// for lines made of such members, as wire lines are.
    public mutating func nextStringMember() -> (name: JSONText, value: JSONText)? {
        let start = offset
        switch expecting {
        case .firstKeyOrClose, .key:
            break
        case .commaOrCloseObject:
            skipSpace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: ",") else {
                offset = start
                return nil
            }
            offset += 1
        default:
            return nil
        }
        skipSpace()
        guard let name = plainString() else {
            offset = start
            return nil
        }
        skipSpace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else {
            offset = start
            return nil
        }
        offset += 1
        skipSpace()
        guard let value = plainString() else {
            offset = start
            return nil
        }
        expecting = .commaOrCloseObject
        return (name, value)
    }

    /// A string of printable ASCII without escapes, from its opening quote;
    /// nil (offset left anywhere) for anything else.
    private mutating func plainString() -> JSONText? {
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { return nil }
        offset += 1
        let start = offset
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                offset += 1
                return JSONText(start: start, end: offset - 1, hasEscapes: false)
            }
            guard byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\") else { return nil }
            offset += 1
        }
        return nil
    }

    /// Skips the rest of a value whose first token was `token`: nothing for
    /// a scalar, up to the matching close for a container.
    public mutating func skipValue(startingWith token: JSONToken) throws(JSONError) {
        guard token == .beginObject || token == .beginArray else { return }
        let level = depth
        while depth >= level {
            if try next() == .end { throw endError("the end of a container") }
        }
    }

    /// Skips the next value.
    public mutating func skipValue() throws(JSONError) {
        try skipValue(startingWith: try next())
    }

    /// Reads the next value whole, as a tree.
    public mutating func readValue() throws(JSONError) -> JSONValue {
        let start = offset
        return try readValue(startingWith: try next(), at: start)
    }

    /// Reads a value whole, given its first token.
    public mutating func readValue(startingWith token: JSONToken) throws(JSONError) -> JSONValue {
        try readValue(startingWith: token, at: offset)
    }

    private mutating func readValue(startingWith token: JSONToken, at start: Int) throws(JSONError) -> JSONValue {
        switch token {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .string(let text): return .string(string(text))
        case .number(let text): return .number(JSONNumber(checkedLiteral: string(text)))
        case .beginArray:
            var items: [JSONValue] = []
            while true {
                let item = try next()
                if item == .endArray { return .array(items) }
                items.append(try readValue(startingWith: item))
            }
        case .beginObject:
            var members: [(String, JSONValue)] = []
            while true {
                let item = try next()
                guard case .key(let name) = item else { return .object(members) }
                members.append((string(name), try readValue(startingWith: try next())))
            }
        case .key, .endObject, .endArray, .end:
            throw JSONError(.notAValue, at: start, "expected a value here")
        }
    }

    /// Reads the one value of the input and checks that nothing follows.
    public mutating func readDocument() throws(JSONError) -> JSONValue {
        let value = try readValue()
        _ = try next()
        return value
    }

    // MARK: - Reading texts

    /// The string a text stands for, escapes decoded.
    public func string(_ text: JSONText) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[text.start..<text.end])
        guard text.hasEscapes else { return String(decoding: slice, as: UTF8.self) }
        // Escapes only ever shrink: "\n" is 2 bytes for 1, "\uXXXX" 6 for
        // at most 3, a surrogate pair 12 for 4.
        return String(unsafeUninitializedCapacity: slice.count) { out in
            var index = 0
            var written = 0
            while index < slice.count {
                let byte = slice[index]
                guard byte == UInt8(ascii: "\\") else {
                    out[written] = byte
                    written += 1
                    index += 1
                    continue
                }
                let escape = slice[index + 1]
                index += 2
                switch escape {
                case UInt8(ascii: "b"): out[written] = 0x08
                case UInt8(ascii: "f"): out[written] = 0x0C
                case UInt8(ascii: "n"): out[written] = 0x0A
                case UInt8(ascii: "r"): out[written] = 0x0D
                case UInt8(ascii: "t"): out[written] = 0x09
                case UInt8(ascii: "u"):
                    var code = Self.hex4(slice, at: index)
                    index += 4
                    if (0xD800..<0xDC00).contains(code) {
                        let low = Self.hex4(slice, at: index + 2)
                        index += 6
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    for unit in UTF8.encode(Unicode.Scalar(code) ?? "\u{FFFD}") ?? UTF8.EncodedScalar() {
                        out[written] = unit
                        written += 1
                    }
                    continue
                default: out[written] = escape // " \ /
                }
                written += 1
            }
            return written
        }
    }

    /// Whether a text is exactly `literal`, without making a String.
    public func matches(_ text: JSONText, _ literal: StaticString) -> Bool {
        if text.hasEscapes { return string(text) == literal.description }
        let count = literal.utf8CodeUnitCount
        guard text.end - text.start == count else { return false }
        let start = literal.utf8Start
        for index in 0..<count where bytes[text.start + index] != start[index] { return false }
        return true
    }

    /// A number's literal as an Int, when it is an integer that fits.
    public func int(_ text: JSONText) -> Int? {
        Int(string(text))
    }

    /// A number's literal as a Double.
    public func double(_ text: JSONText) -> Double? {
        Double(string(text))
    }

    // MARK: - Scanning

    private mutating func skipSpace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x0A, 0x0D, 0x09: offset += 1
            default: return
            }
        }
    }

    private mutating func key() throws(JSONError) -> JSONToken {
        skipSpace()
        guard offset < bytes.count else { throw endError("a member name") }
        guard bytes[offset] == UInt8(ascii: "\"") else {
            throw JSONError(.unexpectedByte, at: offset, "expected a member name in quotes, found \(shown(offset))")
        }
        let name = try stringText()
        skipSpace()
        guard offset < bytes.count else { throw endError("':'") }
        guard bytes[offset] == UInt8(ascii: ":") else {
            throw JSONError(.unexpectedByte, at: offset, "expected ':' after a member name, found \(shown(offset))")
        }
        offset += 1
        expecting = .valueAfterKey
        return .key(name)
    }

    private mutating func value() throws(JSONError) -> JSONToken {
        skipSpace()
        guard offset < bytes.count else { throw endError("a value") }
        let token: JSONToken
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try open(object: true)
        case UInt8(ascii: "["): return try open(object: false)
        case UInt8(ascii: "\""): token = .string(try stringText())
        case UInt8(ascii: "t"): token = try literal("true", .bool(true))
        case UInt8(ascii: "f"): token = try literal("false", .bool(false))
        case UInt8(ascii: "n"): token = try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): token = .number(try numberText())
        default:
            throw JSONError(.unexpectedByte, at: offset, "expected a value, found \(shown(offset))")
        }
        afterValue()
        return token
    }

    /// After a complete value: what may follow it.
    private mutating func afterValue() {
        if depth == 0 {
            expecting = .end
        } else {
            expecting = objects & (1 << UInt64(depth - 1)) != 0 ? .commaOrCloseObject : .commaOrCloseArray
        }
    }

    private mutating func open(object: Bool) throws(JSONError) -> JSONToken {
        guard depth < maxDepth else {
            throw JSONError(.tooDeep, at: offset, "containers nested deeper than \(maxDepth)")
        }
        offset += 1
        let bit: UInt64 = 1 << UInt64(depth)
        if object { objects |= bit } else { objects &= ~bit }
        depth += 1
        expecting = object ? .firstKeyOrClose : .firstValueOrClose
        return object ? .beginObject : .beginArray
    }

    private mutating func close(object: Bool) -> JSONToken {
        offset += 1
        depth -= 1
        afterValue()
        return object ? .endObject : .endArray
    }

    private mutating func literal(_ word: StaticString, _ token: JSONToken) throws(JSONError) -> JSONToken {
        let count = word.utf8CodeUnitCount
        for index in 0..<count {
            guard offset + index < bytes.count else { throw endError("'\(word)'") }
            guard bytes[offset + index] == word.utf8Start[index] else {
                throw JSONError(.unexpectedByte, at: offset + index, "expected '\(word)', found \(shown(offset + index))")
            }
        }
        offset += count
        return token
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, then a
    /// delimiter: white space, `,`, `]`, `}` or the end.
    private mutating func numberText() throws(JSONError) -> JSONText {
        let start = offset
        func isDigit(_ index: Int) -> Bool {
            index < bytes.count && bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9")
        }
        func invalid(_ why: String) -> JSONError {
            JSONError(.invalidNumber, at: offset, "invalid number: \(why)")
        }
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        guard isDigit(offset) else { throw invalid("a digit must follow '-'") }
        if bytes[offset] == UInt8(ascii: "0") {
            offset += 1
            if isDigit(offset) { throw invalid("no leading zeros") }
        } else {
            while isDigit(offset) { offset += 1 }
        }
        if offset < bytes.count && bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            guard isDigit(offset) else { throw invalid("a digit must follow '.'") }
            while isDigit(offset) { offset += 1 }
        }
        if offset < bytes.count && (bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E")) {
            offset += 1
            if offset < bytes.count && (bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-")) { offset += 1 }
            guard isDigit(offset) else { throw invalid("a digit must follow the exponent") }
            while isDigit(offset) { offset += 1 }
        }
        if offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x0A, 0x0D, 0x09, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"): break
            default: throw invalid("\(shown(offset)) cannot follow a number")
            }
        }
        return JSONText(start: start, end: offset, hasEscapes: false)
    }

    /// A string from its opening quote: checks escapes, surrogate pairs,
    /// control characters and UTF-8; leaves `offset` after the closing quote.
    private mutating func stringText() throws(JSONError) -> JSONText {
        offset += 1
        let start = offset
        var escapes = false
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                offset += 1
                return JSONText(start: start, end: offset - 1, hasEscapes: escapes)
            }
            if byte == UInt8(ascii: "\\") {
                escapes = true
                try checkEscape()
            } else if byte < 0x20 {
                throw JSONError(.controlCharacter, at: offset, "a control character (\(hex(byte))) inside a string must be escaped")
            } else if byte < 0x80 {
                offset += 1
            } else {
                try checkUTF8()
            }
        }
        throw JSONError(.unexpectedEnd, at: offset, "the input ends inside a string that starts at byte \(start - 1)")
    }

    private mutating func checkEscape() throws(JSONError) {
        let at = offset
        guard offset + 1 < bytes.count else { throw endError("an escape") }
        switch bytes[offset + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            offset += 2
        case UInt8(ascii: "u"):
            offset += 2
            let code = try readHex4()
            if (0xDC00..<0xE000).contains(code) {
                throw JSONError(.invalidUnicode, at: at, "a low surrogate (\\u\(hex4String(code))) without a high one before it")
            }
            if (0xD800..<0xDC00).contains(code) {
                guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw JSONError(.invalidUnicode, at: at, "a high surrogate (\\u\(hex4String(code))) without a low one after it")
                }
                offset += 2
                let low = try readHex4()
                guard (0xDC00..<0xE000).contains(low) else {
                    throw JSONError(.invalidUnicode, at: at, "a high surrogate (\\u\(hex4String(code))) followed by \\u\(hex4String(low)), not a low one")
                }
            }
        default:
            throw JSONError(.invalidEscape, at: at, "'\\' followed by \(shown(offset + 1)) is not an escape of JSON")
        }
    }

    private mutating func readHex4() throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard offset < bytes.count else { throw endError("four hex digits") }
            guard let digit = Self.hexDigit(bytes[offset]) else {
                throw JSONError(.invalidEscape, at: offset, "expected a hex digit in a \\u escape, found \(shown(offset))")
            }
            value = value << 4 | digit
            offset += 1
        }
        return value
    }

    /// One multi-byte UTF-8 sequence (RFC 3629: no overlong forms, no
    /// surrogates, nothing above U+10FFFF).
    private mutating func checkUTF8() throws(JSONError) {
        let lead = bytes[offset]
        let count: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: count = 1
        case 0xE0: count = 2; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: count = 2
        case 0xED: count = 2; high = 0x9F
        case 0xF0: count = 3; low = 0x90
        case 0xF1...0xF3: count = 3
        case 0xF4: count = 3; high = 0x8F
        default: throw JSONError(.invalidUnicode, at: offset, "\(hex(lead)) is not UTF-8")
        }
        for index in 1...count {
            guard offset + index < bytes.count else { throw endError("the rest of a UTF-8 sequence") }
            let byte = bytes[offset + index]
            let (min, max) = index == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
            guard byte >= min && byte <= max else {
                throw JSONError(.invalidUnicode, at: offset, "the bytes at \(offset) are not UTF-8")
            }
        }
        offset += count + 1
    }

    // MARK: - Helpers

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// Four hex digits already checked by the scan.
    private static func hex4(_ slice: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 { value = value << 4 | (hexDigit(slice[index + offset]) ?? 0) }
        return value
    }

    private func endError(_ what: String) -> JSONError {
        JSONError(.unexpectedEnd, at: bytes.count, "the input ends where \(what) should be")
    }

    /// A byte as a person reads it: 'x' when printable, else hex.
    private func shown(_ index: Int) -> String {
        guard index < bytes.count else { return "the end" }
        let byte = bytes[index]
        return (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : hex(byte)
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return "0x" + (digits.count < 2 ? "0" : "") + digits
    }

    private func hex4String(_ code: UInt32) -> String {
        let digits = String(code, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
