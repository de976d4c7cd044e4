import CVConformJSON
import CVConformTrace

/// The JSON form of an administration, the `setup` of a `reset` line
/// (contract section 5): the one codec for it. The harness writes it, the
/// reference server reads it leniently (an implementation takes what it is
/// given), and check-log reads a log's strictly, as `<setup>` is read in a
/// trace.
package enum SetupCodec {
    /// How a setup is read.
    package enum Mode: Sendable {
        /// Ids are non-empty strings of digits, lists are lists, and nothing
        /// is administered twice; anything else is an error.
        case strict
        /// What is missing or of the wrong kind reads as empty.
        case lenient
    }

    package static func encode(_ setup: Administration) -> JSONValue {
        .object([
            ("agents", .array(setup.agents.map { agent in
                .object([("id", .string(agent.id)), ("skills", .array(agent.skills.map(JSONValue.string)))])
            })),
            ("stations", .array(setup.stations.map(JSONValue.string))),
            ("vdns", .array(setup.vdns.map { .object([("number", .string($0.number)), ("skill", .string($0.skill))]) })),
        ])
    }

    /// Reads a setup object; in `lenient` mode this never throws.
    package static func decode(_ value: JSONValue?, mode: Mode) throws(SetupError) -> Administration {
        let reader = Reader(mode: mode)
        return try reader.administration(value)
    }

    private struct Reader {
        let mode: Mode

        func administration(_ value: JSONValue?) throws(SetupError) -> Administration {
            guard let value, case .object = value else {
                if mode == .lenient { return Administration() }
                throw SetupError("the reset has no setup object")
            }
            var administration = Administration()
            var agentIDs = Set<String>()
            for (index, agent) in try list(value, "agents").enumerated() {
                let id = try digits(agent["id"], "agent \(index + 1)'s id")
                var skills: [String] = []
                switch agent["skills"] {
                case .array(let values)?:
                    skills = try ids(values) { _ in "a skill of agent \(id)" }
                default:
                    if mode == .strict { throw SetupError("setup: agent \(id)'s skills must be a list") }
                }
                if mode == .strict, !agentIDs.insert(id).inserted { throw SetupError("setup: agent \(id) is administered twice") }
                administration.agents.append(.init(id: id, skills: skills))
            }
            var stations = Set<String>()
            for number in try ids(list(value, "stations"), { "station \($0 + 1)" }) {
                if mode == .strict, !stations.insert(number).inserted { throw SetupError("setup: station \(number) is administered twice") }
                administration.stations.append(number)
            }
            var vdnNumbers = Set<String>()
            for (index, vdn) in try list(value, "vdns").enumerated() {
                let number = try digits(vdn["number"], "VDN \(index + 1)'s number")
                let skill = try digits(vdn["skill"], "the skill of VDN \(number)")
                if mode == .strict, !vdnNumbers.insert(number).inserted { throw SetupError("setup: VDN \(number) is administered twice") }
                administration.vdns.append(.init(number: number, skill: skill))
            }
            return administration
        }

        func list(_ setup: JSONValue, _ name: String) throws(SetupError) -> [JSONValue] {
            switch setup[name] {
            case nil, .null?: return []
            case .array(let items)?: return items
            default:
                if mode == .lenient { return [] }
                throw SetupError("setup: \(name) must be a list")
            }
        }

        /// A list of ids; leniently, its strings.
        func ids(_ items: [JSONValue], _ what: (Int) -> String) throws(SetupError) -> [String] {
            guard mode == .strict else { return items.compactMap(\.stringValue) }
            var ids: [String] = []
            for (index, item) in items.enumerated() { ids.append(try digits(item, what(index))) }
            return ids
        }

        /// An id; leniently, whatever string is there ("" when none).
        func digits(_ value: JSONValue?, _ what: String) throws(SetupError) -> String {
            guard mode == .strict else { return value?.stringValue ?? "" }
            guard let text = value?.stringValue else { throw SetupError("setup: \(what) is missing or not a string") }
            guard Values.isDigits(text) else {
                throw SetupError("setup: \(what) is '\(text)', but must be a non-empty string of digits")
            }
            return text
        }
    }
}

/// Why a setup read strictly is refused.
package struct SetupError: Error, Hashable, Sendable, CustomStringConvertible {
    package var description: String

    package init(_ description: String) { self.description = description }
}
