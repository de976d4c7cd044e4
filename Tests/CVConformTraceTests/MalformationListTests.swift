import Foundation
import Testing
@testable import CVConformTrace

/// A trace of `messages` logouts, one per line from line 3, with `extra`
/// lines after message `at`; written to a file when `file` is set.
private func logoutTrace(messages: Int, insert extra: [String] = [], at: Int = 0) -> String {
    var lines = [#"<trace xmlns="urn:cvconform:trace:1" id="long" expect="pass">"#, "<setup/>"]
    for index in 1...max(messages, 1) where messages > 0 {
        lines.append(#"<msg from="browser" to="icm" type="logout" agent="1001"/>"#)
        if index == at { lines += extra }
    }
    if messages == 0 { lines += extra }
    lines.append("</trace>")
    return lines.joined(separator: "\n") + "\n"
}

@Suite("Every malformation of a file, in file order")
struct MalformationListTests {
    @Test("A file with three mistakes reports three, each with file:line:col")
    func three() throws {
        let text = traceText(
            #"<msg from="browser" to="icm" type="login" agent="1001" extention="4001"/>"#,
            "<note>hi</note>",
            #"<msg from="browser" to="icm" type="logout" agent="10x1"/>"#
        )
        let error = try #require(readError(text))
        #expect(error.all.map(\.description) == [
            "t.xml:8:58: message 1: message 'login' has unexpected parameter 'extention' (did you mean 'extension'?)",
            "t.xml:9:3: unexpected element <note> (a trace holds title, description, covers, tag, setup and msg)",
            "t.xml:10:46: message 2: parameter 'agent' is '10x1', but must be a non-empty string of digits",
        ])
        #expect(error.further.count == 2)
        #expect(error.unlisted == 0)
        #expect(error.listing == error.all.map(\.description))
    }

    @Test("Problems of the header, the setup and the messages all come, sorted by place")
    func everywhere() throws {
        let text = """
            <trace xmlns="urn:cvconform:trace:1" id="x" expect="fail" colour="red">
              <setup><station extension="4"/><station extension="4"/></setup>
              <msg from="icm" to="browser" type="acw-open" agent="1" invalid="yes"/>
            </trace>
            """
        let error = try #require(readError(text))
        #expect(error.all.map(\.description) == [
            "t.xml:1:59: unexpected attribute 'colour' on <trace> (it takes id, profile and expect)",
            "t.xml:2:43: station 4 is administered twice",
            "t.xml:3:58: 'invalid' must be \"true\" (it is 'yes')",
        ])
    }

    @Test("The earliest problem comes first although libxml2 reads ahead to a later XML error", arguments: [false, true])
    func earliestFirst(longFile: Bool) throws {
        // Message 4 is wrong; the line after it is not well formed.
        var lines = (1...3).map { _ in #"<msg from="browser" to="icm" type="logout" agent="1001"/>"# }
        lines.append(#"<msg from="browser" to="icm" type="logout" agent="x"/>"#)
        lines.append(#"<msg from="browser" to="icm" type="logout" agent="1001"></mgs>"#)
        let text: String
        if longFile {
            // Long enough for two threads, the mistakes at the end.
            text = logoutTrace(messages: 80_000, insert: lines, at: 80_000)
        } else {
            text = #"<trace xmlns="urn:cvconform:trace:1" id="x" expect="pass"><setup/>"# + "\n" + lines.joined(separator: "\n") + "\n</trace>\n"
        }
        let path = "/tmp/cvconform-order-\(UInt32.random(in: 0...UInt32.max)).xml"
        try text.write(toFile: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: TraceError.self) { try Trace.read(file: path) }
        let offset = longFile ? 80_002 : 1
        #expect(error.location.line == offset + 4, "\(error)")
        #expect(error.message.hasPrefix("message \(longFile ? 80_004 : 4): parameter 'agent' is 'x'"))
        #expect(error.further.map(\.kind) == [.notWellFormed])
        #expect(error.further.first?.location.line == offset + 5)
    }

    @Test("Nothing is trusted after XML that is not well formed")
    func fatalEnds() throws {
        let text = traceText("<msg", #"<msg from="browser" to="icm" type="logout" agent="x"/>"#)
        let error = try #require(readError(text))
        #expect(error.kind == .notWellFormed)
        #expect(error.further.isEmpty)
    }

    @Test("Stray texts past the listed 100 are counted, and every listed one has its words")
    func strayTextsCapped() throws {
        let stray = (1...250).map { "<x/>word\($0)" }
        let error = try #require(readError(traceText(stray.joined(separator: "\n"))))
        #expect(error.all.count == 100)
        #expect(error.unlisted == 400)
        let texts = error.all.filter { $0.message.hasPrefix("unexpected text") }
        #expect(texts.count == 50)
        #expect(texts.allSatisfy { $0.message.contains("'word") })
        #expect(texts.last?.message.contains("'word50'") == true)
    }

    @Test("The list stops at 100, then says how many more; an XML error that ended the reading still comes last")
    func capped() throws {
        let bad = Array(repeating: #"<msg from="browser" to="icm" type="logout" agent="x"/>"#, count: 150)
        let error = try #require(readError(traceText(bad.joined(separator: "\n"))))
        #expect(error.all.count == 100)
        #expect(error.unlisted == 50)
        #expect(error.listing.last == "… and 50 more")
        #expect(error.all.last?.message.hasPrefix("message 100:") == true)

        let broken = try #require(readError(traceText((bad + ["<msg"]).joined(separator: "\n"))))
        #expect(broken.all.count == 101)
        #expect(broken.all.last?.kind == .notWellFormed)
        #expect(broken.listing.suffix(2).first == "… and 50 more")
    }

    @Test("After a problem nothing more is handed out; the reader reads on and throws them all at the end")
    func handsOutNothingMore() throws {
        let reader = try TraceReader(text: traceText(
            #"<msg from="browser" to="icm" type="logout" agent="1001"/>"#,
            #"<msg from="browser" to="icm" type="logout" agent="x"/>"#,
            #"<msg from="browser" to="icm" type="logout" agent="1001"/>"#,
            #"<msg from="browser" to="icm" type="logout" agent="y"/>"#
        ), name: "t.xml")
        _ = try reader.readHeader()
        #expect(try reader.next() != nil)
        let error = try #require(throws: TraceError.self) { try reader.next() }
        #expect(error.all.count == 2)
        #expect(reader.position == 1)
        #expect(throws: TraceError.self, "the same error again") { try reader.next() }
    }

    @Test("A wrong header is reported with every later malformation, and the root's id is still known")
    func wrongHeader() throws {
        let text = """
            <trace xmlns="urn:cvconform:trace:1" id="x" profile="full" expect="pass"><setup/>
            <msg from="browser" to="icm" type="logout" agent="x"/>
            </trace>
            """
        let reader = try TraceReader(text: text, name: "t.xml")
        let error = try #require(throws: TraceError.self) { try reader.readHeader() }
        #expect(error.all.map(\.message) == [
            "profile is 'full'; it must be 'core' or 'extended'",
            "message 1: parameter 'agent' is 'x', but must be a non-empty string of digits",
        ])
        #expect(reader.rootID == "x")
        #expect(reader.rootExpectation == .pass)
    }

    @Test("A long file with malformations on both threads lists them in file order")
    func bothThreads() throws {
        // The reading thread finds a missing type, the checking thread a wrong agent.
        let text = logoutTrace(messages: 80_000, insert: [
            #"<msg from="browser" to="icm" type="logout" agent="x"/>"#, #"<msg from="browser" to="icm" agent="1"/>"#,
        ], at: 40_000)
        let path = "/tmp/cvconform-threads-\(UInt32.random(in: 0...UInt32.max)).xml"
        try text.write(toFile: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try TraceReader(file: path)
        var handed = 0
        let error = try #require(throws: TraceError.self) { try reader.forEachEntry { _, _ in handed += 1 } }
        #expect(error.all.map(\.location.line) == [40_003, 40_004])
        #expect(error.all.map(\.message) == [
            "message 40001: parameter 'agent' is 'x', but must be a non-empty string of digits", "<msg> lacks its 'type' attribute",
        ])
        #expect(handed == 40_000, "nothing after the first malformation")
    }

    @Test("A setup of 40,000 stations finds the one given twice, at its place")
    func largeSetup() throws {
        var entries = (0..<40_000).map { #"<station extension="\#(100_000 + $0)"/>"# }
        entries.append(#"<station extension="100007"/>"#)
        let text = #"<trace xmlns="urn:cvconform:trace:1" id="x" expect="pass"><setup>"# + "\n" + entries.joined(separator: "\n") + "\n</setup></trace>\n"
        let error = try #require(readError(text))
        #expect(error.description == "t.xml:40002:10: station 100007 is administered twice")
    }

    @Test("The malformed fixtures each have one malformation, as their folder says")
    func fixturesHaveOne() throws {
        for folder in ["malformed", "malformed-schema-valid"] {
            let path = repositoryRoot + "/Tests/Fixtures/" + folder
            for name in try FileManager.default.contentsOfDirectory(atPath: path).filter({ $0.hasSuffix(".xml") }) {
                let error = try #require(throws: TraceError.self) { try Trace.read(file: path + "/" + name) }
                // A message copied three times is three malformations of one kind.
                let count = name == "cause-unknown.xml" ? 3 : (name == "not-well-formed.xml" ? 2 : 1)
                #expect(error.all.count == count, "\(folder)/\(name): \(error.listing)")
            }
        }
    }
}
