import CVConformModel
import CVConformTrace

/// Bounded exhaustive search for a run that tells a mutant from the
/// reference: breadth first over every stimulus sequence, on a small
/// administration, up to a depth, visiting each pair of (reference, mutant)
/// states once. A run tells them apart when, for some stimulus, the two send
/// different messages on some channel (what `run` would notice); the first
/// found is a shortest one.
public enum DistinguishingSearch {
    /// Two agents sharing a skill (most idle, dispatch), one with a second
    /// skill, a station whose number has a leading zero, two VDNs.
    public static let administration = Administration(
        agents: [.init(id: "1001", skills: ["10"]), .init(id: "1002", skills: ["10", "20"])],
        stations: ["4001", "04002"],
        vdns: [.init(number: "5001", skill: "10"), .init(number: "5002", skill: "20")]
    )

    /// What was searched, in words.
    public struct Bound: Hashable, Sendable, CustomStringConvertible {
        public var depth: Int
        public var stateLimit: Int
        public var description: String {
            "every sequence of up to \(depth) stimuli (login, logout, release, session-request, answer, hang-up, "
                + "logout feature, over 2 agents and an unknown one, 2 stations and an unknown one, 2 VDNs), "
                + "at most \(stateLimit) distinct state pairs"
        }

        public init(depth: Int = 6, stateLimit: Int = 200_000) {
            self.depth = depth
            self.stateLimit = stateLimit
        }
    }

    public struct Outcome: Sendable {
        /// A shortest distinguishing run, if one was found.
        public var witness: Scenario?
        public var statesVisited: Int
        /// Every sequence within the depth was searched (the state limit
        /// was not reached).
        public var complete: Bool
    }

    public static func search(_ mutant: Mutant, profile: Profile = .core, bound: Bound = Bound(),
                              setup: Administration = administration) -> Outcome {
        search(mutant, profile: profile, bound: bound, setup: setup, runningMutantFromStart: false)
    }

    /// The search; tests run the mutant from the start to compare.
    static func search(_ mutant: Mutant, profile: Profile, bound: Bound, setup: Administration,
                       runningMutantFromStart: Bool) -> Outcome {
        struct Node: SearchNode {
            var reference: ModelRun
            var mutant: LateMutant
            var parent: Int
            var stimulus: Message?
            var depth: Int
            var requested: Int
        }
        let start = Node(reference: ModelRun(administration: setup, profile: profile),
                         mutant: LateMutant(mutant, administration: setup, fromStart: runningMutantFromStart),
                         parent: -1, stimulus: nil, depth: 0, requested: 0)
        /// The pair's digest; a mutant not started is in the reference's state.
        func digest(_ node: Node) -> StateDigest {
            node.mutant.system.map { StateDigest(node.reference.system, $0.system) } ?? StateDigest(both: node.reference.system)
        }
        var nodes = [start]
        var visited: Set<StateDigest> = [digest(start)]
        var next = 0
        while next < nodes.count {
            let node = nodes[next]
            let index = next
            next += 1
            guard node.depth < bound.depth else { continue }
            for stimulus in alphabet(node.reference, requested: node.requested, setup: setup, profile: profile) {
                var child = Node(reference: node.reference, mutant: node.mutant, parent: index, stimulus: stimulus, depth: node.depth + 1,
                                 requested: node.requested + (stimulus.type == .sessionRequest ? 1 : 0))
                guard let expected = child.reference.stepOrBreak(stimulus) else { continue }
                if !child.mutant.agrees(taking: stimulus, from: node.reference.system, withReferenceSending: expected) {
                    return Outcome(witness: Scenario(administration: setup, stimuli: path(in: nodes, to: index, then: stimulus)),
                                   statesVisited: visited.count, complete: true)
                }
                guard visited.count < bound.stateLimit else { return Outcome(witness: nil, statesVisited: visited.count, complete: false) }
                if visited.insert(digest(child)).inserted { nodes.append(child) }
            }
        }
        return Outcome(witness: nil, statesVisited: visited.count, complete: true)
    }

    /// A shortest run of the reference that applies a clause, or nil within
    /// the bound (the clause needs a race, or a deeper run).
    public static func reach(_ clause: Clause, profile: Profile = .core, bound: Bound = Bound(),
                             setup: Administration = administration) -> Scenario? {
        reach(profile: profile, bound: bound, setup: setup) { _, propagation in propagation.clauses.contains(clause) }
    }

    /// A shortest run of the reference whose last stimulus meets a situation.
    public static func reach(_ situation: Situation, profile: Profile = .core, bound: Bound = Bound(),
                             setup: Administration = administration) -> Scenario? {
        reach(profile: profile, bound: bound, setup: setup) { met, _ in met == situation }
    }

