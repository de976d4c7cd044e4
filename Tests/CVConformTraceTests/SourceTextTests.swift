import Foundation
import Testing
@testable import CVConformTrace

@Suite("Finding places in the source text")
struct SourceTextTests {
    private func locate(_ text: String, _ places: [TraceProblem.Place]) -> [String] {
        SourceText.memory("t.xml", Array(text.utf8)).locate(places).map(\.description)
    }

    @Test("An element is the n-th start tag: comments, CDATA, instructions and quoted '>' do not count")
    func startTags() {
        let text = """
            <?xml version="1.0"?>
            <!-- <not a="tag"> -->
            <a><![CDATA[ <nor> this ]]><b x="1>2"/>
              <c/></a>
            """
        #expect(locate(text, [.element(ordinal: 0, line: 0, attribute: nil), .element(ordinal: 2, line: 0, attribute: nil),
                              .element(ordinal: 1, line: 0, attribute: "x"), .element(ordinal: 1, line: 0, attribute: nil)])
                == ["t.xml:3:1", "t.xml:4:3", "t.xml:3:31", "t.xml:3:28"])
    }

    @Test("An attribute is found across the lines of its tag, by its name or its prefixed name, not inside a value")
    func attributes() {
        let text = "<msg from=\"a agent=b\"\n     agent=\"x\"\n  t:type=\"y\"/>"
        #expect(locate(text, [.element(ordinal: 0, line: 3, attribute: "agent"), .element(ordinal: 0, line: 3, attribute: "type"),
                              .element(ordinal: 0, line: 3, attribute: "missing")])
                == ["t.xml:2:6", "t.xml:3:3", "t.xml:1:1"])
    }

    @Test("Columns count characters, not bytes")
    func characters() {
        #expect(locate("<a t=\"é€\"/><b/>", [.element(ordinal: 1, line: 0, attribute: nil)]) == ["t.xml:1:12"])
    }

    @Test("Stray text is its first visible character after so many start and end tags")
    func text() {
        let text = "<a>\n  <b>ok</b>\n  hello\n</a>"
        #expect(locate(text, [.text(afterStartTags: 2, endTags: 1, line: 0)]) == ["t.xml:3:3"])
    }

    @Test("Places libxml2 gave pass through; the whole file has no line; what the text lacks keeps libxml2's line")
    func others() {
        #expect(locate("<a/>", [.exact(line: 4, column: 9), .file, .element(ordinal: 5, line: 77, attribute: nil)])
                == ["t.xml:4:9", "t.xml", "t.xml:77:1"])
    }

    @Test("Many places are found in one pass, each where it stands, in the order asked")
    func many() {
        let text = (0..<500).map { "<m a=\"\($0)\"/>" }.joined(separator: "\n")
        let places = (0..<500).reversed().map { TraceProblem.Place.element(ordinal: $0, line: 0, attribute: "a") }
        #expect(locate(text, places) == (0..<500).reversed().map { "t.xml:\($0 + 1):4" })
    }

    @Test("A file is read from disk")
    func file() throws {
        let path = "/tmp/cvconform-source-\(UInt32.random(in: 0...UInt32.max)).xml"
        try String(repeating: "<a/>\n", count: 70_000).appending("<b c=\"1\"/>\n").write(toFile: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let source = SourceText.file(path)
        #expect(source.locate([.element(ordinal: 70_000, line: 65_535, attribute: "c")]).map(\.description) == ["\(path):70001:4"])
        #expect(source.find("<b", maxLines: .max) == SourceLocation(file: path, line: 70_001, column: 1))
        #expect(source.find("<b", maxLines: 10) == nil)
    }

    @Test("find names where a string first stands")
    func find() {
        let source = SourceText.memory("t.xml", Array("<?xml?>\n  <<!DOCTYPE x>".utf8))
        #expect(source.find("<!DOCTYPE") == SourceLocation(file: "t.xml", line: 2, column: 4))
        #expect(source.find("<!ENTITY") == nil)
    }
}
