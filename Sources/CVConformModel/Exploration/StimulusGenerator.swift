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
    /// Put before every session id this generator makes: cells of `load`
    /// that share an implementation never share a session id.
    public var sessionPrefix = ""
    /// Whether a candidate in a situation the profile leaves unspecified
    /// weighs nothing when one of three is chosen (`explore`, EXP-5): its
    /// stimulus would only be refused. Off, the choice is the one `generate`
    /// and `load` make.
    public var avoidsUnspecified = false
    /// When set, no session-request is drawn while the run's ICM holds this
    /// many sessions or more (`load`: sessions requested faster than agents
    /// end them would pile up for as long as the run lasts, and with them
    /// the memory of the model and of the implementation).
    public var maxHeldSessions: Int?
    /// `enabledKinds` without session-request, for a run at `maxHeldSessions`.
    private let kindsWithoutRequests: [StimulusKind]
    /// The administration's ids, listed once (drawn from for every stimulus).
    let agentIDs: [String]
    private let vdnNumbers: [String]

    public init(generated: GeneratedAdministration, profile: Profile, random: inout SeededRandom, swarm: Bool = true) {
        self.generated = generated
        self.profile = profile
        var kinds: [StimulusKind] = [.login, .sessionRequest]
        for kind in [StimulusKind.logout, .release, .answer, .hangup, .logoutFeature] where !swarm || random.chance(0.6) {
            kinds.append(kind)
        }
        enabledKinds = kinds.sorted()
        kindsWithoutRequests = enabledKinds.filter { $0 != .sessionRequest }
        sessionStyle = random.below(4)
        agentIDs = generated.administration.agents.map(\.id)
        vdnNumbers = generated.administration.vdns.map(\.number) + (profile == .extended ? generated.unknownVDNs : [])
    }

    /// The next stimulus for the run and the situation it meets there
    /// (`Situation.of(_:in:)`, found while choosing it), or nil when none of
    /// those tried is allowed here (rare: the run then ends).
    public mutating func next(for run: ModelRun, coverage: ExplorationCoverage, random: inout SeededRandom)
        -> (stimulus: Message, situation: Situation)? {
        // Candidates are drawn as plain values, three of them in local
        // variables (no arrays); only the chosen one becomes a message (this
        // runs for every stimulus explore and load send).
        let kinds = holdsEnoughSessions(run) ? kindsWithoutRequests : enabledKinds
        let first = draw(random.pick(kinds), run: run, random: &random)
        let firstSituation = first.situation(in: run.system)
        let firstWeight = weight(of: firstSituation, coverage: coverage)
        let second = draw(random.pick(kinds), run: run, random: &random)
        let secondSituation = second.situation(in: run.system)
        let secondWeight = weight(of: secondSituation, coverage: coverage)
        let third = draw(random.pick(kinds), run: run, random: &random)
        let thirdSituation = third.situation(in: run.system)
        let thirdWeight = weight(of: thirdSituation, coverage: coverage)
        let target = Double(random.next() >> 11) / Double(1 << 53) * (firstWeight + secondWeight + thirdWeight)
        let (chosen, situation) = target - firstWeight <= 0 ? (first, firstSituation)
            : target - firstWeight - secondWeight <= 0 ? (second, secondSituation) : (third, thirdSituation)
        // A fresh session id changes no situation: a session-request's
        // depends on its VDN and media alone.
        let stimulus = chosen.message(session: chosen.kind == .sessionRequest && chosen.session.isEmpty ? freshSession(run: run) : nil)
        return (stimulus, situation)
    }

    /// Whether the run holds `maxHeldSessions` sessions: no more are requested.
    func holdsEnoughSessions(_ run: ModelRun) -> Bool {
        guard let maxHeldSessions else { return false }
        return run.system.icm.sessionCount >= maxHeldSessions
    }

    /// Weight 1/(1+n)² for a pair met n times: unmet pairs dominate.
    private func weight(of situation: Situation, coverage: ExplorationCoverage) -> Double {
        if avoidsUnspecified && situation.isUnspecified(in: profile) { return 0 }
        let visits = Double(coverage.visits(of: situation))
        return 1 / ((1 + visits) * (1 + visits))
    }

    /// A stimulus of one kind with values in scope.
    public mutating func make(_ kind: StimulusKind, run: ModelRun, random: inout SeededRandom) -> Message {
        let candidate = draw(kind, run: run, random: &random)
        return candidate.message(session: kind == .sessionRequest && candidate.session.isEmpty ? freshSession(run: run) : nil)
    }

    /// A stimulus before it is a message. An empty `session` in a
    /// session-request stands for a fresh id, made only if it is chosen.
    struct Candidate {
        var kind: StimulusKind
        var agent = ""
        var `extension` = ""
        var session = ""
        var button = ""
        var media = ""
        var vdn = ""

        func situation(in system: ReferenceSystem) -> Situation {
            Situation.of(kind, agent: agent, extension: self.extension, session: session, button: button, media: media, vdn: vdn,
                         in: system)
        }

        func message(session fresh: String?) -> Message {
            // Names given in order (no literal to sort): one per stimulus.
            switch kind {
            case .login:
                return Message(from: .browser, to: .icm, type: .login, parameters: Parameters(.agent, agent, .extension, self.extension))
            case .logout:
                return Message(from: .browser, to: .icm, type: .logout, parameters: Parameters(.agent, agent))
            case .release:
                return Message(from: .browser, to: .icm, type: .release, parameters: Parameters(.agent, agent, .button, button, .session, session))
            case .sessionRequest:
                return Message(from: .customer, to: .icm, type: .sessionRequest,
                               parameters: Parameters(.media, media, .session, fresh ?? session, .vdn, vdn))
            case .answer:
                return Message(from: .phone, to: .ecs, type: .answer, parameters: Parameters(.extension, self.extension))
            case .hangup:
                return Message(from: .phone, to: .ecs, type: .hangup, parameters: Parameters(.extension, self.extension))
            case .logoutFeature:
                return Message(from: .phone, to: .ecs, type: .logoutFeature, parameters: Parameters(.extension, self.extension))
            }
        }
    }

    private mutating func draw(_ kind: StimulusKind, run: ModelRun, random: inout SeededRandom) -> Candidate {
        var candidate = Candidate(kind: kind)
        switch kind {
        case .login:
            candidate.agent = agent(&random)
            candidate.extension = anyExtension(&random)
        case .logout:
            candidate.agent = agent(&random)
        case .release:
            candidate.agent = agent(&random)
            let own = run.system.icm.session(of: candidate.agent)
            if let own, random.chance(0.7) {
                candidate.session = own
            } else if !run.requestedSessions.isEmpty && random.chance(0.8) {
                candidate.session = random.pick(run.requestedSessions)
            } else {
                candidate.session = "unknown-\(random.below(1000))"
            }
            candidate.button = random.pick(Button.allCases).rawValue
            if random.chance(0.6), let media = run.system.icm.media(of: candidate.session) {
                candidate.button = random.pick((Media(rawValue: media) ?? .realtime).fittingButtons).rawValue
            }
        case .sessionRequest:
            if profile == .extended && !run.requestedSessions.isEmpty && random.chance(0.05) {
                candidate.session = random.pick(run.requestedSessions)
            }
            candidate.media = random.pick(Media.allCases).rawValue
            candidate.vdn = vdnNumbers.isEmpty ? "5000" : random.pick(vdnNumbers)
        case .answer, .hangup, .logoutFeature:
            candidate.extension = anyExtension(&random, decoys: 0.05)
        }
        return candidate
    }

    private func agent(_ random: inout SeededRandom) -> String {
        let known = agentIDs
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
    /// shapes: s1, s10, s11 (prefixes of one another); 1, 2 (like other
    /// ids); 001, 01, 2 (leading zeros); session-1.
    private mutating func freshSession(run: ModelRun) -> String {
        while true {
            nextSession += 1
            let id: String
            switch sessionStyle {
            case 0: id = "s\(nextSession)"
            case 1: id = String(nextSession)
            case 2: id = (nextSession % 3 == 0 ? "00" : nextSession % 3 == 1 ? "0" : "") + String(nextSession)
            default: id = "session-\(nextSession)"
            }
            if !run.hasRequested(sessionPrefix + id) { return sessionPrefix + id }
        }
    }
}
