import CVConformCells
import CVConformModel
import CVConformTestSupport
import CVConformTrace
import CVConformWire
import Testing
@testable import CVConformLogs

@Suite("A batch packs decoded lines and gives back what decoding each line gives")
struct LogBatchTests {
    /// Reads `text` line by line into a batch, and decodes each line on its
    /// own too; both as descriptions that include the line's place.
    static func packedAndDecoded(_ text: String) -> (packed: [String], decoded: [String]) {
        var batch = LogBatch(capacity: 16)
        var decoded: [String] = []
        _ = try? LogLineReader.read(.bytes(Array(text.utf8), name: "")) { line in
            batch.add(line)
            if let item = LogItem.decode(line) { decoded.append(describe(item)) }
        }
        var packed: [String] = []
        batch.forEach { packed.append(describe($0)) }
        return (packed, decoded)
    }

    static func describe(_ item: LogItem) -> String {
        switch item {
        case .message(let message, let position, _):
            return "message \(position.line) \(position.offset) \(position.length): \(message.from) \(message.to) \(message.type) \(message.parameters)"
        default:
            return "\(item)"
        }
    }

    /// Every row of the table with values of different lengths, so that a
    /// value cut at the wrong place shows.
    static let everyRowUneven: [Message] = MessageSamples.everyRow.map { message in
        var pairs: [(String, String)] = []
        for (index, parameter) in message.parameters.enumerated() {
            switch MessageCatalog.domain(of: parameter.name) {
            case .digits: pairs.append((parameter.name, String(repeating: "7", count: index + 1)))
            case .token: pairs.append((parameter.name, "s" + String(repeating: "-", count: 2 * index + 1)))
            case .oneOf: pairs.append((parameter.name, parameter.value))
            }
        }
        return Message(from: message.from, to: message.to, type: message.type, parameters: Parameters(pairs))
    }

