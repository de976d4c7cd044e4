import CVConformModel
import CVConformTrace

/// A digest of a pair of systems' states up to names that do not matter:
/// sessions renamed in the order the switch launched them (the others in
/// id order), and the logical clock replaced by the order it puts agents and
/// sessions in. Two pairs with the same digest behave the same from then
/// on, so a search need visit only one. Dictionaries are folded in with a
/// sum of their entries' hashes (no sorting); two independent 64-bit
/// digests make a collision between distinct states negligible.
struct StateDigest: Hashable {
    private var first: Int
    private var second: Int

    init(_ reference: ReferenceSystem, _ mutated: ReferenceSystem) {
        var naming = CanonicalNaming()
        naming.learn(reference)
        naming.learn(mutated)
        let (a, b) = naming.digest(reference)
        let (c, d) = naming.digest(mutated)
        first = a &* 31 &+ c
        second = b &* 37 &+ d
    }

    /// The digest of a pair whose two systems are equal: the same as
    /// `init(system, system)`, named and digested once.
    init(both system: ReferenceSystem) {
        var naming = CanonicalNaming()
        naming.learn(system)
        let (a, b) = naming.digest(system)
        first = a &* 31 &+ a
        second = b &* 37 &+ b
    }
}

struct CanonicalNaming {
    private var names: [String: Int] = [:]

    /// A canonical number for a session, given in order of first sight.
    mutating func session(_ id: String) -> Int {
        if let name = names[id] { return name }
        let name = names.count
        names[id] = name
        return name
    }

    /// Names the sessions a system holds: the switch's in launch order, then
    /// those only the ICM knows in id order.
    mutating func learn(_ system: ReferenceSystem) {
        for (session, _) in system.ecs.sessions.sorted(by: { $0.value.launchedAt < $1.value.launchedAt }) { _ = self.session(session) }
        for session in system.icm.mediaBySession.keys.filter({ names[$0] == nil }).sorted() { _ = self.session(session) }
    }

    /// One system's two digests under these names (two independently
    /// salted sums, made in one pass).
    func digest(_ system: ReferenceSystem) -> (Int, Int) {
        var total = 0
        var other = 0
        func entry(_ build: (inout Hasher) -> Void) -> Int {
            var hasher = Hasher()
            build(&hasher)
            var salted = hasher
            salted.combine(0x5A17)
            other &+= salted.finalize()
            return hasher.finalize()
        }
        func name(_ session: String) -> Int { names[session] ?? -1 }
        let icm = system.icm
        for (agent, state) in icm.agents {
            total &+= entry { hasher in
                hasher.combine(1)
                hasher.combine(agent)
                switch state {
                case .loggedIn(let x): hasher.combine(x)
                case .inSession(let x, let s): hasher.combine(x); hasher.combine(name(s))
                }
            }
        }
        for (session, media) in icm.mediaBySession { total &+= entry { $0.combine(2); $0.combine(name(session)); $0.combine(media) } }
        for (session, agent) in icm.agentBySession { total &+= entry { $0.combine(3); $0.combine(name(session)); $0.combine(agent) } }
        for (x, agent) in icm.agentAtExtension { total &+= entry { $0.combine(4); $0.combine(x); $0.combine(agent) } }
        let ecs = system.ecs
        let ecsAgents = ecs.agents
        var available: [(String, UInt64)] = []
        for (agent, state) in ecsAgents {
            if case .available(_, let since) = state { available.append((agent, since)) }
        }
        available.sort { $0.1 < $1.1 }
        for (agent, state) in ecsAgents {
            total &+= entry { hasher in
                hasher.combine(5)
                hasher.combine(agent)
                switch state {
                case .available(let x, _): hasher.combine(0); hasher.combine(x); hasher.combine(available.firstIndex { $0.0 == agent } ?? -1)
                case .alerting(let x, let s): hasher.combine(1); hasher.combine(x); hasher.combine(name(s))
                case .connected(let x, let s): hasher.combine(2); hasher.combine(x); hasher.combine(name(s))
                }
            }
        }
        for (x, agent) in ecs.agentAtExtension { total &+= entry { $0.combine(6); $0.combine(x); $0.combine(agent) } }
        for (rank, (session, active)) in ecs.sessions.sorted(by: { $0.value.launchedAt < $1.value.launchedAt }).enumerated() {
            total &+= entry { $0.combine(7); $0.combine(name(session)); $0.combine(active.skill); $0.combine(rank) }
        }
        for (position, queued) in ecs.queuedInLaunchOrder.enumerated() {
            total &+= entry { $0.combine(8); $0.combine(queued.skill); $0.combine(name(queued.session)); $0.combine(position) }
        }
        return (total, other)
    }
}
