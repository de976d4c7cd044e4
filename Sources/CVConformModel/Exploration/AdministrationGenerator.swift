import CVConformTrace

/// Random administrations for exploration: 1–5 agents with 1–3 skills,
/// stations, VDNs that sometimes share a skill, and ids chosen to expose
/// sloppy string handling: ids that are prefixes of others, leading zeros,
/// equal digits. With each administration come decoys: ids of the same
/// shape that are not administered, for stimuli that name unknown things.
public struct GeneratedAdministration: Hashable, Sendable {
    public var administration: Administration
    /// Agent ids that are not administered (for unknown-agent logins).
    public var unknownAgents: [String]
    /// Extensions that are not stations.
    public var unknownExtensions: [String]
    /// VDN numbers that are not administered (used in profile extended only).
    public var unknownVDNs: [String]

    public init(administration: Administration, unknownAgents: [String] = [], unknownExtensions: [String] = [], unknownVDNs: [String] = []) {
        self.administration = administration
        self.unknownAgents = unknownAgents
        self.unknownExtensions = unknownExtensions
        self.unknownVDNs = unknownVDNs
    }

    /// Every id of each kind this administration uses, decoys included.
    public var allIDs: [String] {
        administration.agents.map(\.id) + unknownAgents + administration.stations + unknownExtensions
            + administration.vdns.map(\.number) + unknownVDNs + skills
    }

    public var skills: [String] {
        var seen: [String] = []
        for skill in administration.agents.flatMap(\.skills) + administration.vdns.map(\.skill) where !seen.contains(skill) {
            seen.append(skill)
        }
        return seen
    }
}

public enum AdministrationGenerator {
    /// The shape of ids of one kind in one administration.
    enum IDStyle: CaseIterable {
        /// 1001, 1002, …
        case plain
        /// 100, 1001, 10010: each a prefix of the next.
        case prefixes
        /// 0101, 101, 00101: equal but for leading zeros.
        case leadingZeros
        /// 1111, 111, 11111: one digit repeated.
        case equalDigits
        /// Each id in a style of its own.
        case mixed
    }

    /// `count` distinct ids around `base` (a string of digits) in a random
    /// style, plus `decoys` more of the same shape.
    static func ids(count: Int, decoys: Int, base: String, random: inout SeededRandom) -> (ids: [String], decoys: [String]) {
        let style = random.pick(IDStyle.allCases)
        var made: [String] = []
        var attempt = 0
        while made.count < count + decoys && attempt < 200 {
            attempt += 1
            let candidate = id(number: made.count, style: style == .mixed ? random.pick([.plain, .prefixes, .leadingZeros, .equalDigits]) : style,
                               base: base, random: &random)
            if !made.contains(candidate) { made.append(candidate) }
        }
        // Decoys are drawn from the same list, so they look like the real ids.
        var order = Array(made.indices)
        for index in order.indices.reversed() { order.swapAt(index, random.below(index + 1)) }
        let real = Array(order.prefix(count)).sorted().map { made[$0] }
        let fake = Array(order.dropFirst(count)).sorted().map { made[$0] }
        return (real, fake)
    }

    private static func id(number: Int, style: IDStyle, base: String, random: inout SeededRandom) -> String {
        let digit = base.first.map(String.init) ?? "1"
        switch style {
        case .plain, .mixed:
            let value = (Int(base) ?? 1000) + number + 1
            return String(value)
        case .prefixes:
            // base, base+"0", base+"00"… and base+"1": prefixes of one another.
            return base + String(repeating: random.chance(0.5) ? "0" : "1", count: number)
        case .leadingZeros:
            let core = String((Int(base) ?? 1000) / 10 + random.below(3))
            return String(repeating: "0", count: number) + core
        case .equalDigits:
            return String(repeating: digit, count: 2 + number)
        }
    }

    /// A random administration with its decoys.
    public static func make(random: inout SeededRandom, extended: Bool = false) -> GeneratedAdministration {
        let agentCount = 1 + random.below(5)
        let (agentIDs, unknownAgents) = ids(count: agentCount, decoys: 1 + random.below(2), base: "1001", random: &random)
        let stationCount = agentCount + random.below(3)
        let (stations, unknownExtensions) = ids(count: stationCount, decoys: 1, base: "4001", random: &random)
        let skillCount = 1 + random.below(3)
        let (skillPool, _) = ids(count: skillCount, decoys: 0, base: random.pick(["1", "10", "2"]), random: &random)
        var agents: [Administration.Agent] = []
        for id in agentIDs {
            var skills: [String] = []
            let wanted = 1 + random.below(min(3, skillPool.count))
            while skills.count < wanted {
                let skill = random.pick(skillPool)
                if !skills.contains(skill) { skills.append(skill) }
            }
            agents.append(.init(id: id, skills: skills))
        }
        let vdnCount = 1 + random.below(4)
        let (vdnNumbers, unknownVDNs) = ids(count: vdnCount, decoys: extended ? 1 : 0, base: "5000", random: &random)
        // VDNs often share a skill; sometimes one queues to a skill no agent has.
        let vdns = vdnNumbers.map { Administration.VDN(number: $0, skill: random.chance(0.1) ? "9" + random.pick(skillPool) : random.pick(skillPool)) }
        return GeneratedAdministration(
            administration: Administration(agents: agents, stations: stations, vdns: vdns),
            unknownAgents: unknownAgents, unknownExtensions: unknownExtensions, unknownVDNs: unknownVDNs
        )
    }
}
