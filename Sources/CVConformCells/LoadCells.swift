import CVConformModel
import CVConformTrace

/// The cells `load` drives at once through one implementation: each a small
/// system of its own (2–3 agents sharing skills, so most-idle choices and
/// queueing happen inside it, its stations, VDNs and skills, and decoys for
/// logins of unknown agents at unknown stations), with ids no other cell
/// uses: cell N's agents are 1N01…, its stations 4N01…, its VDNs 5N01…, its
/// skills 9N01…, so no behaviour of one cell can touch another's.
public struct LoadCells: Sendable {
    public var cells: [GeneratedAdministration]
    /// Every cell's administration in one, for the implementation's reset.
    public var administration: Administration
    /// Each cell's ids (agents, stations, VDNs and skills, decoys
    /// included): the `cells` of a log's reset (contract section 7).
    public var idLists: [[String]]

    public static func make(count: Int, random: inout SeededRandom) -> LoadCells {
        var cells: [GeneratedAdministration] = []
        var lists: [[String]] = []
        for index in 0..<count {
            let number = String(index + 1)
            func id(_ kind: String, _ k: Int) -> String { kind + number + "0" + String(k) }
            let skillCount = 1 + random.below(2)
            let skills = (1...skillCount).map { id("9", $0) }
            let agentCount = 2 + random.below(2)
            var agents: [Administration.Agent] = []
            for k in 1...agentCount {
                // Everyone has the first skill; some have the second too.
                var own = [skills[0]]
                if skillCount > 1 && (k == agentCount || random.chance(0.5)) { own.append(skills[1]) }
                if random.chance(0.3) { own.reverse() }
                agents.append(.init(id: id("1", k), skills: own))
            }
            // One station in three has a leading zero: still its own id.
            let stations = (1...(agentCount + random.below(2))).map { k in (random.chance(0.3) ? "0" : "") + id("4", k) }
            let vdns = (1...(1 + random.below(2))).map { k in Administration.VDN(number: id("5", k), skill: random.pick(skills)) }
            let generated = GeneratedAdministration(
                administration: Administration(agents: agents, stations: stations, vdns: vdns),
                unknownAgents: [id("1", 9)], unknownExtensions: [id("4", 9)]
            )
            cells.append(generated)
            lists.append(generated.administration.agents.map(\.id) + generated.unknownAgents + stations + generated.unknownExtensions
                         + vdns.map(\.number) + skills)
        }
        let administration = Administration(
            agents: cells.flatMap(\.administration.agents), stations: cells.flatMap(\.administration.stations),
            vdns: cells.flatMap(\.administration.vdns)
        )
        return LoadCells(cells: cells, administration: administration, idLists: lists)
    }
}
