import CVConformTrace

/// The JSON Lines protocol of contract section 5: what the harness writes
/// and how it reads what an implementation writes.
enum WireProtocol {
    static let version = "1"

    static func hello() -> String { #"{"op":"hello","protocol":"1"}"# }

    static func bye() -> String { #"{"op":"bye"}"# }

    /// Asks an implementation that offers the "sync" capability to answer
    /// `synced` once it has written everything its stimuli so far caused.
    static func sync(_ id: String) -> String { #"{"op":"sync","id":"\#(id)"}"# }

    static func reset(trace: String, setup: Administration) -> String {
        JSONValue.object([
            ("op", .string("reset")),
            ("trace", .string(trace)),
            ("setup", .object([
                ("agents", .array(setup.agents.map { agent in
                    .object([("id", .string(agent.id)), ("skills", .array(agent.skills.map(JSONValue.string)))])
                })),
                ("stations", .array(setup.stations.map(JSONValue.string))),
                ("vdns", .array(setup.vdns.map { .object([("number", .string($0.number)), ("skill", .string($0.skill))]) })),
            ])),
        ]).serialized()
    }

    static func message(_ message: Message) -> String {
        JSONValue.object([
            ("op", .string("msg")),
            ("from", .string(message.from.rawValue)),
            ("to", .string(message.to.rawValue)),
            ("type", .string(message.type.rawValue)),
            ("params", .object(message.orderedParameters.map { ($0.name, JSONValue.string($0.value)) })),
        ]).serialized()
    }

    /// What an implementation wrote on one line.
    enum Incoming: Equatable {
        case hello(Greeting, protocol: String)
        case ready
        /// The answer to `sync` (capability "sync").
        case synced(String)
        case message(Message)
    }

    /// Reads one line; the error says what is wrong with it.
    static func parse(_ line: String) throws(HarnessFailure) -> Incoming {
        let shown = line.count > 200 ? String(line.prefix(200)) + "…" : line
        guard let object = JSONLine.parse(line), case .object = object else {
            throw HarnessFailure(.protocolViolation, "the implementation wrote a line that is not a JSON object: \(shown)")
        }
        switch object["op"] {
        case .string("hello")?:
            guard let version = object["protocol"]?.string else {
                throw HarnessFailure(.protocolViolation, "hello's protocol must be the string \"1\": \(shown)")
            }
            let name = object["implementation"]?.string ?? "unnamed implementation"
            guard case .array(let roleValues)? = object["roles"], !roleValues.isEmpty else {
                throw HarnessFailure(.protocolViolation, "hello must list the roles it plays (icm, cvct, ecs): \(shown)")
            }
            var roles = Set<Role>()
            for value in roleValues {
                guard let name = value.string, let role = Role(rawValue: name), role.isSystem else {
                    let shownRole = value.string.map { "'\($0)'" } ?? "a value that is not a string"
                    throw HarnessFailure(.protocolViolation, "hello lists \(shownRole), which is not a system role (icm, cvct, ecs)")
                }
                roles.insert(role)
            }
            let reportsInternal: Bool
            switch object["internal"] {
            case nil, .null?: reportsInternal = false
            case .bool(let flag)?: reportsInternal = flag
            case .string("true")?: reportsInternal = true
            case .string("false")?: reportsInternal = false
            default: throw HarnessFailure(.protocolViolation, "hello's 'internal' must be true or false: \(shown)")
            }
            var capabilities = Set<String>()
            if case .array(let values)? = object["capabilities"] {
                for value in values { if let word = value.string { capabilities.insert(word) } }
            }
            var greeting = Greeting(implementation: name, roles: roles, reportsInternal: reportsInternal)
            greeting.capabilities = capabilities
            return .hello(greeting, protocol: version)
        case .string("ready")?:
            return .ready
        case .string("synced")?:
            return .synced(object["id"]?.string ?? "")
        case .string("msg")?:
            guard let from = object["from"]?.string, let to = object["to"]?.string, let type = object["type"]?.string else {
                throw HarnessFailure(.protocolViolation, "msg needs string fields from, to and type: \(shown)")
            }
            var pairs: [(name: String, value: String)] = []
            switch object["params"] {
            case nil: break
            case .object(let members)?:
                for (name, value) in members {
                    guard let text = value.string else {
                        throw HarnessFailure(.protocolViolation, "msg parameter '\(name)' is not a string (all values are strings): \(shown)")
                    }
                    pairs.append((name, text))
                }
            default:
                throw HarnessFailure(.protocolViolation, "msg params must be an object: \(shown)")
            }
            switch MessageCatalog.check(from: from, to: to, type: type, parameters: pairs) {
            case .success(let message): return .message(message)
            case .failure(let problem):
                throw HarnessFailure(.protocolViolation, "the implementation wrote a message the contract does not define: \(problem): \(shown)")
            }
        case .string(let op)?:
            throw HarnessFailure(.protocolViolation, "unknown op '\(op)': \(shown)")
        default:
            throw HarnessFailure(.protocolViolation, "a line without an 'op': \(shown)")
        }
    }
}