    /// A shortest run of the reference whose last step satisfies `goal`
    /// (given the situation the stimulus met and what it caused).
    static func reach(profile: Profile, bound: Bound, setup: Administration,
                      goal: (Situation?, Propagation) -> Bool) -> Scenario? {
        struct Node: SearchNode {
            var run: ModelRun
            var parent: Int
            var stimulus: Message?
            var depth: Int
            var requested: Int
        }
        var nodes = [Node(run: ModelRun(administration: setup, profile: profile), parent: -1, stimulus: nil, depth: 0, requested: 0)]
        var visited: Set<StateDigest> = [StateDigest(both: nodes[0].run.system)]
        var next = 0
        while next < nodes.count {
            let node = nodes[next]
            let index = next
            next += 1
            guard node.depth < bound.depth else { continue }
            for stimulus in alphabet(node.run, requested: node.requested, setup: setup, profile: profile) {
                var run = node.run
                let situation = Situation.of(stimulus, in: run.system)
                guard let propagation = run.stepOrBreak(stimulus) else { continue }
                if goal(situation, propagation) {
                    return Scenario(administration: setup, stimuli: path(in: nodes, to: index, then: stimulus))
                }
                guard visited.count < bound.stateLimit else { return nil }
                if visited.insert(StateDigest(both: run.system)).inserted {
                    nodes.append(Node(run: run, parent: index, stimulus: stimulus, depth: node.depth + 1,
                                      requested: node.requested + (stimulus.type == .sessionRequest ? 1 : 0)))
                }
            }
        }
        return nil
    }

    /// The stimuli from a search's start to a node, then `last`.
    private static func path<Node: SearchNode>(in nodes: [Node], to index: Int, then last: Message) -> [Message] {
        var stimuli = [last]
        var current = index
        while current > 0, let stimulus = nodes[current].stimulus {
            stimuli.append(stimulus)
            current = nodes[current].parent
        }
        return stimuli.reversed()
    }

    /// Whether two lists of messages are the same channel by channel.
    static func sameOnEveryChannel(_ first: [Emission], _ second: [Emission]) -> Bool {
        if first.count != second.count { return false }
        if zip(first, second).allSatisfy({ $0.message == $1.message }) { return true }
        func byChannel(_ emissions: [Emission]) -> [Message] {
            emissions.map(\.message).enumerated().sorted {
                let (l, r) = ($0.element.channel, $1.element.channel)
                return (l.from.order, l.to.order, $0.offset) < (r.from.order, r.to.order, $1.offset)
            }.map(\.element)
        }
        return byChannel(first) == byChannel(second)
    }

    /// Every stimulus worth trying in a state: each agent (and an unknown
    /// one) at each station (and an unknown one), each phone button at each
    /// station, a fresh session of each media to each VDN, and releases.
    static func alphabet(_ run: ModelRun, requested: Int, setup: Administration, profile: Profile) -> [Message] {
        let agents = setup.agents.map(\.id) + ["1009"]
        let stations = setup.stations + ["4009"]
        var stimuli: [Message] = []
        for agent in agents {
            for x in stations { stimuli.append(Message(from: .browser, to: .icm, type: .login, parameters: ["agent": agent, "extension": x])) }
            stimuli.append(Message(from: .browser, to: .icm, type: .logout, parameters: ["agent": agent]))
        }
        for x in setup.stations + ["4009"] {
            for type in [MessageType.answer, .hangup, .logoutFeature] {
                stimuli.append(Message(from: .phone, to: .ecs, type: type, parameters: ["extension": x]))
            }
        }
        let fresh = "s" + (requested < 9 ? "0" : "") + String(requested + 1)
        for vdn in setup.vdns.map(\.number) {
            for media in Media.allCases.map(\.rawValue) {
                stimuli.append(Message(from: .customer, to: .icm, type: .sessionRequest, parameters: ["session": fresh, "media": media, "vdn": vdn]))
            }
        }
        // Releases: of the agent's own session with each button, of another
        // session the ICM knows and of an unknown one with a fitting button.
        let icm = run.system.icm
        let known = icm.mediaBySession.keys.sorted()
        for agent in setup.agents.map(\.id) {
            let own = icm.session(of: agent)
            var releases: [(String, String)] = own.map { session in Button.allCases.map { (session, $0.rawValue) } } ?? []
            if let other = known.first(where: { $0 != own }) { releases.append((other, ((icm.media(of: other).flatMap(Media.init(rawValue:)) ?? .realtime).fittingButtons.first ?? .drop).rawValue)) }
            releases.append(("s00", "drop"))
            for (session, button) in releases {
                stimuli.append(Message(from: .browser, to: .icm, type: .release, parameters: ["agent": agent, "session": session, "button": button]))
            }
        }
        return stimuli
    }
}

/// A node of a breadth-first search: where it came from, and by which
/// stimulus (nil at the start).
private protocol SearchNode {
    var parent: Int { get }
    var stimulus: Message? { get }
}
