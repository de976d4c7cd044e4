import CVConformTestSupport
import Testing
@testable import CVConformTrace


@Suite("Hostile XML: refused with a clear error, never expanded, never fetched")
struct HostileInputTests {
    @Test("Fixtures with DTDs and entities are refused at their DOCTYPE", arguments: [
        "external-entity.xml", "billion-laughs.xml", "parameter-entity.xml", "external-dtd.xml",
    ])
    func fixtures(_ name: String) throws {
        let path = repositoryRoot + "/Tests/Fixtures/hostile/" + name
        let error = try #require(throws: TraceError.self) { try Trace.read(file: path) }
        #expect(error.kind == .doctype)
        #expect(error.location.line == 3)
        #expect(error.description.hasPrefix(path + ":3:1: a DOCTYPE is not allowed"))
    }

    @Test("A billion-laughs bomb in an attribute is refused before anything is expanded")
    func bombInAttribute() throws {
        var text = "<?xml version=\"1.0\"?>\n<!DOCTYPE trace [\n<!ENTITY a \"aaaaaaaaaa\">\n"
        var previous = "a"
        for level in 1...9 {
            text += "<!ENTITY l\(level) \"\(String(repeating: "&\(previous);", count: 10))\">\n"
            previous = "l\(level)"
        }
        text += "]>\n<trace xmlns=\"urn:cvconform:trace:1\" id=\"&l9;\" expect=\"pass\"><setup/></trace>\n"
        #expect(readError(text)?.kind == .doctype)
    }

    @Test("A 50 MB attribute is refused by libxml2's limits, with a location")
    func hugeAttribute() throws {
        let text = #"<trace xmlns="urn:cvconform:trace:1" id="x" expect="pass"><setup/><msg from="browser" to="icm" type="logout" agent=""#
            + String(repeating: "1", count: 50 << 20) + #""/></trace>"#
        let error = try #require(readError(text))
        #expect(error.kind == .notWellFormed)
        #expect(error.location.line == 1)
        #expect(error.message.hasPrefix("XML: "))
    }

    @Test("Elements nested 10,000 deep are refused at the first element that does not belong")
    func deepNesting() throws {
        let text = #"<trace xmlns="urn:cvconform:trace:1" id="x" expect="pass"><setup/>"#
            + String(repeating: "<msg>", count: 10_000) + String(repeating: "</msg>", count: 10_000) + "</trace>"
        let error = try #require(readError(text))
        #expect(error.kind == .invalidTrace)
    }

    @Test("Nesting 10,000 deep inside an unknown element is refused too")
    func deepUnknownNesting() throws {
        let text = #"<trace xmlns="urn:cvconform:trace:1" id="x" expect="pass">"#
            + String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000) + "<setup/></trace>"
        #expect(readError(text) != nil)
    }

    @Test("A huge text node in a title is refused by libxml2's limit for one (10 MB), where it passes the limit")
    func hugeText() throws {
        let text = #"<trace xmlns="urn:cvconform:trace:1" id="x" expect="pass"><title>"#
            + String(repeating: "x", count: 12 << 20) + "</title><setup/></trace>"
        let error = try #require(readError(text))
        #expect(error.kind == .notWellFormed)
        #expect(error.description.contains("never lifts libxml2's limits"), "\(error)")
        #expect(error.location.line == 1 && error.location.column > 10_000_000, "\(error)")
    }
}
