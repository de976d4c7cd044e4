import CVConformModel
import CVConformTestSupport
import CVConformTrace
import Testing
@testable import CVConformWire

@Suite("The one-pass reader of plain msg lines agrees with the general reader")
struct PlainMessageLineTests {
    /// What the general reader (`MessageFields` and the table) makes of a line.
    static func general(_ line: String) -> Message? {
        var line = line
        return line.withUTF8 { bytes in
            guard let fields = try? WireProtocol.MessageFields(bytes), fields.isMessage else { return nil }
            return fields.message
        }
    }

    static func plain(_ line: String) -> Message? {
        var line = line
        return line.withUTF8 { PlainMessageLine.message($0) }
    }

    @Test("Every row of the table, written as the harness writes it, is read in one pass")
    func everyRowIsTaken() {
        for message in MessageSamples.everyRow {
            let line = WireProtocol.message(message)
            #expect(Self.plain(line) == message, "\(line)")
            #expect(Self.general(line) == message, "\(line)")
        }
    }

    @Test("White space, member order and members the protocol does not read change nothing", arguments: [
        #" { "params" : { "extension" : "4001" , "agent" : "1001" } , "type" : "login" , "to" : "icm" , "from" : "browser" , "op" : "msg" } "#,
        "{\"op\":\"msg\",\t\"from\":\"browser\",\"to\":\"icm\",\"type\":\"login\",\"params\":{\"agent\":\"1001\",\"extension\":\"4001\"}}\r",
        #"{"id":"7","op":"msg","from":"browser","to":"icm","type":"login","params":{"agent":"1001","extension":"4001"},"id":"8"}"#,
        // The harness's order, then something else: read the general way.
        #"{"op":"msg","from":"browser","to":"icm","type":"login","params":{"agent":"1001","extension":"4001"},"id":"8"}"#,
        #"{"op":"msg","from":"browser","to":"icm","type":"login","params":{"agent":"1001","extension":"4001"} }"#,
        #"{"op":"msg","from":"browser","to":"icm","type":"login", "params":{"agent":"1001","extension":"4001"}}"#,
        #"{"op":"msg","from":"browser","type":"login","to":"icm","params":{"agent":"1001","extension":"4001"}}"#,
    ])
    func shapesTaken(line: String) {
        let expected = Message(from: .browser, to: .icm, type: .login, parameters: ["agent": "1001", "extension": "4001"])
        #expect(Self.plain(line) == expected)
        #expect(Self.general(line) == expected)
    }

    @Test("Lines of any other shape are left to the general reader", arguments: [
        #"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{"agent":"10\u0030"}}"#, // an escape
        #"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{"agent":"1"},"n":1}"#, // a number
        #"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{"agent":"1"},"x":{}}"#, // an object
        #"{"op":"msg","from":"browser","from":"browser","to":"icm","type":"logout","params":{"agent":"1"}}"#,
        #"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{"agent":"1"},"op":"msg"}"#,
        #"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{"agent":"1"},"type":"logout"}"#,
        #"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{"agent":"1"},"params":{"agent":"1"}}"#,
        #"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{"agent":"1","agent":"1"}}"#,
        #"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{"agent":"1","nickname":"x"}}"#,
        #"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{"agent":"x1"}}"#, // not digits
        #"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{}}"#,
        #"{"op":"msg","from":"browser","to":"icm","type":"logout"}"#,
        #"{"op":"msg","from":"browser","to":"cvct","type":"logout","params":{"agent":"1"}}"#, // no such row
        #"{"op":"msg","from":"Browser","to":"icm","type":"logout","params":{"agent":"1"}}"#,
        #"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{"agent":"1"}} x"#,
        #"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{"agent":"1"}"#,
        #"{"op":"sync","from":"browser","to":"icm","type":"logout","params":{"agent":"1"}}"#,
        #"{"op":"msg","from":"customer","to":"icm","type":"session-request","params":{"session":"s 1","media":"realtime","vdn":"5"}}"#,
        "{\"op\":\"msg\",\"from\":\"browser\",\"to\":\"icm\",\"type\":\"logout\",\"params\":{\"agent\":\"1\u{7F}\"}}",
        "{\"op\":\"msg\",\"from\":\"customer\",\"to\":\"icm\",\"type\":\"session-request\",\"params\":{\"session\":\"é\",\"media\":\"realtime\",\"vdn\":\"5\"}}",
        "",
        "   ",
        "{}",
        #"{"op":"msg","from":"ecs","to":"cvct","type":"progress","params":{"session":"s","state":"queued","skill":"1","extension":"2","by":"phone"}}"#,
        // A word of the table, but of another parameter's list, or of another progress state's row.
        #"{"op":"msg","from":"customer","to":"icm","type":"session-request","params":{"session":"s1","media":"drop","vdn":"5"}}"#,
        #"{"op":"msg","from":"browser","to":"icm","type":"release","params":{"agent":"1","session":"s1","button":"realtime"}}"#,
        #"{"op":"msg","from":"ecs","to":"cvct","type":"progress","params":{"session":"s1","state":"dropped","vdn":"5"}}"#,
    ])
    func otherShapesDeclined(line: String) {
        #expect(Self.plain(line) == nil)
    }

