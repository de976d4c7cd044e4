import Foundation
import CVConformModel
import CVConformTrace

/// The reference model behind the JSON Lines protocol: what `cvconform
/// serve` runs. Implementers can compare against it over the same wire their
/// own system speaks, and it can play any subset of the system roles.
public struct ReferenceServer: Sendable {
    public let roles: Set<Role>
    private var system = ReferenceSystem(administration: Administration())

    public init(roles: Set<Role> = Set(Role.systemRoles)) {
        self.roles = roles
    }

    /// The lines to write in answer to one line read; `nil` means goodbye.
    public mutating func handle(_ line: String) -> [String]? {
        guard let data = line.data(using: .utf8),
              let fields = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return [Self.log("not a JSON object: \(line.prefix(200))")] }
        switch fields["op"] as? String {
        case "hello":
            return [JSONValue.object([
                ("op", .string("hello")), ("protocol", .string(WireProtocol.version)),
                ("implementation", .string("cvconform reference model")),
                ("roles", .array(Role.systemRoles.filter(roles.contains).map { .string($0.rawValue) })),
                ("internal", .bool(true)),
            ]).serialized()]
        case "reset":
            system = ReferenceSystem(administration: Self.administration(fields["setup"]))
            return [#"{"op":"ready"}"#]
        case "msg":
            guard let message = try? WireProtocol.parse(line), case .message(let stimulus) = message else {
                return [Self.log("not a message of the contract: \(line.prefix(200))")]
            }
            return outputs(of: stimulus).map(WireProtocol.message)
        case "bye":
            return nil
        default:
            return [Self.log("unknown op in: \(line.prefix(200))")]
        }
    }

    /// Delivers a stimulus to the roles played, breadth first; reports what
    /// they send (internal messages too) and keeps the rest outside.
    mutating func outputs(of stimulus: Message) -> [Message] {
        var sent: [Message] = []
        var pending = roles.contains(stimulus.to) ? [stimulus] : []
        var index = 0
        while index < pending.count {
            let current = pending[index]
            index += 1
            guard let reaction = system.deliver(current) else { continue }
            for emission in reaction.emissions {
                sent.append(emission.message)
                if roles.contains(emission.message.to) { pending.append(emission.message) }
            }
        }
        return sent
    }

    /// Log lines go to stderr; the marker keeps them out of stdout.
    static func log(_ text: String) -> String { "\u{1}" + text }

    private static func administration(_ value: Any?) -> Administration {
        let fields = value as? [String: Any] ?? [:]
        let agents = (fields["agents"] as? [[String: Any]] ?? []).map { agent in
            Administration.Agent(id: agent["id"] as? String ?? "", skills: agent["skills"] as? [String] ?? [])
        }
        let vdns = (fields["vdns"] as? [[String: Any]] ?? []).map { vdn in
            Administration.VDN(number: vdn["number"] as? String ?? "", skill: vdn["skill"] as? String ?? "")
        }
        return Administration(agents: agents, stations: fields["stations"] as? [String] ?? [], vdns: vdns)
    }
}
