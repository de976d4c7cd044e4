import CVConformJSON
import CVConformModel
import CVConformTrace

/// A `{"op":"reset","setup":{…}}` line: it starts a segment (contract
/// section 7). Its setup is read strictly, as `<setup>` is in a trace:
/// ids are non-empty strings of digits and nothing is administered twice;
/// `trace` and `cells` are optional.
package struct LogReset: Sendable {
    /// The reset's `trace`, if it has one.
    var trace: String?
    /// The cells to judge (one holding everything when the reset names
    /// none), or why the segment is malformed.
    var partition: Result<CellPartition, LogResetError>
    /// `"observed":"external"` (contract section 8): the segment holds only
    /// the messages between the environment and the system, and is judged
    /// by every interleaving the model allows.
    var observesExternalOnly = false
    /// `"observed":"reports"` (RACE-22, `load --log`): the internal messages
    /// are there too, each logged when the harness read its report, so
    /// reports of different channels may come in any order and may lead or
    /// lag their delivery; judged by the race judge with internal messages
    /// observed.
    var observesReports = false

    /// Reads a reset line already parsed as JSON.
    init(_ object: JSONValue) {
        if case .string(let trace)? = object["trace"] { self.trace = trace }
        do throws(LogResetError) {
            if let value = object["trace"], value != .null, value.stringValue == nil {
                throw LogResetError("the reset's trace must be a string")
            }
            switch object["observed"] {
            case nil, .null?: break
            case .string("external")?: observesExternalOnly = true
            case .string("reports")?: observesReports = true
            case .string(let other)?:
                throw LogResetError("observed is '\(other)', but a reset may give only 'external' (contract section 8) or 'reports' (RACE-22)")
            default:
                throw LogResetError("observed must be the string 'external'")
            }
            let setup = try Self.administration(object["setup"])
            switch object["cells"] {
            case nil, .null?:
                partition = .success(CellPartition(whole: setup))
            case .array(let lists)?:
                var cells: [[String]] = []
                for (index, list) in lists.enumerated() {
                    guard case .array(let items) = list else {
                        throw LogResetError("cells: item \(index + 1) is not a list of ids")
                    }
                    cells.append(try items.enumerated().map { (position, item) throws(LogResetError) in
                        guard let id = item.stringValue else {
                            throw LogResetError("cells: cell \(index + 1) has a value that is not a string at position \(position + 1)")
                        }
                        return id
                    })
                }
                do {
                    partition = .success(try CellPartition(administration: setup, cells: cells))
                } catch {
                    throw LogResetError("cells: \(error)")
                }
            default:
                throw LogResetError("cells must be a list of lists of ids")
            }
        } catch {
            partition = .failure(error)
        }
    }

    /// A reset line that is not JSON: it still starts a segment, malformed,
    /// so the messages after it are not judged against the segment before.
    init(unreadable reason: String) {
        partition = .failure(LogResetError("the reset line is not JSON (\(reason))"))
    }

    private static func administration(_ value: JSONValue?) throws(LogResetError) -> Administration {
        guard let value, case .object = value else { throw LogResetError("the reset has no setup object") }
        func list(_ name: String) throws(LogResetError) -> [JSONValue] {
            switch value[name] {
            case nil, .null?: return []
            case .array(let items)?: return items
            default: throw LogResetError("setup: \(name) must be a list")
            }
        }
        func digits(_ value: JSONValue?, _ what: String) throws(LogResetError) -> String {
            guard let text = value?.stringValue else { throw LogResetError("setup: \(what) is missing or not a string") }
            guard Values.isDigits(text) else {
                throw LogResetError("setup: \(what) is '\(text)', but must be a non-empty string of digits")
            }
            return text
        }
        var administration = Administration()
        var agentIDs = Set<String>()
        for (index, agent) in try list("agents").enumerated() {
            let id = try digits(agent["id"], "agent \(index + 1)'s id")
            guard case .array(let skillValues)? = agent["skills"] else {
                throw LogResetError("setup: agent \(id)'s skills must be a list")
            }
            var skills: [String] = []
            for skill in skillValues { skills.append(try digits(skill, "a skill of agent \(id)")) }
            guard agentIDs.insert(id).inserted else { throw LogResetError("setup: agent \(id) is administered twice") }
            administration.agents.append(.init(id: id, skills: skills))
        }
        var stations = Set<String>()
        for (index, station) in try list("stations").enumerated() {
            let number = try digits(station, "station \(index + 1)")
            guard stations.insert(number).inserted else { throw LogResetError("setup: station \(number) is administered twice") }
            administration.stations.append(number)
        }
        var vdnNumbers = Set<String>()
        for (index, vdn) in try list("vdns").enumerated() {
            let number = try digits(vdn["number"], "VDN \(index + 1)'s number")
            let skill = try digits(vdn["skill"], "the skill of VDN \(number)")
            guard vdnNumbers.insert(number).inserted else { throw LogResetError("setup: VDN \(number) is administered twice") }
            administration.vdns.append(.init(number: number, skill: skill))
        }
        return administration
    }
}

/// Why a reset's setup or cells make its segment malformed.
public struct LogResetError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String

    init(_ description: String) { self.description = description }
}
