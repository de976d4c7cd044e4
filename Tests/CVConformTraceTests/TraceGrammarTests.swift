import Testing
@testable import CVConformTrace

/// A start tag made in Swift, so the grammar is tested without libxml2.
struct MadeTag: StartTag {
    struct Attribute: TagAttribute {
        var name: String
        var value: String
        var namespace: AttributeNamespace = .none
        var nameID: Int { -1 }

        func lookup<Value>(in table: borrowing ByteTable<Value>) -> Value? { table.lookup(Array(value.utf8)) }
    }

    var localName: String
    var depth: Int
    var attributes: [Attribute]
    var isEmpty: Bool
    var ordinal: Int
    var order: Int
    var line: Int
    var isInNamespace = true
    var namespace: String?
    var nameID: Int { -1 }
}

/// Feeds a grammar one event at a time, numbering tags and events as the
/// XML reader does.
struct GrammarFeed {
    var grammar = TraceGrammar()
    var startTags = 0
    var endTags = 0
    var events = 0

    mutating func start(
        _ name: String, depth: Int, _ attributes: [(String, String)] = [], empty: Bool = true, line: Int = 1,
        namespace: String? = nil, inNamespace: Bool = true
    ) -> TraceGrammar.Action {
        events += 1
        defer { startTags += 1 }
        let tag = MadeTag(
            localName: name, depth: depth, attributes: attributes.map { MadeTag.Attribute(name: $0.0, value: $0.1) },
            isEmpty: empty, ordinal: startTags, order: events, line: line, isInNamespace: inNamespace, namespace: namespace
        )
        return grammar.startElement(tag)
    }

    mutating func end(depth: Int) -> TraceGrammar.Action {
        events += 1
        endTags += 1
        return grammar.endElement(depth: depth)
    }

    mutating func text(_ content: String, line: Int = 1) -> TraceGrammar.Action {
        events += 1
        return grammar.text(XMLText(content: content, line: line, startTags: startTags, endTags: endTags, order: events))
    }

    /// `<trace id="t" expect=…>` and an empty `<setup/>`.
    mutating func header(expect: String = "pass") {
        _ = start("trace", depth: 0, [("id", "t"), ("expect", expect)], empty: false)
        _ = start("setup", depth: 1)
    }
}

extension TraceGrammar.Action {
    var problems: [String] {
        switch self {
        case .proceed(let found), .header(_, let found), .message(_, let found): return found.map(\.message)
        case .fatal(let problem), .refuse(let problem): return [problem.message]
        case .finished: return []
        }
    }

    var raw: RawMessage? {
        if case .message(let raw, _) = self { return raw }
        return nil
    }

    var header: TraceHeader? {
        if case .header(let header, _) = self { return header }
        return nil
    }

    var isFatal: Bool {
        if case .fatal = self { return true }
        return false
    }

    var places: [TraceProblem.Place] {
        switch self {
        case .proceed(let found), .header(_, let found), .message(_, let found): return found.map(\.place)
        case .fatal(let problem), .refuse(let problem): return [problem.place]
        case .finished: return []
        }
    }
}

@Suite("The trace grammar, event by event")
struct TraceGrammarTests {
    @Test("The root gives the trace's id and expectation; a root that is not a trace ends the reading")
    func root() {
        var feed = GrammarFeed()
        #expect(feed.start("trace", depth: 0, [("id", "login"), ("profile", "extended"), ("expect", "fail")], empty: false).problems.isEmpty)
        #expect(feed.grammar.rootID == "login")
        #expect(feed.grammar.rootExpectation == .fail)

        var wrong = GrammarFeed()
        let action = wrong.start("traces", depth: 0, [("id", "x"), ("expect", "pass")])
        #expect(action.isFatal)
        #expect(action.problems == ["the root element is <{urn:cvconform:trace:1}traces>; a trace's root is <trace xmlns=\"urn:cvconform:trace:1\">"])
        #expect(wrong.start("setup", depth: 1).problems.isEmpty, "nothing is judged after a fatal problem")
    }

