import Testing
@testable import CVConformTrace

/// One way to break a trace, what the error must say, and where.
struct Malformation: CustomTestStringConvertible, Sendable {
    var name: String
    var text: String
    var says: String
    var line: Int? = nil
    var column: Int? = nil
    var kind: TraceError.Kind = .invalidTrace
    var testDescription: String { name }
}

private let login = #"<msg from="browser" to="icm" type="login" agent="1001" extension="4001"/>"#

let malformations: [Malformation] = [
    .init(name: "parameter missing", text: traceText(#"<msg from="browser" to="icm" type="login" agent="1001"/>"#),
          says: "message 1: message 'login' lacks parameter 'extension'", line: 8, column: 3),
    .init(name: "parameter extra", text: traceText(#"<msg from="browser" to="icm" type="logout" agent="1001" extension="4001"/>"#),
          says: "unexpected parameter 'extension'", line: 8, column: 59),
    .init(name: "media outside its values", text: traceText(#"<msg from="customer" to="icm" type="session-request" session="s1" media="video" vdn="5000"/>"#),
          says: "parameter 'media' is 'video', but must be one of 'realtime', 'messaging'"),
    .init(name: "button outside its values", text: traceText(#"<msg from="browser" to="icm" type="release" agent="1001" session="s1" button="hold"/>"#),
          says: "parameter 'button' is 'hold'"),
    .init(name: "reason outside its values", text: traceText(#"<msg from="icm" to="browser" type="disconnect" agent="1001" session="s1" reason="gone"/>"#),
          says: "parameter 'reason' is 'gone'"),
    .init(name: "state outside its values", text: traceText(#"<msg from="ecs" to="cvct" type="progress" session="s1" state="ringing" extension="4001"/>"#),
          says: "parameter 'state' is 'ringing'"),
    .init(name: "by outside its values", text: traceText(#"<msg from="ecs" to="cvct" type="logged-out" agent="1001" extension="4001" by="browser"/>"#),
          says: "parameter 'by' is 'browser'"),
    .init(name: "cause outside its values", text: traceText(#"<msg from="icm" to="browser" type="login-failed" agent="1001" cause="busy"/>"#),
          says: "parameter 'cause' is 'busy'"),
    .init(name: "progress with another state's parameters", text: traceText(#"<msg from="ecs" to="cvct" type="progress" session="s1" state="queued" vdn="5000"/>"#),
          says: "lacks parameter 'skill'"),
    .init(name: "progress dropped without by", text: traceText(#"<msg from="ecs" to="cvct" type="progress" session="s1" state="dropped" extension="4001"/>"#),
          says: "lacks parameter 'by'"),
    .init(name: "unknown role", text: traceText(#"<msg from="agent" to="icm" type="login" agent="1001" extension="4001"/>"#),
          says: "unknown role 'agent' in 'from'", line: 8, column: 8),
    .init(name: "type not defined on its channel", text: traceText(#"<msg from="phone" to="icm" type="login" agent="1001" extension="4001"/>"#),
          says: "no message type 'login' is defined from phone to icm"),
    .init(name: "unknown type", text: traceText(#"<msg from="browser" to="icm" type="hello" agent="1001"/>"#),
          says: "no message type 'hello'"),
    .init(name: "agent id with a non-digit", text: traceText(#"<msg from="browser" to="icm" type="logout" agent="10a1"/>"#),
          says: "parameter 'agent' is '10a1', but must be a non-empty string of digits"),
    .init(name: "empty extension", text: traceText(#"<msg from="phone" to="ecs" type="answer" extension=""/>"#),
          says: "parameter 'extension' is ''"),
    .init(name: "session id with white space", text: traceText(#"<msg from="icm" to="browser" type="connect" agent="1001" session="s 1"/>"#),
          says: "parameter 'session' is 's 1'"),
    .init(name: "session id with a tab reference", text: traceText(#"<msg from="icm" to="browser" type="connect" agent="1001" session="s&#9;1"/>"#),
          says: "parameter 'session'"),
    .init(name: "setup skill with a letter", text: #"<trace xmlns="urn:cvconform:trace:1" id="x" expect="pass"><setup><agent id="1" skills="10 2x"/></setup></trace>"#,
          says: "'skills' of <agent> has '2x'"),
    .init(name: "setup agent administered twice", text: #"<trace xmlns="urn:cvconform:trace:1" id="x" expect="pass"><setup><agent id="1" skills=""/><agent id="1" skills="2"/></setup></trace>"#,
          says: "agent 1 is administered twice"),
    .init(name: "setup vdn without skill", text: #"<trace xmlns="urn:cvconform:trace:1" id="x" expect="pass"><setup><vdn number="5"/></setup></trace>"#,
          says: "<vdn> lacks its 'skill' attribute"),
    .init(name: "setup missing", text: #"<trace xmlns="urn:cvconform:trace:1" id="x" expect="pass"></trace>"#,
          says: "the trace has no <setup>"),
    .init(name: "message before setup", text: #"<trace xmlns="urn:cvconform:trace:1" id="x" expect="pass">"# + login + "<setup/></trace>",
          says: "<msg> before <setup>"),
    .init(name: "root is not trace", text: #"<traces xmlns="urn:cvconform:trace:1" id="x" expect="pass"><setup/></traces>"#,
          says: "the root element is <{urn:cvconform:trace:1}traces>", line: 1, column: 1),
    .init(name: "root without namespace", text: #"<trace id="x" expect="pass"><setup/></trace>"#,
          says: "the root element is <trace>"),
    .init(name: "root in another namespace", text: #"<trace xmlns="urn:cvconform:trace:2" id="x" expect="pass"><setup/></trace>"#,
          says: "the root element is <{urn:cvconform:trace:2}trace>"),
    .init(name: "expect outside its values", text: #"<trace xmlns="urn:cvconform:trace:1" id="x" expect="maybe"><setup/></trace>"#,
          says: "expect is 'maybe'"),
    .init(name: "profile outside its values", text: #"<trace xmlns="urn:cvconform:trace:1" id="x" profile="full" expect="pass"><setup/></trace>"#,
          says: "profile is 'full'"),
    .init(name: "no id", text: #"<trace xmlns="urn:cvconform:trace:1" expect="pass"><setup/></trace>"#,
          says: "<trace> lacks its 'id' attribute"),
    .init(name: "invalid in a pass trace", text: traceText(#"<msg from="browser" to="icm" type="logout" agent="1001" invalid="true"/>"#),
          says: "'invalid' may appear only in an expect=\"fail\" trace"),
    .init(name: "invalid in an incomplete trace", text: traceText(expect: "incomplete", #"<msg from="browser" to="icm" type="logout" agent="1001" invalid="true"/>"#),
          says: "'invalid' may appear only"),
    .init(name: "invalid twice", text: traceText(expect: "fail",
            #"<msg from="icm" to="browser" type="acw-open" agent="1001" invalid="true"/>"#,
            #"<msg from="icm" to="browser" type="acw-close" agent="1001" invalid="true"/>"#),
          says: "a second <msg> is marked invalid (message 2; message 1 already is)"),
    .init(name: "invalid false", text: traceText(expect: "fail", #"<msg from="icm" to="browser" type="acw-open" agent="1001" invalid="false"/>"#),
          says: "'invalid' must be \"true\""),
    .init(name: "fail trace with nothing invalid", text: traceText(expect: "fail", login),
          says: "none is marked", line: 2, column: 1),
    .init(name: "unknown element", text: traceText("<note>hi</note>"), says: "unexpected element <note>"),
    .init(name: "element inside msg", text: traceText(#"<msg from="browser" to="icm" type="logout" agent="1001"><x/></msg>"#),
          says: "unexpected element <x> inside <msg>"),
    .init(name: "text between messages", text: traceText("hello"), says: "unexpected text 'hello'", line: 8, column: 3),
    .init(name: "element in a foreign namespace", text: traceText(#"<x:note xmlns:x="urn:other"/>"#), says: "in namespace 'urn:other'"),
    .init(name: "title after setup", text: traceText("<title>late</title>"), says: "<title> must come before <setup>"),
    .init(name: "a parameter in the trace namespace", text: traceText(#"<msg xmlns:t="urn:cvconform:trace:1" from="browser" to="icm" type="logout" t:agent="1001"/>"#),
          says: "must not be in the trace namespace"),
    .init(name: "not well formed", text: traceText(#"<msg from="browser" to="icm" type="logout" agent="1001">"#),
          says: "XML:", kind: .notWellFormed),
    .init(name: "garbage after the root", text: traceText() + "<trace/>", says: "XML:", kind: .notWellFormed),
    .init(name: "empty file", text: "", says: "the file is empty or not XML", kind: .notWellFormed),
    .init(name: "not XML at all", text: "hello world\n", says: "the file is empty or not XML", kind: .notWellFormed),
    .init(name: "a DOCTYPE, even a harmless one", text: "<?xml version=\"1.0\"?>\n<!DOCTYPE trace>\n" + #"<trace xmlns="urn:cvconform:trace:1" id="x" expect="pass"><setup/></trace>"#, says: "a DOCTYPE is not allowed", kind: .doctype),
    .init(name: "an undefined entity", text: traceText(#"<msg from="browser" to="icm" type="logout" agent="&x;"/>"#),
          says: "XML:", kind: .notWellFormed),
]

@Suite("Malformed traces: judged on the whole file, with file:line:col")
struct MalformedTraceTests {
    @Test("Each malformation is refused with a clear error", arguments: malformations)
    func refused(_ case_: Malformation) throws {
        let error = try #require(readError(case_.text), "\(case_.name) was read")
        #expect(error.kind == case_.kind)
        #expect(error.message.contains(case_.says), "\(error)")
        #expect(error.location.file == "t.xml")
        if let line = case_.line { #expect(error.location.line == line, "\(error)") }
        if let column = case_.column { #expect(error.location.column == column, "\(error)") }
    }

    @Test("A <msg> without its closing /> is named by its line, whoever finds it first")
    func unclosedMessage() throws {
        // libxml2 reads small inputs whole and reports the tag mismatch; in a
        // long file the reader meets the nested <msg> first and says so.
        let error = try #require(readError(traceText(#"<msg from="browser" to="icm" type="logout" agent="1001">"#, login)))
        #expect(error.message.contains("msg line 8") || error.message.contains("<msg> on line 8"), "\(error)")
        var long = [#"<msg from="browser" to="icm" type="logout" agent="1001">"#, login]
        long += Array(repeating: login, count: 20_000)
        let deep = try #require(readError(traceText(long.joined(separator: "\n"))))
        #expect(deep.message.contains("<msg> on line 8 lack its closing"), "\(deep)")
    }

    @Test("A malformation after the last message is still found by a streaming reader")
    func lateMalformation() throws {
        let reader = try TraceReader(text: traceText(login, login, #"<msg from="browser" to="icm" type="logout"/>"#), name: "t.xml")
        _ = try reader.readHeader()
        #expect(try reader.next() != nil)
        #expect(try reader.next() != nil)
        #expect(throws: TraceError.self) { try reader.next() }
    }

    @Test("Messages on one line get the column of their own element")
    func columnsOnOneLine() throws {
        let text = #"<trace xmlns="urn:cvconform:trace:1" id="x" expect="pass"><setup/><msg from="browser" to="icm" type="logout" agent="1001"/><msg from="browser" to="icm" type="logout" agent="x"/></trace>"#
        let error = try #require(readError(text))
        #expect(error.location.line == 1)
        #expect(error.location.column == 167)
        #expect(error.description.hasPrefix("t.xml:1:167: message 2: parameter 'agent' is 'x'"))
    }
}

