import CVConformJSON
import CVConformTrace
import CVConformWire

/// Each line of an input, as a line an implementation writes. The harness's reading
/// (`WireProtocol.parse`: a msg line decoded in one pass straight into its
/// fields, other ops read whole) is compared with a reading of the JSON
/// tree (`JSONReader.readDocument`, then the message table):
///
/// - a line the harness takes is JSON;
/// - a msg the harness takes is the message the tree spells;
/// - a msg the tree spells, without a member given twice, the harness
///   takes, as the same message;
/// - a JSON value written (`serialized`) reads back the same, and so does
///   a message written as the harness writes one.
///
/// An input of several lines is also served, line by line, by the
/// reference model behind the wire (`ReferenceServer`, what `cvconform
/// serve` runs): every line it writes must be one the harness takes.
///
/// Rejecting an input is fine; crashing, hanging, leaking, or breaking one
/// of these is a finding (the process stops with the reason).
enum WireTarget {
    static func run(_ input: UnsafeBufferPointer<UInt8>) {
        var server = ReferenceServer()
        var start = 0
        while start <= input.count {
            let end = input[start...].firstIndex(of: 0x0A) ?? input.count
            let line = UnsafeBufferPointer(rebasing: input[start..<end])
            check(line)
            serve(line, by: &server)
            start = end + 1
        }
    }

    /// The server answers without trapping, and writes only lines the
    /// harness takes (or log lines, which go to stderr).
    static func serve(_ line: UnsafeBufferPointer<UInt8>, by server: inout ReferenceServer) {
        guard let answers = server.handle(String(decoding: line, as: UTF8.self)) else { return }
        for answer in answers where !answer.hasPrefix("\u{1}") {
            do throws(WireProtocolError) { _ = try WireProtocol.parse(answer) } catch {
                fail("the reference server wrote a line the harness refuses (\(error)): \(answer)", line)
            }
        }
    }

    static func check(_ bytes: UnsafeBufferPointer<UInt8>) {
        let parsed: Result<WireProtocol.Incoming, WireProtocolError>
        do throws(WireProtocolError) { parsed = .success(try WireProtocol.parse(bytes: bytes)) } catch { parsed = .failure(error) }
        var reader = JSONReader(bytes: bytes)
        let tree: JSONValue?
        do throws(JSONError) { tree = try reader.readDocument() } catch {
            tree = nil
            if error.offset < 0 || error.offset > bytes.count { fail("the JSON error stands outside the line: \(error)", bytes) }
        }
        if let tree { roundTrip(tree, bytes) }

        if case .success(let incoming) = parsed {
            guard let tree else { fail("the harness took a line that is not JSON: \(incoming)", bytes) }
            if case .message(let message) = incoming {
                guard case .success(let spelled)? = spelledMessage(in: tree) else {
                    fail("the harness took \(message), the tree spells no such message", bytes)
                }
                if spelled != message { fail("the harness took \(message), the tree spells \(spelled)", bytes) }
                roundTrip(message, bytes)
            }
        }
        if let tree, !hasRepeatedMembers(tree), case .success(let spelled)? = spelledMessage(in: tree) {
            guard case .success(.message(let message)) = parsed else {
                fail("the tree spells \(spelled), the harness did not take it: \(parsed)", bytes)
            }
            if message != spelled { fail("the tree spells \(spelled), the harness took \(message)", bytes) }
        }
    }

    /// What a msg object means by the contract: nil when it is no msg.
    static func spelledMessage(in tree: JSONValue) -> Result<Message, MessageFormatError>? {
        guard tree["op"] == .string("msg"), let from = tree["from"]?.stringValue, let to = tree["to"]?.stringValue,
              let type = tree["type"]?.stringValue
        else { return nil }
        var parameters: [(name: String, value: String)] = []
        switch tree["params"] {
        case nil: break
        case .object(let members)?:
            for (name, value) in members {
                guard let text = value.stringValue else { return nil }
                parameters.append((name, text))
            }
        default: return nil
        }
        return MessageCatalog.check(from: from, to: to, type: type, parameters: parameters)
    }

    /// Whether the object, or its params, has a member twice (the harness
    /// refuses those: RUN-25).
    static func hasRepeatedMembers(_ tree: JSONValue) -> Bool {
        func repeats(_ members: [(String, JSONValue)]) -> Bool { Set(members.map(\.0)).count != members.count }
        guard let members = tree.members else { return false }
        if repeats(members) { return true }
        if let params = tree["params"]?.members, repeats(params) { return true }
        return false
    }

    static func roundTrip(_ value: JSONValue, _ bytes: UnsafeBufferPointer<UInt8>) {
        for pretty in [false, true] {
            let text = value.serialized(pretty: pretty)
            let again: JSONValue
            do throws(JSONError) {
                again = try JSONReader.withReader(text) { (reader: inout JSONReader) throws(JSONError) in try reader.readDocument() }
            } catch {
                fail("a value written does not read back (\(error)): \(text)", bytes)
            }
            if again != value { fail("a value written reads back differently: \(text)", bytes) }
        }
    }

    /// A message written as the harness writes stimuli reads back the same.
    static func roundTrip(_ message: Message, _ bytes: UnsafeBufferPointer<UInt8>) {
        let line = JSONValue.object([
            ("op", .string("msg")),
            ("from", .string(message.from.rawValue)),
            ("to", .string(message.to.rawValue)),
            ("type", .string(message.type.rawValue)),
            ("params", .object(message.orderedParameters.map { ($0.name, JSONValue.string($0.value)) })),
        ]).serialized()
        do throws(WireProtocolError) {
            guard case .message(let again) = try WireProtocol.parse(line), again == message else {
                fail("\(message) written reads back as another line: \(line)", bytes)
            }
        } catch {
            fail("\(message) written does not read back (\(error)): \(line)", bytes)
        }
    }

    static func fail(_ what: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Never {
        fatalError("\(what)\ninput: \(String(decoding: bytes, as: UTF8.self).debugDescription)")
    }
}
