import Testing
@testable import CVConformTrace

@Suite("Words are found by their bytes, and only the very words")
struct WordIndexTests {
    static func index(_ words: WordIndex, _ text: String) -> Int? {
        var text = text
        return text.withUTF8 { words.index(of: $0) }
    }

    @Test("Every role, type and parameter name is found, at its place")
    func tableWords() {
        for (index, role) in Role.allCases.enumerated() { #expect(Self.index(.roles, role.rawValue) == index) }
        for (index, type) in MessageType.allCases.enumerated() { #expect(Self.index(.types, type.rawValue) == index) }
        for (index, name) in MessageCatalog.allParameterNames.enumerated() { #expect(Self.index(.parameterNames, name) == index) }
    }

    /// Words of one length and first byte share a bucket; words past 16
    /// bytes are compared past their packed part.
    static let words = [
        "a", "ab", "ab\u{0}", "ac", "abcdefgh", "abcdefgi", "abcdefghi", "abcdefghj", "abcdefghijklmnop", "abcdefghijklmnoq",
        "abcdefghijklmnopq", "abcdefghijklmnopr", "abcdefghijklmnopqrstu", "abcdefghijklmnopqrstv", String(repeating: "z", count: 31),
    ]

    @Test("Words that share a length and first byte, or 16 bytes, are told apart")
    func neighbours() {
        let index = WordIndex(Self.words)
        for (place, word) in Self.words.enumerated() { #expect(Self.index(index, word) == place, "\(word)") }
        for text in [
            "", "b", "abcdefgj", "abcdefghijklmnor", "abcdefghijklmnopqrstw", "abcdefghijklmnopqrst", "abcdefghijklmnopqrstuv",
            "abcdefgh\u{0}", "a\u{0}", "ab\u{0}\u{0}", "abcdefghk", "abcdefghijklmnops", String(repeating: "z", count: 32), "zé", "é", "éa",
        ] {
            #expect(Self.index(index, text) == nil, "\(text.debugDescription)")
        }
    }

    @Test("Of two words given twice, the first is found")
    func firstOfTwins() {
        #expect(Self.index(WordIndex(["same", "other", "same"]), "same") == 0)
    }
}