    @Test("Every row of the table, between lines of other kinds, comes back as decoded")
    func everyRowAmongOthers() {
        var lines: [String] = []
        for (index, message) in Self.everyRowUneven.enumerated() {
            lines.append(WireProtocol.message(message))
            switch index % 5 {
            case 0: lines.append(#"{"op":"reset","trace":"t","setup":{"agents":[],"stations":[],"vdns":[]}}"#)
            case 1: lines.append("not json")
            case 2: lines.append("")
            case 3: lines.append(#"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{"agent":"10\u0030"}}"#)
            default: lines.append(#"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{}}"#)
            }
        }
        let (packed, decoded) = Self.packedAndDecoded(lines.joined(separator: "\n"))
        #expect(packed.count == decoded.count)
        #expect(packed == decoded)
        #expect(packed.filter { $0.hasPrefix("message") }.count > Self.everyRowUneven.count)
    }

    @Test("A packed line is judged as the message it makes, compared with a message without making it")
    func packedLinesCompareAsMessages() {
        var batch = LogBatch(capacity: 1_024)
        let text = Self.everyRowUneven.map(WireProtocol.message).joined(separator: "\n")
        _ = try? LogLineReader.read(.bytes(Array(text.utf8), name: "")) { batch.add($0) }
        var index = 0
        batch.forEach(messages: { observed, _, _ in
            let message = Self.everyRowUneven[index]
            let other = Self.everyRowUneven[(index + 1) % Self.everyRowUneven.count]
            #expect(observed.from == message.from && observed.to == message.to)
            #expect(observed.session == message.parameters[.session])
            #expect(observed.isIdentical(to: message), "\(message)")
            #expect(!observed.isIdentical(to: other), "\(message) against \(other)")
            for parameter in message.parameters {
                var changed = Array(message.parameters).map { ($0.name, $0.value) }
                changed.removeAll { $0.0 == parameter.name }
                let without = Message(from: message.from, to: message.to, type: message.type, parameters: Parameters(changed))
                let altered = Message(from: message.from, to: message.to, type: message.type,
                                      parameters: Parameters(changed + [(parameter.name, parameter.value + "0")]))
                #expect(!observed.isIdentical(to: without) && !observed.isIdentical(to: altered), "\(message), \(parameter.name)")
            }
            #expect(observed.make() == message)
            index += 1
        }, others: { Issue.record("not packed: \($0)") })
        #expect(index == Self.everyRowUneven.count)
    }

    @Test("A packed line is not identical to a message whose values are only canonically equal to its own, nor is a message given made")
    func identicalMeansTheSameBytes() {
        var batch = LogBatch(capacity: 16)
        let line = #"{"op":"msg","from":"cvct","to":"icm","type":"dropped","params":{"session":"K"}}"#
        _ = try? LogLineReader.read(.bytes(Array(line.utf8), name: "")) { batch.add($0) }
        let ascii = Message(from: .cvct, to: .icm, type: .dropped, parameters: ["session": "K"])
        // KELVIN SIGN: `String`'s `==` takes it for K; the model's ids are bytes.
        let kelvin = Message(from: .cvct, to: .icm, type: .dropped, parameters: ["session": "\u{212A}"])
        #expect(ascii == kelvin)
        var lines = 0
        batch.forEach(messages: { observed, _, _ in
            #expect(observed.isIdentical(to: ascii))
            #expect(!observed.isIdentical(to: kelvin))
            lines += 1
        }, others: { Issue.record("not packed: \($0)") })
        #expect(lines == 1)
        #expect(!ObservedMessage(ascii).isIdentical(to: ascii), "a message given made is delivered itself")
    }

    @Test("After a reset with cells each packed message carries the cell its other ids name, into the next batches too")
    func namedCells() {
        let messages = [
            "browser>icm login agent=1001 extension=4001", "browser>icm login agent=2001 extension=4002",
            "browser>icm login agent=1001 extension=4002", "cvct>icm dropped session=s1",
            "icm>browser connect agent=2001 session=s1", "browser>icm login agent=9999 extension=9998",
        ]
        let expected: [NamedCell] = [.cell(0), .cell(1), .several, .none, .cell(1), .none]
        let lines = [twoCellReset] + messages.map(wire) + [oneAgentReset] + messages.map(wire)
        let text = lines.joined(separator: "\n")
        for batchSize in [1, 2, 64] {
            var named: [NamedCell?] = []
            for batch in LogChecker.decodeAll(Array(text.utf8), batchSize: batchSize) {
                batch.forEach { if case .message(_, _, let cell) = $0 { named.append(cell) } }
            }
            // Without cells (the second reset) nothing is found ahead.
            #expect(named == expected + Array(repeating: nil, count: messages.count), "batches of \(batchSize)")
        }
        // Decoded line by line, nothing is found ahead.
        var foundAhead = 0
        for line in lines {
            let item = Array(line.utf8).withUnsafeBufferPointer { bytes in
                LogItem.decode(LogLineReader.Line(bytes: bytes, number: 1, offset: 0, tooLong: false))
            }
            if case .message(_, _, let cell?)? = item { _ = cell
                foundAhead += 1 }
        }
        #expect(foundAhead == 0)
    }

    @Test("A batch is full once its values pass a megabyte, and long values come back whole")
    func fullByBytes() {
        let long = String(repeating: "x", count: 300_000)
        let message = Message(from: .cvct, to: .icm, type: .dropped, parameters: ["session": long])
        let line = WireProtocol.message(message)
        var batch = LogBatch(capacity: 1024)
        var lines = 0
        _ = try? LogLineReader.read(.bytes(Array(Array(repeating: line, count: 5).joined(separator: "\n").utf8), name: "")) { each in
            if !batch.isFull {
                batch.add(each)
                lines += 1
            }
        }
        #expect(lines == 4) // 1.2 MB of values after the fourth
        #expect(batch.isFull)
        var messages: [Message] = []
        batch.forEach { if case .message(let each, _, _) = $0 { messages.append(each) } }
        #expect(messages == Array(repeating: message, count: 4))
    }

    @Test("Messages kept from a batch are each their own line's, though each is made in the storage the last one left")
    func keptMessagesStayTheirLines() {
        var batch = LogBatch(capacity: 16)
        let sent = (1...5).map { Message(from: .browser, to: .icm, type: .login, parameters: ["agent": "100\($0)", "extension": "400\($0)"]) }
        _ = try? LogLineReader.read(.bytes(Array(sent.map(WireProtocol.message).joined(separator: "\n").utf8), name: "")) { batch.add($0) }
        var kept: [Message] = []
        batch.forEach { if case .message(let each, _, _) = $0 { kept.append(each) } }
        #expect(kept == sent)
        // None kept: each read into the same storage.
        var agents: [String] = []
        batch.forEach { if case .message(let each, _, _) = $0 { agents.append(each["agent"]) } }
        #expect(agents == sent.map { $0["agent"] })
    }

    @Test("A batch is full once it holds its capacity of lines")
    func fullByLines() {
        var batch = LogBatch(capacity: 3)
        let line = WireProtocol.message(Message(from: .browser, to: .icm, type: .logout, parameters: ["agent": "1002"]))
        var fullAfter: [Bool] = []
        _ = try? LogLineReader.read(.bytes(Array([line, "garbage", line].joined(separator: "\n").utf8), name: "")) { each in
            batch.add(each)
            fullAfter.append(batch.isFull)
        }
        #expect(fullAfter == [false, false, true])
    }

    @Test("An emptied batch gives only what was added after")
    func reuse() {
        var batch = LogBatch(capacity: 4)
        let first = Message(from: .browser, to: .icm, type: .login, parameters: ["agent": "1001", "extension": "4001"])
        let second = Message(from: .browser, to: .icm, type: .logout, parameters: ["agent": "1002"])
        for message in [first, second] {
            _ = try? LogLineReader.read(.bytes(Array(WireProtocol.message(message).utf8), name: "")) { batch.add($0) }
            if message == first { batch.removeAll() }
        }
        batch.add(.end(lines: 1))
        var seen: [String] = []
        batch.forEach { seen.append(Self.describe($0)) }
        #expect(seen == [Self.describe(.message(second, at: LogLinePosition(line: 1, offset: 0, length: WireProtocol.message(second).utf8.count))),
                         Self.describe(.end(lines: 1))])
    }
}
