// The vocabulary shared by the three servers and the harness: roles, messages,
// the administration, and the JSON Lines encoding of CONTRACT.md section 5.

import Foundation

/// The six roles of CONTRACT.md section 1.
enum Role: String, Sendable, CaseIterable {
    case browser, phone, customer
    case icm, cvct, ecs

    /// The three servers that form the system; the others are its environment.
    static let system: [Role] = [.icm, .cvct, .ecs]
}

/// One message between two roles. Every parameter is a string (section 2).
struct Message: Sendable, Equatable, CustomStringConvertible {
    let from: Role
    let to: Role
    let type: String
    let params: [String: String]

    init(_ from: Role, _ to: Role, _ type: String, _ params: [String: String]) {
        self.from = from
        self.to = to
        self.type = type
        self.params = params
    }

    subscript(name: String) -> String? { params[name] }

    /// Ordering is promised per channel (a from→to pair), never across channels.
    var channel: Channel { Channel(from: from, to: to) }

    var description: String {
        let shown = params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return "\(from.rawValue)→\(to.rawValue) \(type)(\(shown.joined(separator: ", ")))"
    }
}

struct Channel: Hashable, Sendable {
    let from: Role
    let to: Role
}

/// The values some parameters are limited to.
enum Media: String, Sendable { case realtime, messaging }
enum Button: String, Sendable { case drop, close, suspend }

// MARK: - The message table (section 2)

/// Which parameters each message carries, so that a stimulus from the harness
/// can be checked once, at the door, instead of in every server.
enum MessageTable {
    private static let rows: [String: [String]] = [
        "browser>icm>login": ["agent", "extension"],
        "browser>icm>release": ["agent", "session", "button"],
        "browser>icm>logout": ["agent"],
        "customer>icm>session-request": ["session", "media", "vdn"],
        "phone>ecs>answer": ["extension"],
        "phone>ecs>hangup": ["extension"],
        "phone>ecs>logout-feature": ["extension"],
        "icm>cvct>login-request": ["agent", "extension"],
        "icm>cvct>drop-request": ["session", "extension"],
        "icm>cvct>logout-request": ["agent", "extension"],
        "icm>ecs>launch": ["session", "vdn", "media"],
        "icm>browser>acw-open": ["agent"],
        "icm>browser>login-failed": ["agent", "cause"],
        "icm>browser>connect": ["agent", "session"],
        "icm>browser>disconnect": ["agent", "session", "reason"],
        "icm>browser>acw-close": ["agent"],
        "cvct>ecs>asai-login": ["agent", "extension"],
        "cvct>ecs>asai-drop": ["session", "extension"],
        "cvct>ecs>asai-logout": ["agent", "extension"],
        "cvct>icm>login-confirmed": ["agent", "extension"],
        "cvct>icm>login-denied": ["agent", "extension", "cause"],
        "cvct>icm>answered": ["session", "extension"],
        "cvct>icm>dropped": ["session"],
        "cvct>icm>agent-logged-out": ["agent", "extension"],
        "ecs>cvct>logged-in": ["agent", "extension"],
        "ecs>cvct>login-denied": ["agent", "extension", "cause"],
        "ecs>cvct>logged-out": ["agent", "extension", "by"],
        "ecs>phone>alert": ["session", "extension"],
        "ecs>phone>clear": ["session", "extension"],
    ]

    /// `progress` carries different parameters for each state.
    private static let progressRows: [String: [String]] = [
        "offered": ["session", "state", "vdn"],
        "queued": ["session", "state", "skill"],
        "alerting": ["session", "state", "extension"],
        "answered": ["session", "state", "extension"],
        "dropped": ["session", "state", "extension", "by"],
    ]

    private static let allowedValues: [String: Set<String>] = [
        "media": ["realtime", "messaging"],
        "button": ["drop", "close", "suspend"],
        "reason": ["hangup", "dropped", "closed", "suspended"],
        "by": ["phone", "request"],
        "cause": ["unknown-agent", "unknown-extension", "agent-logged-in", "extension-in-use"],
    ]

    /// The parameter names a message must carry, or nil when the table has no
    /// such message.
    static func parameters(of message: Message) -> [String]? {
        if message.from == .ecs, message.to == .cvct, message.type == "progress" {
            return message["state"].flatMap { progressRows[$0] }
        }
        return rows["\(message.from.rawValue)>\(message.to.rawValue)>\(message.type)"]
    }

