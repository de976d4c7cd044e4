import CVConformModel
import CVConformTrace

/// The bounded universe `verify` explores (contract section 9): how many
/// agents, stations, VDNs, skills and session ids there are. Its ids are
/// fixed, so two runs over one universe explore the same states:
/// agents `1001…`, stations `4001…`, VDNs `5001…` (VDN j queues to skill j
/// mod skills), skills `10`, `20`, …; every agent has the first skill and
/// agent i also skill i mod skills. Sessions `s1…sN` are requested in that
/// order, each once (a session id used twice is unspecified in `core`).
/// Logins also try an agent and a station that are not administered, so
/// the ECS's refusals are reached.
package struct Universe: Hashable, Sendable, CustomStringConvertible {
    package var agents: Int
    package var stations: Int
    package var vdns: Int
    package var skills: Int
    package var sessions: Int

    /// Small enough to finish in about a second, serially.
    package static let `default` = Universe(agents: 2, stations: 2, vdns: 2, skills: 2, sessions: 2)
    /// Small enough to finish in about a second with races, and to reach
    /// every race-only clause of `core`.
    package static let defaultWithRaces = Universe(agents: 2, stations: 2, vdns: 1, skills: 1, sessions: 1)

    package init(agents: Int, stations: Int, vdns: Int, skills: Int, sessions: Int) {
        self.agents = agents
        self.stations = stations
        self.vdns = vdns
        self.skills = skills
        self.sessions = sessions
    }

    /// Why this universe cannot be checked, or nil. A state packs each
    /// field into four bits (see `PackedState`).
    package var problem: String? {
        for (name, value, limit) in [("agents", agents, 8), ("stations", stations, 9), ("vdns", vdns, 9),
                                     ("skills", skills, 9), ("sessions", sessions, 9)] {
            if value < 1 { return "--\(name) must be at least 1 (got \(value))" }
            if value > limit { return "--\(name) must be at most \(limit) (got \(value)): a state keeps each id in four bits" }
        }
        if PackedLayout(self).nibbles > PackedState.capacity {
            return "the universe is too large to pack: \((agents + 1) * 6 + sessions * 3 + 2) fields, at most \(PackedState.capacity)"
        }
        return nil
    }

    package var agentIDs: [String] { (0..<agents).map { String(1001 + $0) } }
    package var stationIDs: [String] { (0..<stations).map { String(4001 + $0) } }
    package var vdnNumbers: [String] { (0..<vdns).map { String(5001 + $0) } }
    package var skillIDs: [String] { (0..<skills).map { String(10 * ($0 + 1)) } }
    package var sessionIDs: [String] { (0..<sessions).map { "s\($0 + 1)" } }
    /// Ids no administration lists, for the refusals.
    package static let unknownAgent = "1999"
    package static let unknownStation = "4999"
    /// A VDN no administration lists (profile extended only: unspecified in core).
    package static let unknownVDN = "5999"

    package var administration: Administration {
        let skillIDs = skillIDs
        return Administration(
            agents: agentIDs.enumerated().map { index, id in
                let own = skillIDs[index % skills]
                return .init(id: id, skills: own == skillIDs[0] ? [own] : [skillIDs[0], own])
            },
            stations: stationIDs,
            vdns: vdnNumbers.enumerated().map { index, number in .init(number: number, skill: skillIDs[index % skills]) }
        )
    }

    package var description: String {
        func count(_ value: Int, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }
        return [count(agents, "agent"), count(stations, "station"), count(vdns, "VDN"), count(skills, "skill"), count(sessions, "session")]
            .joined(separator: ", ")
    }
}
