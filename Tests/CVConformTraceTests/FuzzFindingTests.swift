import Foundation
import Testing
import CVConformTrace

/// Inputs on which `Scripts/fuzz` found the trace reader at fault, kept in
/// `Tests/Fixtures/fuzz/trace` (each file's comment says what happened).
/// `Scripts/fuzz --smoke` also runs them under AddressSanitizer, which is
/// what saw the memory errors; these tests check what can be seen without.
@Suite("Trace reader: inputs the fuzzer found")
struct FuzzFindingTests {
    private static let folder = repositoryRoot + "/Tests/Fixtures/fuzz/trace/"

    @Test("libxml2 failing before its first node: the document is freed, the error is at 1:1")
    func documentFreedAfterEarlyFailure() throws {
        let path = Self.folder + "fails-before-any-node.xml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var errors: [TraceError] = []
        let documents = LibXML2Documents.count {
            do throws(TraceError) { _ = try Trace.read(file: path) } catch { errors.append(error) }
            do throws(TraceError) { _ = try Trace.read(text: text, name: "t.xml") } catch { errors.append(error) }
        }
        // The reader parses with SAX callbacks: libxml2 builds no document.
        #expect(documents.made == 0)
        #expect(documents.freed == documents.made, "every document libxml2 made is freed")
        #expect(errors.map(\.kind) == [.notWellFormed, .notWellFormed])
        #expect(errors.map(\.location.line) == [1, 1] && errors.map(\.location.column) == [1, 1], "\(errors)")
    }

    @Test("Documents are freed after every kind of ending: well formed, malformed, cut short, DOCTYPE")
    func documentsFreed() throws {
        let texts = [
            traceText("<msg from=\"browser\" to=\"icm\" type=\"logout\" agent=\"1001\"/>"),
            traceText("<msg from=\"browser\" to=\"icm\" type=\"logout\"/>"),
            String(traceText().prefix(150)),
            "<!DOCTYPE trace [<!ENTITY x \"y\">]><trace/>",
            "",
        ]
        for text in texts {
            let documents = LibXML2Documents.count { _ = try? Trace.read(text: text) }
            #expect(documents.freed == documents.made, "\(text.prefix(60))")
        }
    }

    @Test("libxml2 moving on and then failing: problems come from what was read, in file order, once each")
    func walkStartsWhereTheReaderStands() throws {
        let error = try #require(throws: TraceError.self) { try Trace.read(file: Self.folder + "moves-then-fails.xml") }
        // Walking from the element libxml2 had freed listed the stray '>'
        // twice and text read from freed memory.
        #expect(error.listing.map { $0.replacingOccurrences(of: Self.folder, with: "") } == [
            "moves-then-fails.xml:2:1: <trace> lacks its 'id' attribute",
            "moves-then-fails.xml:2:1: <trace> lacks its 'expect' attribute (pass, fail or incomplete)",
            "moves-then-fails.xml:2:38: unexpected text '>' outside title, description, covers and tag",
            "moves-then-fails.xml:3:28: XML: Premature end of data in tag trace line 2 (the file ends before </trace>)",
        ])
    }
}

@Suite("Trace reader: input in another encoding than UTF-8")
struct EncodedInputTests {
    @Test("An input error in another encoding is reported where it stands, after the events before it (the parser converts the input a piece at a time)")
    func inputErrorLocated() throws {
        let logout = "<msg from=\"browser\" to=\"icm\" type=\"logout\" agent=\"1001\"/>"
        let lines = traceText(logout, logout, logout, logout, logout, logout, logout, logout, logout, logout, logout, logout, logout, logout)
            .split(separator: "\n", omittingEmptySubsequences: false)
        // UTF-7 has no bytes above 0x7F: the é on line 20, past the first
        // kilobyte, is an input error.
        var text = lines.map(String.init)
        text[0] = #"<?xml version="1.0" encoding="UTF-7"?>"#
        text[19] += "<!-- caf\u{E9} -->"
        let reader = try TraceReader(text: text.joined(separator: "\n"), name: "t.xml")
        do throws(TraceError) {
            try reader.forEachEntry { _, _ in }
            Issue.record("the input error was not found")
        } catch {
            #expect(error.kind == .notWellFormed)
            #expect(error.location.line > 1, "\(error)")
        }
        #expect(reader.rootID == "t")
    }

    @Test("FMT-9: a trace in ISO-8859-1 or UTF-16 is read as the same trace in UTF-8")
    func otherEncodingsRead() throws {
        let utf8 = try String(contentsOfFile: repositoryRoot + "/traces/login/login-basic.xml", encoding: .utf8)
        let expected = try Trace.read(text: utf8)
        let latin1 = utf8.replacingOccurrences(of: #"encoding="UTF-8""#, with: #"encoding="ISO-8859-1""#)
        let utf16 = utf8.replacingOccurrences(of: #"encoding="UTF-8""#, with: #"encoding="UTF-16""#)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cvconform-enc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // UTF-16, little-endian, with its byte-order mark.
        let files = [("latin1.xml", Data(latin1.utf8)), ("utf16.xml", Data([0xFF, 0xFE]) + Data(utf16.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))]
        for (name, data) in files {
            try data.write(to: URL(fileURLWithPath: folder + "/" + name))
            let read = try Trace.read(file: folder + "/" + name)
            #expect(read.header.id == expected.header.id, "\(name)")
            #expect(read.entries.map(\.message) == expected.entries.map(\.message), "\(name)")
        }
    }

    @Test("libxml2's message for a byte that is not UTF-8 is one line (it puts the bytes on a line of their own)")
    func messageOnOneLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cvconform-badutf8-\(UUID().uuidString).xml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bytes = Array(traceText("<!-- x -->").utf8)
        // The x of the comment, on the trace's last lines.
        let comment = try #require(bytes.lastIndex(of: UInt8(ascii: "x")))
        bytes[comment] = 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do throws(TraceError) {
            _ = try Trace.read(file: path)
            Issue.record("the byte was not found")
        } catch {
            #expect(error.message.contains("not proper UTF-8"), "\(error)")
            #expect(!error.message.contains("\n"), "\(error)")
        }
    }
}

