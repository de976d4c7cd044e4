/// The administration every trace starts from (`<setup>`), known to all roles.
public struct Administration: Hashable, Sendable {
    public struct Agent: Hashable, Sendable {
        /// The EAS login id.
        public var id: String
        /// The agent's skills, in the order the trace lists them.
        public var skills: [String]

        public init(id: String, skills: [String]) {
            self.id = id
            self.skills = skills
        }
    }

    public struct VDN: Hashable, Sendable {
        public var number: String
        /// The one skill the VDN's vector queues to.
        public var skill: String

        public init(number: String, skill: String) {
            self.number = number
            self.skill = skill
        }
    }

    public var agents: [Agent]
    /// Station extensions.
    public var stations: [String]
    public var vdns: [VDN]

    public init(agents: [Agent] = [], stations: [String] = [], vdns: [VDN] = []) {
        self.agents = agents
        self.stations = stations
        self.vdns = vdns
    }

    public func agent(_ id: String) -> Agent? { agents.first { $0.id == id } }
    public func vdn(_ number: String) -> VDN? { vdns.first { $0.number == number } }
    public func hasStation(_ extension: String) -> Bool { stations.contains(`extension`) }
}
