import CVConformJSON
import CVConformModel
import CVConformMutation
import CVConformTrace

/// The reference model behind the JSON Lines protocol: what `cvconform
/// serve` runs. Implementers can compare against it over the same wire their
/// own system speaks, and it can play any subset of the system roles.
package struct ReferenceServer: Sendable {
    package let roles: Set<Role>
    package let offersSync: Bool
    /// Serve a mutant of the reference instead (for trying a harness, or a
    /// suite, against a known mistake over the wire).
    package let mutant: Mutant?
    private var system = PropagatingSystem(ReferenceSystem(administration: Administration()))

    package init(roles: Set<Role> = Set(Role.systemRoles), offersSync: Bool = true, mutant: Mutant? = nil) {
        self.roles = roles
        self.offersSync = offersSync
        self.mutant = mutant
    }

    /// The lines to write in answer to one line read; `nil` means goodbye.
    package mutating func handle(_ line: String) -> [String]? {
        // A stimulus (nearly every line) is decoded in one pass; the rest
        // is read whole.
        if case .message(let stimulus)? = try? WireProtocol.parse(line) {
            return outputs(of: stimulus).map(WireProtocol.message)
        }
        guard let fields = try? JSONValue(parsing: line), case .object = fields else {
            return [Self.log("not a JSON object: \(line.prefix(200))")]
        }
        switch fields["op"]?.stringValue {
        case "hello":
            return [JSONValue.object([
                ("op", .string("hello")), ("protocol", .string(WireProtocol.version)),
                ("implementation", .string(mutant.map { "cvconform reference model, mutant \($0.id)" } ?? "cvconform reference model")),
                ("roles", .array(Role.systemRoles.filter(roles.contains).map { .string($0.rawValue) })),
                ("internal", .bool(true)),
                ("capabilities", .array(offersSync ? [.string("sync")] : [])),
            ]).serialized()]
        case "reset":
            reset((try? SetupCodec.decode(fields["setup"], mode: .lenient)) ?? Administration())
            return [#"{"op":"ready"}"#]
        case "msg":
            return [Self.log("not a message of the contract: \(line.prefix(200))")]
        case "sync":
            // Everything is written as soon as a stimulus is read.
            return [JSONValue.object([("op", .string("synced")), ("id", .string(fields["id"]?.stringValue ?? ""))]).serialized()]
        case "bye":
            return nil
        default:
            return [Self.log("unknown op in: \(line.prefix(200))")]
        }
    }

    /// Forgets everything and loads an administration.
    package mutating func reset(_ setup: Administration) {
        if let mutant {
            system = PropagatingSystem(MutatedSystem(mutant, administration: setup))
        } else {
            system = PropagatingSystem(ReferenceSystem(administration: setup))
        }
    }

    /// What the roles played send for one stimulus, internal messages too
    /// (see `ReferenceSystem.propagate`).
    package mutating func outputs(of stimulus: Message) -> [Message] {
        system.propagate(stimulus, within: roles)
        return system.propagation.emissions.map(\.message)
    }

    /// Log lines go to stderr; the marker keeps them out of stdout.
    static func log(_ text: String) -> String { "\u{1}" + text }
}
