import Foundation
import CVConformTrace

/// The JSON Lines protocol of contract section 5: what the harness writes
/// and how it reads what an implementation writes.
enum WireProtocol {
    static let version = "1"

    static func hello() -> String { #"{"op":"hello","protocol":"1"}"# }

    static func bye() -> String { #"{"op":"bye"}"# }

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
        case message(Message)
    }

    /// Reads one line; the error says what is wrong with it.
    static func parse(_ line: String) throws(HarnessFailure) -> Incoming {
        let shown = line.count > 200 ? String(line.prefix(200)) + "…" : line
        guard let data = line.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data),
              let fields = object as? [String: Any]
        else {
            throw HarnessFailure(.protocolViolation, "the implementation wrote a line that is not a JSON object: \(shown)")
        }
        switch fields["op"] as? String {
        case "hello":
            guard let version = fields["protocol"] as? String else {
                throw HarnessFailure(.protocolViolation, "hello without a protocol version: \(shown)")
            }
            let name = fields["implementation"] as? String ?? "unnamed implementation"
            guard let roleNames = fields["roles"] as? [String], !roleNames.isEmpty else {
                throw HarnessFailure(.protocolViolation, "hello must list the roles it plays (icm, cvct, ecs): \(shown)")
            }
            var roles = Set<Role>()
            for name in roleNames {
                guard let role = Role(rawValue: name), role.isSystem else {
                    throw HarnessFailure(.protocolViolation, "hello lists '\(name)', which is not a system role (icm, cvct, ecs)")
                }
                roles.insert(role)
            }
            let reportsInternal: Bool
            switch fields["internal"] {
            case nil: reportsInternal = false
            case let flag as Bool: reportsInternal = flag
            case let text as String where text == "true" || text == "false": reportsInternal = text == "true"
            default: throw HarnessFailure(.protocolViolation, "hello's 'internal' must be true or false: \(shown)")
            }
            return .hello(Greeting(implementation: name, roles: roles, reportsInternal: reportsInternal), protocol: version)
        case "ready":
            return .ready
        case "msg":
            guard let from = fields["from"] as? String, let to = fields["to"] as? String, let type = fields["type"] as? String else {
                throw HarnessFailure(.protocolViolation, "msg needs string fields from, to and type: \(shown)")
            }
            let rawParameters = fields["params"] ?? [String: Any]()
            guard let parameters = rawParameters as? [String: Any] else {
                throw HarnessFailure(.protocolViolation, "msg params must be an object: \(shown)")
            }
            var pairs: [(name: String, value: String)] = []
            for (name, value) in parameters {
                guard let text = value as? String else {
                    throw HarnessFailure(.protocolViolation, "msg parameter '\(name)' is not a string (all values are strings): \(shown)")
                }
                pairs.append((name, text))
            }
            switch MessageCatalog.check(from: from, to: to, type: type, parameters: pairs) {
            case .success(let message): return .message(message)
            case .failure(let problem):
                throw HarnessFailure(.protocolViolation, "the implementation wrote a message the contract does not define: \(problem): \(shown)")
            }
        case let op?:
            throw HarnessFailure(.protocolViolation, "unknown op '\(op)': \(shown)")
        case nil:
            throw HarnessFailure(.protocolViolation, "a line without an 'op': \(shown)")
        }
    }
}
