import Foundation
import Testing
@testable import CVConformTrace

@Suite("Trace reader: the format of contract section 4")
struct TraceReaderTests {
    @Test("Reads the header, the administration and the messages in order")
    func readsEverything() throws {
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment -->
            <trace xmlns="urn:cvconform:trace:1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                   xsi:schemaLocation="urn:cvconform:trace:1 trace.rng" id="login-basic" profile="extended" expect="incomplete">
              <tag>login</tag>
              <title>An agent
                 logs in</title>
              <description>Why &amp; how.</description>
              <covers>ICM-LOGIN-1  CVCT-1</covers>
              <tag>smoke</tag>
              <setup>
                <agent id="0101" skills="10 20"/>
                <agent id="1002" skills=""/>
                <station extension="4001"/>
                <vdn number="5000" skill="10"/>
              </setup>
              <msg from="browser" to="icm" type="login" agent="0101" extension="4001"/>
              <msg from="icm" to="cvct" type="login-request" agent="0101" extension="4001"></msg>
            </trace>
            """
        let trace = try Trace.read(text: text)
        #expect(trace.header.id == "login-basic")
        #expect(trace.header.profile == .extended)
        #expect(trace.header.expect == .incomplete)
        #expect(trace.header.title == "An agent logs in")
        #expect(trace.header.description == "Why & how.")
        #expect(trace.header.covers == ["ICM-LOGIN-1", "CVCT-1"])
        #expect(trace.header.tags == ["login", "smoke"])
        #expect(trace.header.setup.agents == [.init(id: "0101", skills: ["10", "20"]), .init(id: "1002", skills: [])])
        #expect(trace.header.setup.stations == ["4001"])
        #expect(trace.header.setup.vdns == [.init(number: "5000", skill: "10")])
        #expect(trace.messages.map(\.compact) == [
            "browser>icm login agent=0101 extension=4001", "icm>cvct login-request agent=0101 extension=4001",
        ])
        #expect(trace.entries[1].location.line == 18)
    }

    @Test("Labels are read up to <setup> and no further: a broken setup or message after it does not matter")
    func labels() throws {
        let text = #"""
            <trace xmlns="urn:cvconform:trace:1" id="x" profile="extended" expect="fail">
              <title>T</title><covers>ECS-IDLE-1</covers><tag>a</tag><tag>b</tag>
              <setup><agent id="1001" skills="1x"/><station extension="4001"/></setup>
              <msg from="nowhere"/>
            </trace>
            """#
        let labels = try TraceReader(text: text).readLabels()
        #expect(labels == TraceHeader(id: "x", profile: .extended, expect: .fail, title: "T", covers: ["ECS-IDLE-1"], tags: ["a", "b"]))
        #expect(labels.setup == Administration())
        // The whole header still reports the broken setup.
        #expect(throws: TraceError.self) { try TraceReader(text: text).readHeader() }
    }

    @Test("Root labels are read from the root's start tag alone: a broken header after it does not matter")
    func rootLabels() throws {
        let text = #"""
            <trace xmlns="urn:cvconform:trace:1" id="x" profile="extended" expect="fail">
              <title>T</title><tag>a</tag><covers>ECS-IDLE-1</covers><covers>twice</covers>
              <setup><agent id="1001" skills="1x"/></setup>
            </trace>
            """#
        #expect(try TraceReader(text: text).readRootLabels() == TraceHeader(id: "x", profile: .extended, expect: .fail))
        #expect(throws: TraceError.self) { try TraceReader(text: text).readLabels() }
        // A root that is itself wrong is still reported.
        #expect(throws: TraceError.self) {
            try TraceReader(text: #"<trace xmlns="urn:cvconform:trace:1" expect="pass"><setup/></trace>"#).readRootLabels()
        }
    }

    @Test("Titles and tags are collapsed to single spaces, however their white space is written")
    func collapsedText() throws {
        let text = #"""
            <trace xmlns="urn:cvconform:trace:1" id="x" expect="pass">
              <title>  two\#twords </title><tag>plain</tag><tag>a  b</tag><tag>a\#nb</tag><tag> </tag><tag/>
              <setup/>
            </trace>
            """#
        let header = try TraceReader(text: text).readHeader()
        #expect(header.title == "two words")
        #expect(header.tags == ["plain", "a b", "a b", "", ""])
    }

    @Test("profile defaults to core; an empty trace with a setup reads")
    func defaults() throws {
        let trace = try Trace.read(text: #"<trace xmlns="urn:cvconform:trace:1" id="x" expect="pass"><setup/></trace>"#)
        #expect(trace.header.profile == .core)
        #expect(trace.entries.isEmpty)
    }

    @Test("Every progress state reads with its own parameters")
    func progressStates() throws {
        let trace = try Trace.read(text: traceText(
            #"<msg from="ecs" to="cvct" type="progress" session="s1" state="offered" vdn="5000"/>"#,
            #"<msg from="ecs" to="cvct" type="progress" session="s1" state="queued" skill="10"/>"#,
            #"<msg from="ecs" to="cvct" type="progress" session="s1" state="alerting" extension="4001"/>"#,
            #"<msg from="ecs" to="cvct" type="progress" session="s1" state="answered" extension="4001"/>"#,
            #"<msg from="ecs" to="cvct" type="progress" session="s1" state="dropped" extension="4001" by="phone"/>"#
        ))
        #expect(trace.entries.count == 5)
    }

    @Test("Every message of the table reads on its own channel")
    func wholeTable() throws {
        for definition in MessageCatalog.definitions {
            let state: String? = definition.type == .progress ? "dropped" : nil
            let names = try #require(MessageCatalog.requiredParameters(of: definition, state: state))
            let attributes = names.map { name -> String in
                let value: String
                switch MessageCatalog.domain(of: name) {
                case .digits: value = "42"
                case .token: value = "s-1"
                case .oneOf(let words): value = name == "state" ? "dropped" : words[0]
                }
                return "\(name)=\"\(value)\""
            }.joined(separator: " ")
            let line = #"<msg from="\#(definition.channel.from)" to="\#(definition.channel.to)" type="\#(definition.type.rawValue)" \#(attributes)/>"#
            #expect(readError(traceText(line)) == nil, "\(line)")
        }
    }

    @Test("Writing and reading again gives the same trace")
    func roundTrip() throws {
        let original = try Trace.read(text: """
            <trace xmlns="urn:cvconform:trace:1" id="round&amp;trip" profile="core" expect="fail">
              <title>Quotes " and &lt;angles&gt;</title>
              <covers>ECS-LOGIN-1</covers>
              <tag>a</tag><tag>b</tag>
              <setup><agent id="1" skills="2 3"/><station extension="4"/><vdn number="5" skill="2"/></setup>
              <msg from="customer" to="icm" type="session-request" session="s&amp;1" media="messaging" vdn="5"/>
              <msg from="ecs" to="cvct" type="progress" session="x" state="dropped" extension="4" by="request" invalid="true"/>
            </trace>
            """, name: "a.xml")
        let written = TraceWriter.xml(original)
        var again = try Trace.read(text: written, name: "a.xml")
        #expect(again.header == original.header)
        #expect(again.messages == original.messages)
        #expect(again.entries.map(\.invalid) == [false, true])
        again.entries = original.entries
        #expect(TraceWriter.xml(again) == written)
    }

    @Test("A file streams from disk; a missing file or a folder is unreadable")
    func files() throws {
        let path = "/tmp/cvconform-reader-\(UInt32.random(in: 0...UInt32.max)).xml"
        try traceText(#"<msg from="browser" to="icm" type="logout" agent="1001"/>"#).write(toFile: path)
        defer { remove(path) }
        let reader = try TraceReader(file: path)
        _ = try reader.readHeader()
        #expect(try reader.next()?.message.compact == "browser>icm logout agent=1001")
        #expect(try reader.next() == nil)
        #expect(throws: TraceError.self) { try TraceReader(file: path + ".missing") }
        #expect(throws: TraceError.self) { try TraceReader(file: "/tmp") }
    }
}

extension String {
    func write(toFile path: String) throws {
        guard let handle = fopen(path, "w") else { throw TraceError(.unreadable, at: .unknown, "cannot write \(path)") }
        fputs(self, handle)
        fclose(handle)
    }
}

@Suite("Reading long files on two threads")
struct TwoThreadReadingTests {
    /// A long trace of logouts (about 6 MB), with `extra` lines placed after
    /// message `at`.
    func file(messages: Int = 80_000, insert extra: [String] = [], at: Int = 0) throws -> String {
        var lines = [#"<trace xmlns="urn:cvconform:trace:1" id="long" expect="pass">"#, "<setup/>"]
        for index in 1...messages {
            lines.append(#"<msg from="browser" to="icm" type="logout" agent="\#(1000 + index % 7)"/>"#)
            if index == at { lines += extra }
        }
        lines.append("</trace>")
        let path = "/tmp/cvconform-two-threads-\(UInt32.random(in: 0...UInt32.max)).xml"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path)
        return path
    }

    @Test("Every message arrives, in order, with its position")
    func everyMessage() throws {
        let path = try file()
        defer { remove(path) }
        var info = stat()
        stat(path, &info)
        #expect(Int(info.st_size) >= TraceReader.twoThreadFileSize, "long enough for two threads")
        let reader = try TraceReader(file: path)
        var positions: [Int] = []
        try reader.forEachEntry { entry, position in
            if positions.count < 3 { #expect(entry.message.compact.hasPrefix("browser>icm logout agent=")) }
            positions.append(position)
        }
        #expect(positions == Array(1...80_000))
        #expect(reader.position == 80_000)
        #expect(try Trace.read(file: path).entries.count == 80_000)
    }

    @Test("A message the table refuses is reported at its line, before a later malformation")
    func checkingErrorFirst() throws {
        let path = try file(insert: [#"<msg from="browser" to="icm" type="logout" agent="x"/>"#], at: 50_000)
        defer { remove(path) }
        let error = try #require(throws: TraceError.self) { try Trace.read(file: path) }
        #expect(error.location.line == 2 + 50_000 + 1)
        #expect(error.message.hasPrefix("message 50001: parameter 'agent' is 'x'"))
    }

    @Test("Past the listed 100, refused messages are counted; every listed one has its words")
    func manyCheckingErrors() throws {
        let bad = Array(repeating: #"<msg from="browser" to="icm" type="logout" agent="x"/>"#, count: 250)
        let path = try file(insert: bad, at: 40_000)
        defer { remove(path) }
        let error = try #require(throws: TraceError.self) { try Trace.read(file: path) }
        #expect(error.all.count == 100)
        #expect(error.unlisted == 150)
        #expect(error.all.allSatisfy { $0.message.contains("parameter 'agent' is 'x'") })
        #expect(error.all.last?.message.hasPrefix("message 40100:") == true)
    }

    @Test("A malformation the reading thread finds is reported at its line")
    func readingErrorFirst() throws {
        let path = try file(insert: [#"<msg from="browser" to="icm" agent="1"/>"#], at: 60_000)
        defer { remove(path) }
        let error = try #require(throws: TraceError.self) { try Trace.read(file: path) }
        #expect(error.location.line == 2 + 60_000 + 1)
        #expect(error.message.contains("lacks its 'type' attribute"))
    }

    @Test("XML that breaks late in a long file is reported after every good message")
    func brokenXML() throws {
        let path = try file(insert: ["<msg"], at: 70_000)
        defer { remove(path) }
        let reader = try TraceReader(file: path)
        var count = 0
        #expect(throws: TraceError.self) { try reader.forEachEntry { _, _ in count += 1 } }
        #expect(count >= 69_000)
    }
}
