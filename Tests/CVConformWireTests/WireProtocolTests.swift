import CVConformTestSupport
import CVConformTrace
import Testing
@testable import CVConformWire


@Suite("Wire lines decoded in one pass (JSONReader)")
struct WireProtocolTests {
    @Test("A msg line becomes its message, whatever the member order and extra members")
    func message() throws {
        let line = #"{"params":{"extension":"4001","agent":"1001"},"x":[1,{"y":null}],"type":"login","to":"icm","from":"browser","op":"msg"}"#
        guard case .message(let message) = try WireProtocol.parse(line) else {
            Issue.record("not a message")
            return
        }
        #expect(message == m("browser>icm login agent=1001 extension=4001"))
    }

    @Test("A msg line written out reads back as the same message, escapes and all")
    func writtenMessageRoundTrips() throws {
        let message = Message(from: .customer, to: .icm, type: .sessionRequest,
                              parameters: ["session": "a\"b\\c\u{01}é€😀", "media": "realtime", "vdn": "5000"])
        let line = WireProtocol.message(message)
        #expect(line == #"{"op":"msg","from":"customer","to":"icm","type":"session-request","params":{"media":"realtime","session":"a\"b\\c\u0001é€😀","vdn":"5000"}}"#)
        guard case .message(let read) = try WireProtocol.parse(line) else {
            Issue.record("not a message: \(line)")
            return
        }
        #expect(read == message)
        // A line break in a value never breaks the line.
        let broken = Message(from: .customer, to: .icm, type: .sessionRequest, parameters: ["session": "a\nb\r\t"])
        #expect(WireProtocol.message(broken).contains(#""session":"a\nb\r\t""#))
    }

    @Test("What the protocol refuses is a protocol violation naming the problem", arguments: [
        (#"{"op":"msg","from":"browser","from":"phone","to":"icm","type":"logout","params":{"agent":"1"}}"#, "member 'from' twice"),
        (#"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{"agent":1}}"#, "parameter 'agent' is not a string"),
        (#"{"op":"msg","from":"browser","to":"icm","type":"logout","params":[]}"#, "params must be an object"),
        (#"{"op":"msg","from":"browser","to":"icm","params":{}}"#, "from, to and type"),
        (#"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{"agent":"1","agent":"2"}}"#, "does not define"),
        (#"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{"agent":"1"}} x"#, "not a JSON object"),
        (#"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{"agent":-}}"#, "(at byte 75: invalid number"),
        (#"[1,2]"#, "not a JSON object"),
        (#"{"op":"frobnicate"}"#, "unknown op 'frobnicate'"),
        (#"{"nop":1}"#, "without an 'op'"),
    ])
    func refused(_ line: String, _ reason: String) {
        #expect(throws: WireProtocolError.self) { try WireProtocol.parse(line) }
        do {
            _ = try WireProtocol.parse(line)
        } catch {
            #expect(error.description.contains(reason), "\(error.description)")
        }
    }

    @Test("hello, ready and synced are read whole")
    func otherOps() throws {
        let hello = try WireProtocol.parse(#"{"op":"hello","protocol":"1","implementation":"x","roles":["icm"],"internal":"true","capabilities":["sync"]}"#)
        guard case .hello(let greeting, let version) = hello else {
            Issue.record("not hello")
            return
        }
        #expect(version == "1" && greeting.roles == [.icm] && greeting.reportsInternal && greeting.capabilities == ["sync"])
        #expect(try WireProtocol.parse(#"{"op":"ready"}"#) == .ready)
        #expect(try WireProtocol.parse(#" {"id":"7","op":"synced"} "#) == .synced("7"))
    }
}

@Suite("Wire fields: roles, types and names found from their bytes")
struct WireFieldsTests {
    @Test("Roles, types and names written with escapes decode as their plain forms")
    func escapes() throws {
        let line = #"{"op":"msg","from":"br\u006fwser","to":"icm","type":"log\u0069n","params":{"ag\u0065nt":"1001","extension":"4001"}}"#
        guard case .message(let message) = try WireProtocol.parse(line) else {
            Issue.record("not a message")
            return
        }
        #expect(message == m("browser>icm login agent=1001 extension=4001"))
    }

    @Test("A fitting line's message is taken without its fields; a line that does not fit has none")
    func takeMessage() throws {
        var line = Array(#"{"op":"msg","from":"icm","to":"browser","type":"acw-open","params":{"agent":"1001"}}"#.utf8)
        var fields = try line.withUnsafeBufferPointer { try WireProtocol.MessageFields($0) }
        #expect(fields.fromRole == .icm && fields.toRole == .browser && fields.messageType == .acwOpen)
        #expect(fields.takeMessage() == m("icm>browser acw-open agent=1001"))
        #expect(fields.parameters.isEmpty)
        line = Array(#"{"op":"msg","from":"icm","to":"browser","type":"acw-open","params":{"agent":"x"}}"#.utf8)
        fields = try line.withUnsafeBufferPointer { try WireProtocol.MessageFields($0) }
        #expect(fields.message == nil)
        #expect(fields.parameters.map(\.name) == ["agent"])
        line = Array(#"{"op":"msg","from":"icn","to":"browser","type":"acw-open","params":{}}"#.utf8)
        fields = try line.withUnsafeBufferPointer { try WireProtocol.MessageFields($0) }
        #expect(fields.fromRole == nil && fields.from == "icn")
    }
}
