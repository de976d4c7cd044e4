import CVConformJSON
import Testing

/// The error reading `text` gives, or nil when it reads.
private func readError(_ text: String, maxDepth: Int = JSONReader.depthLimit) -> JSONError? {
    do {
        _ = try JSONValue(parsing: text, maxDepth: maxDepth)
        return nil
    } catch {
        return error
    }
}

/// All tokens of `text`, up to and including `.end`.
/// Every token of `text`, one at a time; with `members`, string members
/// are taken in one step where they can be (`m:name=value`).
private func tokens(_ text: String, members: Bool = false) throws -> [String] {
    try JSONReader.withReader(text) { (reader: inout JSONReader) throws(JSONError) in
        var out: [String] = []
        while true {
            if members, let (name, value) = reader.nextStringMember() {
                out.append("m:" + reader.string(name) + "=" + reader.string(value))
                continue
            }
            let token = try reader.next()
            switch token {
            case .beginObject: out.append("{")
            case .endObject: out.append("}")
            case .beginArray: out.append("[")
            case .endArray: out.append("]")
            case .key(let text): out.append("key:" + reader.string(text))
            case .string(let text): out.append("s:" + reader.string(text))
            case .number(let text): out.append("n:" + reader.string(text))
            case .bool(let flag): out.append("\(flag)")
            case .null: out.append("null")
            case .end:
                out.append("end")
                return out
            }
        }
    }
}

