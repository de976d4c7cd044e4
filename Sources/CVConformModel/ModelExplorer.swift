import CVConformTrace

/// Explores a role machine by a seeded random walk over a small universe of
/// messages, and records how one agent's phase moves: the source of the
/// generated diagrams in `spec/diagrams/`, so they always show the code.
public enum ModelExplorer {
    /// One observed transition of the watched agent.
    public struct Edge: Hashable, Sendable, Comparable {
        public var from: String
        public var to: String
        public var input: String
        public var clauses: [String]
        public var outputs: [String]
        /// The message is about another agent (or about no agent): the
        /// watched agent's phase stays as it is. Drawn so that every
        /// clause appears once.
        public var aboutAnother: Bool = false

        public static func < (lhs: Edge, rhs: Edge) -> Bool {
            (lhs.aboutAnother ? 1 : 0, lhs.from, lhs.input, lhs.clauses.joined(separator: " "), lhs.to)
                < (rhs.aboutAnother ? 1 : 0, rhs.from, rhs.input, rhs.clauses.joined(separator: " "), rhs.to)
        }
    }

    public struct Graph: Sendable {
        public var role: Role
        public var initial: String
        public var phases: [String]
        public var edges: [Edge]
    }

    /// The agent whose phase the diagram follows.
    public static let watchedAgent = "1001"

    static let administration = Administration(
        agents: [.init(id: "1001", skills: ["10", "20"]), .init(id: "1002", skills: ["10"])],
        stations: ["4001", "4002"],
        vdns: [.init(number: "5000", skill: "10"), .init(number: "5001", skill: "20")]
    )

    private static let pools: [String: [String]] = [
        "agent": ["1001", "1002", "1009"],
        "extension": ["4001", "4002", "4009"],
        "session": ["s1", "s2", "s3"],
        "vdn": ["5000", "5001", "5009"],
        "skill": ["10", "20"],
        "media": Media.allCases.map(\.rawValue),
        "button": Button.allCases.map(\.rawValue),
        "reason": Reason.allCases.map(\.rawValue),
        "cause": MessageCatalog.loginCauses,
        "by": By.allCases.map(\.rawValue),
    ]

    /// Every message the role can receive, over the universe above.
    static func inputs(for role: Role) -> [Message] {
        var messages: [Message] = []
        for definition in MessageCatalog.definitions where definition.channel.to == role {
            let states: [String?] = definition.type == .progress ? MessageCatalog.progressStates : [nil]
            for state in states {
                guard let names = MessageCatalog.requiredParameters(of: definition, state: state) else { continue }
                var combinations: [[String: String]] = [[:]]
                for name in names {
                    let values = name == "state" ? [state ?? ""] : (pools[name] ?? ["x"])
                    combinations = combinations.flatMap { partial in
                        values.map { value in partial.merging([name: value]) { $1 } }
                    }
                }
                for parameters in combinations {
                    messages.append(Message(from: definition.channel.from, to: role, type: definition.type, parameters: Parameters(parameters)))
                }
            }
        }
        return messages
    }

    /// Walks the machine of `role` and returns the watched agent's graph.
    public static func explore(_ role: Role, steps: Int = 60_000, seed: UInt64 = 0x00C0_FFEE) -> Graph {
        switch role {
        case .ecs:
            return walk(ECSMachine.self, role: role, steps: steps, seed: seed, initial: AgentPhase.loggedOut.rawValue) {
                ($0.phase(of: watchedAgent), $0.extension(of: watchedAgent), $0.session(of: watchedAgent))
            }
        case .icm:
            return walk(ICMMachine.self, role: role, steps: steps, seed: seed, initial: AgentPhase.loggedOut.rawValue) {
                ($0.phase(of: watchedAgent), $0.extension(of: watchedAgent), $0.session(of: watchedAgent))
            }
        default:
            return walk(CVCTMachine.self, role: role, steps: steps, seed: seed, initial: "relaying") { _ in ("relaying", nil, nil) }
        }
    }