    @Test("Every wrong root attribute is a problem of its own, and reading goes on")
    func rootAttributes() {
        var feed = GrammarFeed()
        let action = feed.start("trace", depth: 0, [("id", "a b"), ("profile", "full"), ("colour", "red")], empty: false)
        #expect(action.problems == [
            "the trace id must be a non-empty string without white space",
            "profile is 'full'; it must be 'core' or 'extended'",
            "unexpected attribute 'colour' on <trace> (it takes id, profile and expect)",
            "<trace> lacks its 'expect' attribute (pass, fail or incomplete)",
        ])
        #expect(action.places[2] == .element(ordinal: 0, line: 1, attribute: "colour"))
        #expect(feed.grammar.rootID == nil)
        #expect(feed.grammar.rootExpectation == nil)
        #expect(feed.start("setup", depth: 1).header != nil)
    }

    @Test("The header collects title, covers and tags, and is handed out when <setup> ends")
    func header() throws {
        var feed = GrammarFeed()
        _ = feed.start("trace", depth: 0, [("id", "t"), ("expect", "pass")], empty: false)
        _ = feed.start("title", depth: 1, empty: false)
        _ = feed.text("An agent\n   logs")
        _ = feed.text(" in")
        _ = feed.end(depth: 1)
        _ = feed.start("covers", depth: 1, empty: false)
        _ = feed.text(" ECS-1  CVCT-2 ")
        _ = feed.end(depth: 1)
        _ = feed.start("tag", depth: 1, empty: false)
        _ = feed.text("smoke")
        _ = feed.end(depth: 1)
        #expect(feed.start("setup", depth: 1, empty: false).header == nil)
        #expect(feed.start("agent", depth: 2, [("id", "1001"), ("skills", "10 20")]).problems.isEmpty)
        #expect(feed.start("station", depth: 2, [("extension", "4001")]).problems.isEmpty)
        #expect(feed.start("vdn", depth: 2, [("number", "5000"), ("skill", "10")]).problems.isEmpty)
        let header = try #require(feed.end(depth: 1).header)
        #expect(header.title == "An agent logs in")
        #expect(header.covers == ["ECS-1", "CVCT-2"])
        #expect(header.tags == ["smoke"])
        #expect(header.setup == Administration(agents: [.init(id: "1001", skills: ["10", "20"])], stations: ["4001"],
                                               vdns: [.init(number: "5000", skill: "10")]))
    }

    @Test("Setup ids given twice, wrong values, missing and extra attributes are each a problem")
    func setupProblems() {
        var feed = GrammarFeed()
        _ = feed.start("trace", depth: 0, [("id", "t"), ("expect", "pass")], empty: false)
        _ = feed.start("setup", depth: 1, empty: false)
        _ = feed.start("agent", depth: 2, [("id", "1"), ("skills", "2")])
        #expect(feed.start("agent", depth: 2, [("id", "1"), ("skills", "2x")]).problems == [
            "'skills' of <agent> has '2x', but must be a non-empty string of digits", "agent 1 is administered twice",
        ])
        _ = feed.start("station", depth: 2, [("extension", "4")])
        #expect(feed.start("station", depth: 2, [("extension", "4"), ("room", "9")]).problems == [
            "station 4 is administered twice", "unexpected attribute 'room' on <station>",
        ])
        #expect(feed.start("vdn", depth: 2, [("number", "5")]).problems == ["<vdn> lacks its 'skill' attribute"])
        // A misspelt attribute is named with the one it is close to.
        #expect(feed.start("station", depth: 2, [("extention", "4101")]).problems == [
            "<station> lacks its 'extension' attribute", "unexpected attribute 'extention' on <station> (did you mean 'extension'?)",
        ])
        #expect(feed.start("agent", depth: 2, [("id", "7"), ("skill", "2")]).problems == [
            "<agent> lacks its 'skills' attribute", "unexpected attribute 'skill' on <agent> (did you mean 'skills'?)",
        ])
        let duplicate = feed.start("vdn", depth: 2, [("number", "5"), ("skill", "2")])
        #expect(duplicate.problems == ["VDN 5 is administered twice"])
        #expect(duplicate.places == [.element(ordinal: 9, line: 1, attribute: "number")])
        #expect(feed.end(depth: 1).header?.setup.agents.count == 1)
    }

    @Test("Ids are compared as strings: 0101 is not 101, and long ids are compared too")
    func idsAsStrings() {
        var feed = GrammarFeed()
        _ = feed.start("trace", depth: 0, [("id", "t"), ("expect", "pass")], empty: false)
        _ = feed.start("setup", depth: 1, empty: false)
        let long = String(repeating: "9", count: 40)
        for id in ["0101", "101", "00101", long] {
            #expect(feed.start("agent", depth: 2, [("id", id), ("skills", "")]).problems.isEmpty, "\(id)")
        }
        #expect(feed.start("agent", depth: 2, [("id", "0101"), ("skills", "")]).problems == ["agent 0101 is administered twice"])
        #expect(feed.start("agent", depth: 2, [("id", long), ("skills", "")]).problems == ["agent \(long) is administered twice"])
        #expect(feed.end(depth: 1).header?.setup.agents.map(\.id) == ["0101", "101", "00101", long])
    }

    @Test("Something inside a setup entry is reported once; the rest of the entry is skipped")
    func insideSetupEntry() {
        var feed = GrammarFeed()
        _ = feed.start("trace", depth: 0, [("id", "t"), ("expect", "pass")], empty: false)
        _ = feed.start("setup", depth: 1, empty: false)
        _ = feed.start("agent", depth: 2, [("id", "1"), ("skills", "2")], empty: false)
        #expect(feed.start("skill", depth: 3).problems == ["unexpected element <skill> inside <agent>"])
        #expect(feed.start("skill", depth: 3).problems.isEmpty)
        #expect(feed.text("ten").problems.isEmpty)
        _ = feed.end(depth: 2)
        #expect(feed.start("station", depth: 2, [("extension", "x")]).problems.count == 1, "judged again after the entry")
    }

    @Test("A <msg> inside <setup> suggests the missing </setup> once and skips the rest of it")
    func messageInSetup() {
        var feed = GrammarFeed()
        _ = feed.start("trace", depth: 0, [("id", "t"), ("expect", "pass")], empty: false)
        _ = feed.start("setup", depth: 1, empty: false, line: 5)
        #expect(feed.start("msg", depth: 2, [("from", "browser")]).problems == [
            "unexpected element <msg> in <setup> (does the <setup> on line 5 lack its </setup>?)",
        ])
        #expect(feed.start("msg", depth: 2).problems.isEmpty)
        #expect(feed.end(depth: 1).header != nil)
    }

    @Test("A message is handed out raw, numbered, with its roles and type looked up")
    func message() throws {
        var feed = GrammarFeed()
        feed.header()
        let first = try #require(feed.start("msg", depth: 1, [("from", "browser"), ("to", "icm"), ("type", "login"), ("agent", "1001"), ("extension", "4001")], line: 7).raw)
        #expect(first.position == 1)
        #expect(first.line == 7)
        #expect(first.known.from == .browser && first.known.to == .icm && first.known.type == .login)
        #expect(first.routing == nil)
        #expect(first.parameters.map(\.name) == ["agent", "extension"])
        let second = try #require(feed.start("msg", depth: 1, [("from", "agent"), ("to", "icm"), ("type", "hello")]).raw)
        #expect(second.position == 2)
        #expect(second.known.from == nil && second.known.type == nil)
        #expect(second.routing?.from == "agent")
        #expect(second.routing?.type == "hello")
        #expect(feed.grammar.messageCount == 2)
    }

    @Test("A message without its routing attributes names each missing one and is not handed out")
    func messageWithoutRouting() {
        var feed = GrammarFeed()
        feed.header()
        let action = feed.start("msg", depth: 1, [("from", "browser"), ("agent", "1")])
        #expect(action.raw == nil)
        #expect(action.problems == ["<msg> lacks its 'to' attribute", "<msg> lacks its 'type' attribute"])
        #expect(feed.grammar.messageCount == 1, "it still has its place")
    }

    @Test("'invalid': only in fail traces, only \"true\", only once, and at least once")
    func invalidMarker() {
        var pass = GrammarFeed()
        pass.header()
        #expect(pass.start("msg", depth: 1, [("from", "icm"), ("to", "browser"), ("type", "acw-open"), ("agent", "1"), ("invalid", "true")]).problems
                == ["'invalid' may appear only in an expect=\"fail\" trace"])

        var fail = GrammarFeed()
        fail.header(expect: "fail")
        let acwOpen = [("from", "icm"), ("to", "browser"), ("type", "acw-open"), ("agent", "1")]
        #expect(fail.start("msg", depth: 1, acwOpen + [("invalid", "true")]).problems.isEmpty)
        let second = fail.start("msg", depth: 1, acwOpen + [("invalid", "true")])
        #expect(second.problems == ["a second <msg> is marked invalid (message 2; message 1 already is)"])
        #expect(second.raw != nil, "the message is still checked against the table")
        #expect(fail.end(depth: 0).problems.isEmpty)

        var unmarked = GrammarFeed()
        unmarked.header(expect: "fail")
        _ = unmarked.start("msg", depth: 1, acwOpen)
        let end = unmarked.end(depth: 0)
        #expect(end.problems == ["an expect=\"fail\" trace must mark exactly one <msg> with invalid=\"true\"; none is marked"])
        #expect(end.places == [.element(ordinal: 0, line: 1, attribute: nil)], "placed at the root")

        var wrongValue = GrammarFeed()
        wrongValue.header(expect: "fail")
        #expect(wrongValue.start("msg", depth: 1, acwOpen + [("invalid", "false")]).problems == ["'invalid' must be \"true\" (it is 'false')"])
        #expect(wrongValue.end(depth: 0).problems.isEmpty, "a wrong mark is not reported again as no mark")
    }

    @Test("An element inside a message is reported once, with a hint, and the rest of the message is skipped")
    func insideMessage() {
        var feed = GrammarFeed()
        feed.header()
        _ = feed.start("msg", depth: 1, [("from", "browser"), ("to", "icm"), ("type", "logout"), ("agent", "1")], empty: false, line: 8)
        #expect(feed.start("msg", depth: 2, [("from", "browser")], line: 9).problems == [
            "unexpected element <msg> inside <msg> (does the <msg> on line 8 lack its closing \"/>\"?)",
        ])
        #expect(feed.start("msg", depth: 2, line: 10).problems.isEmpty)
        #expect(feed.text("stray").problems.isEmpty)
        _ = feed.end(depth: 1)
        #expect(feed.text("stray").problems.count == 1, "judged again after the message")
    }

    @Test("Unknown and foreign elements are reported and their content skipped")
    func unknownElements() {
        var feed = GrammarFeed()
        feed.header()
        #expect(feed.start("note", depth: 1, empty: false).problems == [
            "unexpected element <note> (a trace holds title, description, covers, tag, setup and msg)",
        ])
        #expect(feed.start("msg", depth: 2).problems.isEmpty)
        #expect(feed.text("hi").problems.isEmpty)
        _ = feed.end(depth: 1)
        #expect(feed.start("x", depth: 1, namespace: "urn:other", inNamespace: false).problems == [
            "unexpected element <x> in namespace 'urn:other'; trace elements are in urn:cvconform:trace:1",
        ])
        #expect(feed.start("title", depth: 1).problems == ["<title> must come before <setup>"])
        #expect(feed.start("setup", depth: 1).problems == ["<setup> appears twice"])
    }

    @Test("Messages before <setup> are reported once, counted, and not judged")
    func messagesBeforeSetup() {
        var feed = GrammarFeed()
        _ = feed.start("trace", depth: 0, [("id", "t"), ("expect", "pass")], empty: false)
        let first = feed.start("msg", depth: 1, [("from", "x")])
        #expect(first.problems == ["<msg> before <setup>: every trace starts from its administration"])
        #expect(first.raw == nil)
        #expect(feed.start("msg", depth: 1, [("from", "x")]).problems.isEmpty)
        #expect(feed.end(depth: 0).problems.isEmpty, "no second report that <setup> is missing")
        #expect(feed.grammar.messageCount == 2)
    }

    @Test("Stray text is placed after the tags before it")
    func strayText() {
        var feed = GrammarFeed()
        feed.header()
        let action = feed.text("\n  hello world\n", line: 9)
        #expect(action.problems == ["unexpected text 'hello world' outside title, description, covers and tag"])
        #expect(action.places == [.text(afterStartTags: 2, endTags: 0, line: 9)])
        #expect(feed.text(" \n\t").problems.isEmpty, "white space is not text")
    }

    @Test("A trace without <setup> says so at its end; the end of the document finishes; no root is fatal")
    func endings() {
        var empty = GrammarFeed()
        let root = empty.start("trace", depth: 0, [("id", "t"), ("expect", "pass")])
        #expect(root.problems == ["the trace has no <setup>"])
        #expect(root.places == [.file])
        guard case .finished = empty.grammar.endOfDocument() else {
            Issue.record("the document should finish after its root")
            return
        }
        var nothing = GrammarFeed()
        let end = nothing.grammar.endOfDocument()
        #expect(end.isFatal)
        #expect(end.problems == ["the file has no root element"])
    }
}