    /// Why a message breaks the table, or nil when it is well formed.
    static func problem(with message: Message) -> String? {
        guard let names = parameters(of: message) else {
            return "no message \(message.type) from \(message.from.rawValue) to \(message.to.rawValue)"
        }
        guard Set(names) == Set(message.params.keys) else {
            return "\(message.type) takes exactly \(names.joined(separator: ", "))"
        }
        for (name, value) in message.params {
            if let allowed = allowedValues[name], !allowed.contains(value) {
                return "\(name)=\(value) is not one of \(allowed.sorted().joined(separator: ", "))"
            }
        }
        return nil
    }
}

// MARK: - Administration

/// What every role knows from `<setup>`: agents and their skills, stations,
/// and the skill each VDN's vector queues to. Ids are compared as strings.
struct Administration: Sendable {
    var skills: [String: Set<String>] = [:]  // agent id → skills
    var skillOrder: [String: [String]] = [:]  // agent id → skills as listed
    var stations: Set<String> = []
    var vdnSkill: [String: String] = [:]  // VDN number → skill

    static let empty = Administration()
}

// MARK: - JSON Lines

/// One line from the harness. `op` says which of the other fields matter.
struct Request: Decodable {
    struct Setup: Decodable {
        struct Agent: Decodable {
            let id: String
            let skills: [String]?
        }
        struct VDN: Decodable {
            let number: String
            let skill: String
        }
        let agents: [Agent]?
        let stations: [String]?
        let vdns: [VDN]?
    }

    let op: String
    let id: String?
    let `protocol`: String?
    let trace: String?
    let setup: Setup?
    let from: String?
    let to: String?
    let type: String?
    let params: [String: String]?

    static func decode(_ line: String) throws -> Request {
        try JSONDecoder().decode(Request.self, from: Data(line.utf8))
    }

    var administration: Administration {
        var result = Administration()
        for agent in setup?.agents ?? [] {
            result.skills[agent.id] = Set(agent.skills ?? [])
            result.skillOrder[agent.id] = agent.skills ?? []
        }
        result.stations = Set(setup?.stations ?? [])
        for vdn in setup?.vdns ?? [] {
            result.vdnSkill[vdn.number] = vdn.skill
        }
        return result
    }

    /// The message of an `msg` line, or a description of what is wrong with it.
    var message: Result<Message, WireError> {
        guard let from = from.flatMap(Role.init(rawValue:)),
              let to = to.flatMap(Role.init(rawValue:)),
              let type
        else { return .failure(WireError("msg needs known roles in from and to, and a type")) }
        return .success(Message(from, to, type, params ?? [:]))
    }
}

struct WireError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Writes the lines the implementation sends. The keys come in a fixed,
/// readable order (hand-written rather than JSONEncoder for that reason).
enum Line {
    static func hello(protocol version: String, roles: [Role], sync: Bool, internal reportsInternal: Bool = true) -> String {
        let names = roles.map { quoted($0.rawValue) }.joined(separator: ",")
        let capabilities = sync ? #","capabilities":["sync"]"# : ""
        return #"{"op":"hello","protocol":\#(quoted(version)),"implementation":"cvconform-example","roles":[\#(names)],"internal":\#(reportsInternal)\#(capabilities)}"#
    }

    static let ready = #"{"op":"ready"}"#

    static func synced(_ id: String) -> String { #"{"op":"synced","id":\#(quoted(id))}"# }

    /// Parameters in the order the contract's table lists them, which is also
    /// the order a person reading a trace expects.
    private static let parameterOrder = [
        "session", "agent", "extension", "state", "vdn", "skill", "media", "button", "cause", "reason", "by",
    ]

    static func message(_ message: Message) -> String {
        let names = message.params.keys.sorted { lhs, rhs in
            let l = parameterOrder.firstIndex(of: lhs) ?? parameterOrder.count
            let r = parameterOrder.firstIndex(of: rhs) ?? parameterOrder.count
            return l != r ? l < r : lhs < rhs
        }
        let params = names.map { "\(quoted($0)):\(quoted(message.params[$0] ?? ""))" }.joined(separator: ",")
        return #"{"op":"msg","from":\#(quoted(message.from.rawValue)),"to":\#(quoted(message.to.rawValue)),"type":\#(quoted(message.type)),"params":{\#(params)}}"#
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
