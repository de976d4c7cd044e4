import CVConformJSON
import CVConformTrace

/// The JSON Lines protocol of contract section 5: what the harness writes
/// and how it reads what an implementation writes. The one codec of wire
/// lines: the implementations, the reference server, load's log and
/// check-log all read and write through it.
package enum WireProtocol {
    package static let version = "1"

    package static func hello() -> String { #"{"op":"hello","protocol":"1"}"# }

    package static func bye() -> String { #"{"op":"bye"}"# }

    /// Asks an implementation that offers the "sync" capability to answer
    /// `synced` once it has written everything its stimuli so far caused.
    package static func sync(_ id: String) -> String { #"{"op":"sync","id":"\#(id)"}"# }

    /// A `reset` line. `cells` and `observed` are for logs (contract
    /// sections 7 and 8): what `load --log` writes for check-log.
    package static func reset(trace: String, setup: Administration, cells: [[String]]? = nil, observed: String? = nil) -> String {
        var members: [(String, JSONValue)] = [("op", .string("reset")), ("trace", .string(trace)), ("setup", SetupCodec.encode(setup))]
        if let cells { members.append(("cells", .array(cells.map { .array($0.map(JSONValue.string)) }))) }
        if let observed { members.append(("observed", .string(observed))) }
        return JSONValue.object(members).serialized()
    }

    /// A `msg` line, written straight out (nearly every line is one; no
    /// tree is built).
    package static func message(_ message: Message) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160)
        append(message, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Lines of `msg`, each ended by a line break, in one string.
    package static func messages(_ messages: [Message]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160 * messages.count)
        for message in messages {
            append(message, to: &bytes)
            bytes.append(UInt8(ascii: "\n"))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends a `msg` line's bytes, parameters in name order. Bytes, not a
    /// string: a String grown piece by piece is slow under load.
    package static func append(_ message: Message, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: #"{"op":"msg","from":""#.utf8)
        bytes.append(contentsOf: message.from.rawValue.utf8)
        bytes.append(contentsOf: #"","to":""#.utf8)
        bytes.append(contentsOf: message.to.rawValue.utf8)
        bytes.append(contentsOf: #"","type":""#.utf8)
        bytes.append(contentsOf: message.type.rawValue.utf8)
        bytes.append(contentsOf: #"","params":{"#.utf8)
        var first = true
        for parameter in message.parameters {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            appendQuoted(parameter.name, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            appendQuoted(parameter.value, to: &bytes)
        }
        bytes.append(contentsOf: "}}".utf8)
    }

    /// A JSON string: nearly always appended whole; escaped as
    /// `JSONValue.writeString` escapes when it must be.
    private static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
        let plain = text.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return true
        }
        guard plain != true else { return }
        var escaped = ""
        JSONValue.writeString(text, to: &escaped)
        bytes.append(contentsOf: escaped.utf8)
    }

    /// What an implementation wrote on one line.
    package enum Incoming: Equatable, Sendable {
        case hello(Greeting, protocol: String)
        case ready
        /// The answer to `sync` (capability "sync").
        case synced(String)
        case message(Message)
    }

    /// Reads one line; the error says what is wrong with it.
    package static func parse(_ line: String) throws(WireProtocolError) -> Incoming {
        var line = line
        let outcome: Result<Incoming, WireProtocolError> = line.withUTF8 { bytes in
            do throws(WireProtocolError) { return .success(try parse(bytes: bytes)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }

    /// Reads one line of UTF-8. A `msg` line of the usual shape (nearly
    /// every line) is read in one pass (`PlainMessageLine`); another `msg`
    /// line is decoded straight into its fields, without building a tree;
    /// the few other lines are read whole.
    package static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(WireProtocolError) -> Incoming {
        if let message = PlainMessageLine.message(bytes) { return .message(message) }
        let fields: MessageFields
        do {
            fields = try MessageFields(bytes)
        } catch {
            throw WireProtocolError("the implementation wrote a line that is not a JSON object: \(shown(bytes)) (\(error))")
        }
        guard fields.isMessage else { return try parseOther(bytes) }
        guard let from = fields.from, let to = fields.to, let type = fields.type else {
            throw WireProtocolError("msg needs string fields from, to and type: \(shown(bytes))")
        }
        if let problem = fields.problem { throw WireProtocolError("\(problem): \(shown(bytes))") }
        if let message = fields.message { return .message(message) }
        switch MessageCatalog.check(from: from, to: to, type: type, parameters: fields.parameters) {
        case .success(let message): return .message(message)
        case .failure(let problem):
            throw WireProtocolError("the implementation wrote a message the contract does not define: \(problem): \(shown(bytes))")
        }
    }

    /// The fields of a `msg` line, read in one pass with `JSONReader`.
    /// Members other than op, from, to, type and params are skipped; a
    /// member given twice is a protocol violation (RUN-25).
    ///
    /// Roles, type and parameter names are looked up from their bytes, so a
    /// line that fits the message table makes no strings but its values, and
    /// `message` checks it on the table's fast path.
    package struct MessageFields {
        package var isMessage = false
        /// The roles and type, when their text is one of the contract's.
        package private(set) var fromRole: Role?
        package private(set) var toRole: Role?
        package private(set) var messageType: MessageType?
        /// Texts that are no role or type of the contract, kept for the
        /// explanation.
        private var fromText: String?
        private var toText: String?
        private var typeText: String?
        /// The parameters in the order written; names of the table are
        /// shared strings.
        package private(set) var parameterList: [Parameters.Parameter] = []
        /// Why the line is not a good msg, though it is JSON.
        package var problem: String?

        package var from: String? { fromRole?.rawValue ?? fromText }
        package var to: String? { toRole?.rawValue ?? toText }
        package var type: String? { messageType?.rawValue ?? typeText }
        package var parameters: [(name: String, value: String)] { parameterList.map { ($0.name, $0.value) } }

        /// The message, when the line is a msg that fits the message table;
        /// nil otherwise (`MessageCatalog.check` on the fields says why).
        package var message: Message? {
            guard isMessage, problem == nil, let fromRole, let toRole, let messageType else { return nil }
            return MessageCatalog.fastCheck(from: fromRole, to: toRole, type: messageType, parameters: parameterList)
        }

        /// `message`, taking the parameters instead of copying them (one
        /// allocation less per line); the fields keep none afterwards.
        package mutating func takeMessage() -> Message? {
            guard isMessage, problem == nil, let fromRole, let toRole, let messageType else { return nil }
            let parameters = parameterList
            parameterList = []
            return MessageCatalog.fastCheck(from: fromRole, to: toRole, type: messageType, parameters: parameters)
        }

        package init(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONError) {
            var reader = JSONReader(bytes: bytes)
            guard try reader.next() == .beginObject else {
                throw JSONError(.unexpectedByte, at: 0, "not an object")
            }
            var seen: UInt8 = 0 // one bit per member: op, from, to, type, params
            var problem: String?
            /// The string of a member read for the first time.
            func first(_ bit: UInt8, _ name: String, _ token: JSONToken, _ reader: inout JSONReader) throws(JSONError) -> JSONText? {
                defer { seen |= bit }
                guard seen & bit == 0 else {
                    if problem == nil { problem = "msg has the member '\(name)' twice" }
                    try reader.skipValue(startingWith: token)
                    return nil
                }
                guard case .string(let text) = token else {
                    try reader.skipValue(startingWith: token)
                    return nil
                }
                return text
            }
            /// A text's bytes, when it has no escapes (then they are its UTF-8).
            func raw(_ text: JSONText, _ reader: JSONReader) -> UnsafeBufferPointer<UInt8>? {
                text.hasEscapes ? nil : UnsafeBufferPointer(rebasing: reader.bytes[text.start..<text.end])
            }
            /// The next member, string-valued ones in one step.
            func member(_ reader: inout JSONReader) throws(JSONError) -> (JSONText, JSONToken)? {
                if let (name, value) = reader.nextStringMember() { return (name, .string(value)) }
                guard case .key(let name) = try reader.next() else { return nil }
                return (name, try reader.next())
            }
            while let (key, token) = try member(&reader) {
                if reader.matches(key, "op") {
                    if let op = try first(1, "op", token, &reader) { isMessage = reader.matches(op, "msg") }
                } else if reader.matches(key, "from") {
                    if let text = try first(2, "from", token, &reader) {
                        fromRole = raw(text, reader).flatMap(Role.init(utf8:)) ?? Role(rawValue: reader.string(text))
                        if fromRole == nil { fromText = reader.string(text) }
                    }
                } else if reader.matches(key, "to") {
                    if let text = try first(4, "to", token, &reader) {
                        toRole = raw(text, reader).flatMap(Role.init(utf8:)) ?? Role(rawValue: reader.string(text))
                        if toRole == nil { toText = reader.string(text) }
                    }
                } else if reader.matches(key, "type") {
                    if let text = try first(8, "type", token, &reader) {
                        messageType = raw(text, reader).flatMap(MessageType.init(utf8:)) ?? MessageType(rawValue: reader.string(text))
                        if messageType == nil { typeText = reader.string(text) }
                    }
                } else if reader.matches(key, "params") {
                    defer { seen |= 16 }
                    guard seen & 16 == 0, token == .beginObject else {
                        if problem == nil {
                            problem = token == .beginObject ? "msg has the member 'params' twice" : "msg params must be an object"
                        }
                        try reader.skipValue(startingWith: token)
                        continue
                    }
                    parameterList.reserveCapacity(4)
                    while let (name, value) = try member(&reader) {
                        guard case .string(let text) = value else {
                            if problem == nil {
                                problem = "msg parameter '\(reader.string(name))' is not a string (all values are strings)"
                            }
                            try reader.skipValue(startingWith: value)
                            continue
                        }
                        let known = raw(name, reader).flatMap(MessageCatalog.parameterName(utf8:))
                        let value = reader.string(text)
                        parameterList.append(known.map { Parameters.Parameter($0, value) }
                            ?? Parameters.Parameter(name: reader.string(name), value: value))
                    }
                } else {
                    try reader.skipValue(startingWith: token)
                }
            }
            _ = try reader.next()
            self.problem = problem
        }
    }

    /// hello, ready, synced, or an op that is not the harness's to read.
    private static func parseOther(_ bytes: UnsafeBufferPointer<UInt8>) throws(WireProtocolError) -> Incoming {
        let object: JSONValue
        do {
            var reader = JSONReader(bytes: bytes)
            object = try reader.readDocument()
        } catch {
            throw WireProtocolError("the implementation wrote a line that is not a JSON object: \(shown(bytes)) (\(error))")
        }
        switch object["op"] {
        case .string("hello")?:
            guard let version = object["protocol"]?.stringValue else {
                throw WireProtocolError("hello's protocol must be the string \"1\": \(shown(bytes))")
            }
            let name = object["implementation"]?.stringValue ?? "unnamed implementation"
            guard case .array(let roleValues)? = object["roles"], !roleValues.isEmpty else {
                throw WireProtocolError("hello must list the roles it plays (icm, cvct, ecs): \(shown(bytes))")
            }
            var roles = Set<Role>()
            for value in roleValues {
                guard let name = value.stringValue, let role = Role(rawValue: name), role.isSystem else {
                    let shownRole = value.stringValue.map { "'\($0)'" } ?? "a value that is not a string"
                    throw WireProtocolError("hello lists \(shownRole), which is not a system role (icm, cvct, ecs)")
                }
                roles.insert(role)
            }
            let reportsInternal: Bool
            switch object["internal"] {
            case nil, .null?: reportsInternal = false
            case .bool(let flag)?: reportsInternal = flag
            case .string("true")?: reportsInternal = true
            case .string("false")?: reportsInternal = false
            default: throw WireProtocolError("hello's 'internal' must be true or false: \(shown(bytes))")
            }
            var capabilities = Set<String>()
            if case .array(let values)? = object["capabilities"] {
                for value in values { if let word = value.stringValue { capabilities.insert(word) } }
            }
            var greeting = Greeting(implementation: name, roles: roles, reportsInternal: reportsInternal)
            greeting.capabilities = capabilities
            return .hello(greeting, protocol: version)
        case .string("ready")?:
            return .ready
        case .string("synced")?:
            return .synced(object["id"]?.stringValue ?? "")
        case .string(let op)?:
            throw WireProtocolError("unknown op '\(op)': \(shown(bytes))")
        default:
            throw WireProtocolError("a line without an 'op': \(shown(bytes))")
        }
    }

    /// The line for a message: its first 200 characters.
    private static func shown(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let line = String(decoding: bytes, as: UTF8.self)
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}