@Suite("JSONReader: tokens, strictness, errors with byte offsets")
struct JSONReaderTests {
    @Test("Tokens come one at a time, in order, with the end last")
    func tokenStream() throws {
        #expect(try tokens(#" {"a": [1, -2.5e3, true, false, null], "b": {}} "#)
                == ["{", "key:a", "[", "n:1", "n:-2.5e3", "true", "false", "null", "]", "key:b", "{", "}", "}", "end"])
        #expect(try tokens("\"x\"") == ["s:x", "end"])
        #expect(try tokens("[]") == ["[", "]", "end"])
    }

    @Test("Numbers RFC 8259 allows", arguments: ["0", "-0", "7", "-12", "0.5", "-0.25", "1e5", "1E+5", "1e-5", "12.5e10", "123456789012345678901234567890"])
    func validNumbers(_ text: String) throws {
        #expect(try JSONValue(parsing: text) == .number(try #require(try numberLiteral(text))))
        #expect(try JSONValue(parsing: "[\(text)]") == .array([.number(try #require(try numberLiteral(text)))]))
    }

    @Test("Numbers RFC 8259 refuses, each at its offending byte", arguments: [
        ("-", 1), ("1-2", 1), ("01", 1), ("-01", 2), ("1.", 2), (".5", 0), ("+1", 0), ("1e", 2), ("1e+", 3),
        ("0x10", 1), ("1.5.2", 3), ("[1-2]", 2), ("--1", 1), ("Infinity", 0), ("NaN", 0),
    ])
    func invalidNumbers(_ text: String, _ offset: Int) {
        let error = readError(text)
        #expect(error != nil, "\(text) was read")
        #expect(error?.offset == offset, "\(text): \(error.map(\.description) ?? "")")
    }

    @Test("Escapes decode, including \\u and surrogate pairs")
    func escapes() throws {
        #expect(try JSONValue(parsing: #""a\"b\\c\/d\be\ff\ng\rh\ti""#) == .string("a\"b\\c/d\u{08}e\u{0C}f\ng\rh\ti"))
        #expect(try JSONValue(parsing: #""\u0041\u00e9\u20AC""#) == .string("Aé€"))
        #expect(try JSONValue(parsing: #""\ud83d\ude00!""#) == .string("😀!"))
        #expect(try JSONValue(parsing: "\"raw é 😀\"") == .string("raw é 😀"))
        #expect(try JSONValue(parsing: #""\u0000""#) == .string("\u{0}"))
    }

    @Test("Bad escapes, lone surrogates, control characters and broken UTF-8 are errors at their byte", arguments: [
        (#""\x""#, JSONError.Code.invalidEscape, 1),
        (#""\u12G4""#, .invalidEscape, 5),
        (#""\ud83d""#, .invalidUnicode, 1),
        (#""\ud83dx""#, .invalidUnicode, 1),
        (#""\ud83d\u0041""#, .invalidUnicode, 1),
        (#""\ude00""#, .invalidUnicode, 1),
        ("\"a\u{01}b\"", .controlCharacter, 2),
        ("\"a\nb\"", .controlCharacter, 2),
        ("\"abc", .unexpectedEnd, 4),
    ])
    func badStrings(_ text: String, _ code: JSONError.Code, _ offset: Int) {
        let error = readError(text)
        #expect(error?.code == code, "\(text): \(error.map(\.description) ?? "read")")
        #expect(error?.offset == offset, "\(text): \(error.map(\.description) ?? "read")")
    }

    @Test("Invalid UTF-8 is refused, valid multi-byte sequences pass", arguments: [
        ([0x22, 0xC3, 0x28, 0x22], false), ([0x22, 0xC0, 0xAF, 0x22], false), ([0x22, 0xED, 0xA0, 0x80, 0x22], false),
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], false), ([0x22, 0xE2, 0x82, 0x22], false), ([0x22, 0xFF, 0x22], false),
        ([0x22, 0xC3, 0xA9, 0x22], true), ([0x22, 0xE2, 0x82, 0xAC, 0x22], true), ([0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22], true),
    ] as [([UInt8], Bool)])
    func utf8(_ bytes: [UInt8], _ valid: Bool) {
        var error: JSONError?
        do { _ = try JSONValue(parsing: bytes) } catch let thrown { error = thrown }
        #expect((error == nil) == valid, "\(bytes): \(error.map(\.description) ?? "read")")
        if !valid { #expect(error?.code == .invalidUnicode || error?.code == .unexpectedEnd) }
    }

    @Test("Nesting deeper than the limit is refused at the container that goes too deep")
    func depth() throws {
        let limit = 5
        let ok = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(readError(ok, maxDepth: limit) == nil)
        let deep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        let error = readError(deep, maxDepth: limit)
        #expect(error?.code == .tooDeep)
        #expect(error?.offset == limit)
        // The default limit holds for a hostile line of a million brackets.
        #expect(readError(String(repeating: "[", count: 1_000_000))?.code == .tooDeep)
        #expect(readError(String(repeating: "{\"a\":", count: JSONReader.depthLimit + 1))?.code == .tooDeep)
    }

    @Test("Structure errors name the offending byte", arguments: [
        ("{\"a\" 1}", JSONError.Code.unexpectedByte, 5), ("{\"a\":1,}", .unexpectedByte, 7), ("[1,]", .unexpectedByte, 3),
        ("[1 2]", .unexpectedByte, 3), ("{1:2}", .unexpectedByte, 1), ("tru", .unexpectedEnd, 3), ("nul!", .unexpectedByte, 3),
        ("{} x", .trailingContent, 3), ("", .unexpectedEnd, 0), ("   ", .unexpectedEnd, 3), ("[", .unexpectedEnd, 1),
        ("{\"a\":1", .unexpectedEnd, 6), ("'a'", .unexpectedByte, 0),
    ])
    func structure(_ text: String, _ code: JSONError.Code, _ offset: Int) {
        let error = readError(text)
        #expect(error?.code == code, "\(text): \(error.map(\.description) ?? "read")")
        #expect(error?.offset == offset, "\(text): \(error.map(\.description) ?? "read")")
        #expect(error?.description.hasPrefix("at byte \(offset): ") == true)
    }

    @Test("A value can be skipped whole, and a key compared without decoding it")
    func skipAndMatch() throws {
        let found = try JSONReader.withReader(#"{"skip":{"deep":[1,{"x":[]}]},"want":"yes","w\u0061nt2":1}"#) {
            (reader: inout JSONReader) throws(JSONError) -> [String] in
            var found: [String] = []
            _ = try reader.next()
            while case .key(let key) = try reader.next() {
                if reader.matches(key, "want") || reader.matches(key, "want2") {
                    found.append(reader.string(key) + "=" + "\(try reader.readValue())")
                } else {
                    try reader.skipValue()
                }
            }
            #expect(try reader.next() == .end)
            return found
        }
        #expect(found == [#"want=string("yes")"#, "want2=number(1)"])
    }

    @Test("readValue where a member name stands is an error, not a crash")
    func misuse() throws {
        let error = try? JSONReader.withReader("{\"a\":1}") { (reader: inout JSONReader) throws(JSONError) -> JSONError? in
            _ = try reader.next()
            do throws(JSONError) { _ = try reader.readValue(); return nil } catch { return error }
        }
        #expect(error?.code == .notAValue)
    }
}

private func numberLiteral(_ text: String) throws -> JSONNumber? {
    if case .number(let number) = try JSONValue(parsing: text) { return number }
    return nil
}

/// Every token of `text`, string members taken in one step where they can
/// be (`m:name=value`), the rest one at a time.
private func members(_ text: String) throws -> [String] { try tokens(text, members: true) }

@Suite("JSONReader.nextStringMember: plain string members in one step, anything else left to next()")
struct JSONStringMemberTests {
    @Test("Plain members are read in one step, nested objects too; the rest comes token by token")
    func plain() throws {
        #expect(try members(#"{"op":"msg","params":{"agent":"1001", "x" : "y"},"n":1}"#)
                == ["{", "m:op=msg", "key:params", "{", "m:agent=1001", "m:x=y", "}", "key:n", "n:1", "}", "end"])
        #expect(try members(#"  { }  "#) == ["{", "}", "end"])
        #expect(try members(#"["a","b"]"#) == ["[", "s:a", "s:b", "]", "end"], "not in an object: never a member")
    }

    @Test("Escapes, control characters, bytes beyond ASCII and other values are left to next(), which reads them whole")
    func leftToNext() throws {
        #expect(try members(#"{"a":"\n","b":"é","c":true,"d\u0065":"e"}"#)
                == ["{", "key:a", "s:\n", "key:b", "s:é", "key:c", "true", "key:de", "s:e", "}", "end"])
    }

    @Test("Errors after a member read in one step are still found, at the same offset as without it")
    func errors() {
        for text in [#"{"a":"b" "c":"d"}"#, #"{"a":"b",}"#, #"{"a":"b""#, #"{"a" "b"}"#, #"{"a":"b"} x"#] {
            let plain = readError(text)
            var viaMembers: JSONError?
            do { _ = try members(text) } catch { viaMembers = error as? JSONError }
            #expect(plain != nil, "\(text)")
            #expect(viaMembers?.offset == plain?.offset, "\(text)")
        }
    }
}