    private static func walk<Machine: RoleMachine>(
        _ type: Machine.Type, role: Role, steps: Int, seed: UInt64, initial: String,
        observe: (Machine) -> (phase: String, extension: String?, session: String?)
    ) -> Graph {
        let universe = inputs(for: role)
        var random = SeededRandom(seed: seed)
        var machine = Machine(administration: administration)
        var edges = Set<Edge>()
        var phases: [String] = [initial]
        var seenClauses = Set<Clause>()
        for step in 0..<steps {
            if step % 48 == 0 { machine = Machine(administration: administration) }
            let message = universe[Int(random.next() % UInt64(universe.count))]
            let before = observe(machine)
            let reaction = machine.receive(message)
            let after = observe(machine)
            // Whose transition: the watched agent's when its state changed,
            // or the message or what the role sent names it; when neither
            // names any agent, when the message names its extension or
            // session.
            let named = ([message] + reaction.emissions.map(\.message)).compactMap { $0.parameters[.agent] }
            let concerns: Bool
            if before != after || named.contains(watchedAgent) {
                concerns = true
            } else if !named.isEmpty {
                concerns = false
            } else if let x = message.parameters[.extension] {
                concerns = [before.extension, after.extension].contains(x)
            } else if let session = message.parameters[.session] {
                concerns = [before.session, after.session].contains(session)
            } else {
                concerns = false
            }
            // Also draw the first sighting of every clause, so each appears.
            let firstSighting = reaction.clauses.contains { !seenClauses.contains($0) }
            seenClauses.formUnion(reaction.clauses)
            guard before.phase != after.phase || concerns || firstSighting || role == .cvct else { continue }
            if !phases.contains(after.phase) { phases.append(after.phase) }
            var outputs: [String] = []
            for emission in reaction.emissions where !outputs.contains(emission.message.type.rawValue) {
                outputs.append(emission.message.type.rawValue)
            }
            edges.insert(Edge(
                from: before.phase, to: after.phase, input: message.type.rawValue,
                clauses: reaction.clauses.map(\.id), outputs: outputs,
                aboutAnother: role != .cvct && before.phase == after.phase && !concerns
            ))
        }
        return Graph(role: role, initial: initial, phases: phases, edges: edges.sorted())
    }

    /// The graph as a Mermaid state diagram.
    public static func mermaid(_ graph: Graph) -> String {
        func id(_ phase: String) -> String {
            phase.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        }
        var lines = [
            "%% Generated by `cvconform diagram \(graph.role.rawValue)` from the reference model; do not edit.",
            graph.role == .cvct
                ? "%% The CVCT keeps no state: each message it relays, and what it sends for it."
                : "%% The states are agent \(watchedAgent)'s phase at the \(graph.role.rawValue.uppercased()), seen through a seeded random walk of the machine.",
            graph.role == .cvct
                ? "%% Every transition is drawn once."
                : "%% A transition labelled `\(watchedAgent):` is a message about agent \(watchedAgent) (its id, extension or session); "
                    + "one labelled `other:` is about another agent, drawn once so every clause appears: \(watchedAgent)'s phase stays.",
            "stateDiagram-v2",
        ]
        for phase in graph.phases.sorted() { lines.append("    state \"\(phase)\" as \(id(phase))") }
        lines.append("    [*] --> \(id(graph.initial))")
        for edge in graph.edges {
            let outputs = edge.outputs.isEmpty ? "nothing" : edge.outputs.joined(separator: ", ")
            let whose = graph.role == .cvct ? "" : (edge.aboutAnother ? "other: " : "\(watchedAgent): ")
            lines.append("    \(id(edge.from)) --> \(id(edge.to)): \(whose)\(edge.input) / \(outputs) [\(edge.clauses.joined(separator: " "))]")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension ECSMachine {
    /// The agent's phase in words: logged out, available, alerting, connected.
    public func phase(of agent: String) -> String {
        switch agents[agent] {
        case nil: return AgentPhase.loggedOut.rawValue
        case .available: return AgentPhase.available.rawValue
        case .alerting: return AgentPhase.alerting.rawValue
        case .connected: return AgentPhase.connected.rawValue
        }
    }

    public func `extension`(of agent: String) -> String? { agents[agent]?.extension }

    /// The session the agent is alerting or connected with.
    public func session(of agent: String) -> String? {
        switch agents[agent] {
        case .alerting(_, let session)?, .connected(_, let session)?: return session
        case .available?, nil: return nil
        }
    }
}

extension ICMMachine {
    /// The agent's phase in words: logged out, logged in, in session.
    public func phase(of agent: String) -> String {
        switch agents[agent] {
        case nil: return AgentPhase.loggedOut.rawValue
        case .loggedIn: return "logged in"
        case .inSession: return "in session"
        }
    }

    public func `extension`(of agent: String) -> String? { agents[agent]?.extension }
}
