import CVConformTrace

/// An administration as the switch reads it, numbered once: every state of
/// one switch shares it (a copy is one reference).
final class SwitchAdministration: Hashable, Sendable {
    let agents: IDNumbers
    let stations: IDNumbers
    /// Every skill an agent or a VDN names.
    let skills: IDNumbers
    let vdns: IDNumbers
    /// Indexed by VDN number.
    let skillOfVDN: [Int32]
    /// Indexed by agent number: where its skills stand in `skillList`, in
    /// the order administered, each once (an agent listed twice has the
    /// skills of its last listing). One list for all agents: an array per
    /// agent was an allocation each, for setups of tens of thousands.
    private let skillRanges: [Range<Int32>]
    private let skillList: [Int32]
    let variation: ECSVariation

    /// An agent's skills by number, from its agent number.
    func skills(ofAgent number: Int) -> ArraySlice<Int32> {
        let range = skillRanges[number]
        return skillList[Int(range.lowerBound)..<Int(range.upperBound)]
    }

    /// The same administration with a mutant's choices.
    init(_ other: SwitchAdministration, variation: ECSVariation) {
        agents = other.agents
        stations = other.stations
        skills = other.skills
        vdns = other.vdns
        skillOfVDN = other.skillOfVDN
        skillRanges = other.skillRanges
        skillList = other.skillList
        self.variation = variation
    }

    init(_ administration: Administration) {
        // Each id is numbered as it is met, one look-up each: a setup of
        // tens of thousands of agents spent most of its building on them.
        var agents = IDNumbers(reservingCapacity: administration.agents.count)
        stations = IDNumbers(administration.stations)
        var skills = IDNumbers([String]())
        var skillRanges: [Range<Int32>] = []
        skillRanges.reserveCapacity(administration.agents.count)
        var skillList: [Int32] = []
        for agent in administration.agents {
            let number = Int(agents.intern(agent.id))
            // Each skill once: a few are compared pairwise, many through a
            // set (a hostile setup may list thousands for one agent).
            let start = skillList.count
            var seen = Set<Int32>()
            for skill in agent.skills {
                let skillNumber = skills.intern(skill)
                let isNew = agent.skills.count <= 8 ? !skillList[start...].contains(skillNumber) : seen.insert(skillNumber).inserted
                if isNew { skillList.append(skillNumber) }
            }
            let range = Int32(start)..<Int32(skillList.count)
            // An agent listed twice has the skills of its last listing.
            if number == skillRanges.count { skillRanges.append(range) } else { skillRanges[number] = range }
        }
        var vdns = IDNumbers(reservingCapacity: administration.vdns.count)
        var skillOfVDN: [Int32] = []
        for vdn in administration.vdns {
            let number = Int(vdns.intern(vdn.number))
            let skill = skills.intern(vdn.skill)
            if number == skillOfVDN.count { skillOfVDN.append(skill) } else { skillOfVDN[number] = skill }
        }
        self.agents = agents
        self.vdns = vdns
        self.skills = skills
        self.skillOfVDN = skillOfVDN
        self.skillRanges = skillRanges
        self.skillList = skillList
        variation = ECSVariation()
    }

    static func == (lhs: SwitchAdministration, rhs: SwitchAdministration) -> Bool {
        lhs === rhs || (lhs.agents == rhs.agents && lhs.stations == rhs.stations && lhs.skills == rhs.skills
            && lhs.vdns == rhs.vdns && lhs.skillOfVDN == rhs.skillOfVDN
            && lhs.skillRanges.indices.allSatisfy { lhs.skills(ofAgent: $0) == rhs.skills(ofAgent: $0) }
            && lhs.variation == rhs.variation)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(agents.count)
        hasher.combine(stations.count)
    }
}
