import CVConformJSON
import Testing

@Suite("JSONValue: order, structural equality, serialisation")
struct JSONValueTests {
    @Test("Objects keep their members in the order written, through reading and writing")
    func order() throws {
        let text = #"{"z":1,"a":[true,null],"m":{"y":"2","b":"3"}}"#
        let value = try JSONValue(parsing: text)
        #expect(value.members?.map(\.0) == ["z", "a", "m"])
        #expect(value["m"]?.members?.map(\.0) == ["y", "b"])
        #expect(value.serialized() == text)
    }

    @Test("Equality and hashing are structural, not by serialising; member order counts")
    func equality() throws {
        let a = JSONValue.object([("k", .array([.integer(1), .string("x")]))])
        let b = try JSONValue(parsing: #" { "k" : [ 1 , "x" ] } "#)
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(JSONValue.object([("a", .null), ("b", .null)]) != .object([("b", .null), ("a", .null)]))
        #expect(JSONValue.string("1") != .integer(1))
        #expect(JSONValue.array([]) != .object([]))
        #expect(JSONValue.bool(true) != .bool(false))
        var seen: [JSONValue: Int] = [:]
        for value in [a, b, .null, .string("x"), .object([])] { seen[value, default: 0] += 1 }
        #expect(seen[a] == 2)
        #expect(seen.count == 4)
    }

    @Test("Strings are escaped so they read back the same", arguments: [
        "plain", "quote \" backslash \\ slash /", "new\nline\rreturn\ttab", "\u{0}\u{1}\u{1F}\u{08}\u{0C}", "é € 😀", "",
        "</script>", "\u{7F}\u{2028}",
    ])
    func escaping(_ text: String) throws {
        let written = JSONValue.string(text).serialized()
        #expect(!written.unicodeScalars.dropFirst().dropLast().contains { $0.value < 0x20 }, "no raw control characters: \(written)")
        #expect(try JSONValue(parsing: written) == .string(text))
        let keyed = JSONValue.object([(text, .string(text))]).serialized(pretty: true)
        #expect(try JSONValue(parsing: keyed) == .object([(text, .string(text))]))
    }

    @Test("Control characters use the short escapes where JSON has them")
    func shortEscapes() {
        #expect(JSONValue.string("\n\r\t\u{08}\u{0C}\u{1}").serialized() == #""\n\r\t\b\f\u0001""#)
    }

    @Test("Pretty output indents by two spaces; empty containers stay on one line")
    func pretty() {
        let value = JSONValue.object([("a", .array([.integer(1), .object([])])), ("b", .array([]))])
        #expect(value.serialized(pretty: true) == "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": []\n}")
        #expect(value.serialized() == #"{"a":[1,{}],"b":[]}"#)
    }

    @Test("Numbers keep their literal; durations are seconds with three decimals")
    func numbers() throws {
        #expect(try JSONValue(parsing: "1.50e3").serialized() == "1.50e3")
        #expect(JSONNumber(seconds: .milliseconds(1234)).literal == "1.234")
        #expect(JSONNumber(seconds: .milliseconds(5)).literal == "0.005")
        #expect(JSONNumber(seconds: .seconds(0)).literal == "0.000")
        #expect(JSONNumber(Double.nan) == nil)
        #expect(JSONNumber(0.25)?.literal == "0.25")
        #expect(JSONValue.integer(-3).intValue == -3)
        #expect(try JSONValue(parsing: "2.5").intValue == nil)
    }

    @Test("The first of two members with one name is the one looked up; both are kept")
    func duplicateKeys() throws {
        let value = try JSONValue(parsing: #"{"a":1,"a":2}"#)
        #expect(value["a"]?.intValue == 1)
        #expect(value.members?.count == 2)
    }
}