    @Test("Lines broken at random: whatever the one-pass reader takes, the general reader takes as the same message")
    func randomlyBrokenLinesAgree() {
        var random = SeededRandom(seed: 20261126)
        let pieces: [String] = ["\"", "\\", "{", "}", ",", ":", " ", "\t", "\r", "1", "a", "é", "\u{7F}", "\u{01}", "[", "op", "msg", "params"]
        var taken = 0
        for round in 0..<30_000 {
            let message = MessageSamples.everyRow[round % MessageSamples.everyRow.count]
            var line = Array(WireProtocol.message(message).utf8)
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let at = Int.random(in: 0...line.count, using: &random)
                let piece = Array(pieces[Int.random(in: 0..<pieces.count, using: &random)].utf8)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: line.insert(contentsOf: piece, at: at)
                case 1: if at < line.count { line.remove(at: at) }
                default: if at < line.count { line.replaceSubrange(at..<min(line.count, at + piece.count), with: piece) }
                }
            }
            let text = String(decoding: line, as: UTF8.self)
            guard let plain = line.withUnsafeBufferPointer({ PlainMessageLine.message($0) }) else { continue }
            taken += 1
            let general: Message? = line.withUnsafeBufferPointer { bytes in
                guard let fields = try? WireProtocol.MessageFields(bytes), fields.isMessage else { return nil }
                return fields.message
            }
            #expect(general == plain, "\(text)")
        }
        // Some breaks leave a good line (a space, a value still in its
        // domain): the comparison above saw real lines.
        #expect(taken > 300)
    }

    @Test("A quote, backslash, control, DEL or non-ASCII byte at any place of a long value is seen (strings are read eight bytes at a time)")
    func specialBytesAtEveryPlace() {
        let specials: [String] = ["\"", "\\", "\u{1}", "\t", "\u{7F}", "é"]
        for length in 1...40 {
            let plainValue = String(repeating: "7", count: length)
            let line = #"{"op":"msg","from":"cvct","to":"icm","type":"dropped","params":{"session":"\#(plainValue)"}}"#
            #expect(Self.plain(line) == Message(from: .cvct, to: .icm, type: .dropped, parameters: ["session": plainValue]), "\(line)")
            for place in 0...length {
                for special in specials {
                    var value = plainValue
                    value.insert(contentsOf: special, at: value.index(value.startIndex, offsetBy: place))
                    let spoilt = #"{"op":"msg","from":"cvct","to":"icm","type":"dropped","params":{"session":"\#(value)"}}"#
                    #expect(Self.plain(spoilt) == nil, "\(spoilt)")
                }
            }
        }
    }
}
