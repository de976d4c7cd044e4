import CVConformTrace

/// Chooses the next stimulus of a run the model drives. In every state it
/// can offer every kind of stimulus the environment sends, those that change
/// state and those the rules ignore, with values from the administration and
/// its decoys. Two things make long, deep runs likely:
/// - swarm testing: each run switches a random subset of stimulus kinds off
///   (login and session-request stay on, or nothing would happen), so runs
///   of one kind of activity (sessions piling up in queues, agents logging
///   in and out) come far more often than uniform choice makes them;
/// - steering: of a few candidate stimuli, the one whose (situation,
///   stimulus) pair has been met least often is the likeliest to be chosen.
public struct StimulusGenerator: Sendable {
    public let generated: GeneratedAdministration
    public let profile: Profile
    public private(set) var enabledKinds: [StimulusKind]
    private var nextSession = 0
    private let sessionStyle: Int

    public init(generated: GeneratedAdministration, profile: Profile, random: inout SeededRandom, swarm: Bool = true) {
        self.generated = generated
        self.profile = profile
        var kinds: [StimulusKind] = [.login, .sessionRequest]
        for kind in [StimulusKind.logout, .release, .answer, .hangup, .logoutFeature] where !swarm || random.chance(0.6) {
            kinds.append(kind)
        }
        enabledKinds = kinds.sorted()
        sessionStyle = random.below(4)
    }

    /// The next stimulus for the run, or nil when none of those tried is
    /// allowed here (rare: the run then ends).
    public mutating func next(for run: ModelRun, coverage: ExplorationCoverage, random: inout SeededRandom) -> Message? {
        var candidates: [(Message, Situation?)] = []
        for _ in 0..<4 {
            let kind = random.pick(enabledKinds)
            let stimulus = make(kind, run: run, random: &random)
            candidates.append((stimulus, Situation.of(stimulus, in: run.system)))
        }
        // Weight 1/(1+n)² for a pair met n times: unmet pairs dominate.
        let weights = candidates.map { candidate -> Double in
            let visits = Double(candidate.1.map { coverage.visits(of: $0) } ?? 0)
            return 1 / ((1 + visits) * (1 + visits))
        }
        var target = Double(random.next() >> 11) / Double(1 << 53) * weights.reduce(0, +)
        for (index, weight) in weights.enumerated() {
            target -= weight
            if target <= 0 { return candidates[index].0 }
        }
        return candidates.last?.0
    }

    /// A stimulus of one kind with values in scope.
    public mutating func make(_ kind: StimulusKind, run: ModelRun, random: inout SeededRandom) -> Message {
        let setup = generated.administration
        switch kind {
        case .login:
            return Message(from: .browser, to: .icm, type: .login,
                           parameters: ["agent": agent(&random), "extension": anyExtension(&random)])
        case .logout:
            return Message(from: .browser, to: .icm, type: .logout, parameters: ["agent": agent(&random)])
        case .release:
            let agent = agent(&random)
            let session: String
            let own = run.system.icm.session(of: agent)
            if let own, random.chance(0.7) {
                session = own
            } else if !run.requestedSessions.isEmpty && random.chance(0.8) {
                session = random.pick(run.requestedSessions)
            } else {
                session = freshSession(run: run)
            }
            var button = random.pick(["drop", "close", "suspend"])
            if random.chance(0.6), let media = run.system.icm.media(of: session) {
                button = media == "realtime" ? "drop" : random.pick(["close", "suspend"])
            }
            return Message(from: .browser, to: .icm, type: .release,
                           parameters: ["agent": agent, "session": session, "button": button])
        case .sessionRequest:
            var vdns = setup.vdns.map(\.number)
            if profile == .extended { vdns += generated.unknownVDNs }
            let session = profile == .extended && !run.requestedSessions.isEmpty && random.chance(0.05)
                ? random.pick(run.requestedSessions) : freshSession(run: run)
            return Message(from: .customer, to: .icm, type: .sessionRequest,
                           parameters: ["session": session, "media": random.pick(["realtime", "messaging"]),
                                        "vdn": vdns.isEmpty ? "5000" : random.pick(vdns)])
        case .answer, .hangup, .logoutFeature:
            let type: MessageType = kind == .answer ? .answer : (kind == .hangup ? .hangup : .logoutFeature)
            return Message(from: .phone, to: .ecs, type: type, parameters: ["extension": anyExtension(&random, decoys: 0.05)])
        }
    }

    private func agent(_ random: inout SeededRandom) -> String {
        let known = generated.administration.agents.map(\.id)
        if known.isEmpty || (!generated.unknownAgents.isEmpty && random.chance(0.12)) {
            return random.pick(generated.unknownAgents.isEmpty ? ["1999"] : generated.unknownAgents)
        }
        return random.pick(known)
    }

    private func anyExtension(_ random: inout SeededRandom, decoys: Double = 0.12) -> String {
        let stations = generated.administration.stations
        if stations.isEmpty || (!generated.unknownExtensions.isEmpty && random.chance(decoys)) {
            return random.pick(generated.unknownExtensions.isEmpty ? ["4999"] : generated.unknownExtensions)
        }
        return random.pick(stations)
    }

    /// A session id not requested before in this run, in one of a few
    /// shapes: some are prefixes of others, some differ by leading zeros.
    private mutating func freshSession(run: ModelRun) -> String {
        while true {
            nextSession += 1
            let id: String
            switch sessionStyle {
            case 0: id = "s\(nextSession)"
            case 1: id = "s" + String(repeating: "1", count: nextSession)
            case 2: id = String(repeating: "0", count: nextSession % 3) + String(nextSession)
            default: id = "session-\(nextSession)"
            }
            if !run.hasRequested(id) { return id }
        }
    }
}

/// What an exploration has reached: the clauses applied and how often each
/// (situation, stimulus) pair was met.
public struct ExplorationCoverage: Sendable {
    private var clauseSeen = Array(repeating: false, count: Clause.allCases.count)
    public private(set) var clauses: [Clause] = []
    private var pairVisits: [Situation: Int] = [:]

    public init() {}

    public func visits(of situation: Situation) -> Int { pairVisits[situation] ?? 0 }

    public mutating func record(_ situation: Situation?, _ propagation: Propagation) {
        if let situation { pairVisits[situation, default: 0] += 1 }
        for clause in propagation.clauses where !clauseSeen[clause.ordinal] {
            clauseSeen[clause.ordinal] = true
            clauses.append(clause)
        }
    }

    /// The pairs met at least once, in a stable order.
    public var situationsReached: [Situation] { pairVisits.keys.sorted() }

    /// The clauses of a profile that no non-racing run can reach are not
    /// counted against coverage.
    public static func reachable(in profile: Profile) -> [Clause] {
        Clause.allCases.filter { !$0.isRaceOnly && ($0.profile == .core || profile == .extended) }
    }
}
