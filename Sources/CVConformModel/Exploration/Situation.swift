import CVConformTrace

/// The kinds of stimulus the environment can send (contract section 2).
public enum StimulusKind: String, CaseIterable, Hashable, Sendable, Comparable {
    case login, logout, release
    case sessionRequest = "session-request"
    case answer, hangup
    case logoutFeature = "logout-feature"

    public init?(_ message: Message) {
        switch message.type {
        case .login: self = .login
        case .logout: self = .logout
        case .release: self = .release
        case .sessionRequest: self = .sessionRequest
        case .answer: self = .answer
        case .hangup: self = .hangup
        case .logoutFeature: self = .logoutFeature
        default: return nil
        }
    }

    public static func < (lhs: StimulusKind, rhs: StimulusKind) -> Bool { lhs.ordinal < rhs.ordinal }

    /// The kind's place in allCases: a case-only enum is stored as its
    /// declaration index (a search of allCases was asked for every
    /// candidate stimulus).
    var ordinal: Int { Int(withUnsafeBytes(of: self) { $0[0] }) }
}

/// An abstract (state, stimulus) pair: the kind of stimulus and the
/// situation of what it names. Coverage counts these, and the stimulus
/// generator steers toward the ones it has seen least. Kept as small codes
/// (this is computed for every candidate stimulus); `description` says it
/// in words.
public struct Situation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var kind: StimulusKind
    /// Up to three facts, each an index into the words of its slot.
    private var facts: (UInt8, UInt8, UInt8)

    private init(_ kind: StimulusKind, _ first: UInt8, _ second: UInt8 = 0, _ third: UInt8 = 0) {
        self.kind = kind
        facts = (first, second, third)
    }

    public static func == (lhs: Situation, rhs: Situation) -> Bool {
        lhs.kind == rhs.kind && lhs.facts == rhs.facts
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(facts.0)
        hasher.combine(facts.1)
        hasher.combine(facts.2)
    }

    public static func < (lhs: Situation, rhs: Situation) -> Bool {
        (lhs.kind, lhs.facts.0, lhs.facts.1, lhs.facts.2) < (rhs.kind, rhs.facts.0, rhs.facts.1, rhs.facts.2)
    }

    static let agentPhases = ["not administered"] + AgentPhase.allCases.map(\.rawValue)
    static let extensionRelations = ["not a station", "free", "its own", "another agent's"]
    static let sessionRelations = ["its session", "another agent's session", "a session no agent has"]
    /// Fitting each media, then not fitting each, then unknown media.
    static let fits = Media.allCases.map { "fitting a \($0.rawValue) session" }
        + Media.allCases.map { "not fitting a \($0.rawValue) session" } + ["for a session of unknown media"]
    static let vdnSituations = ["VDN not administered", "one agent available", "several agents available", "no agent available",
                                "queued behind others"]
    static let media = Media.allCases.map(\.rawValue)
    static let extensionPhases = ["not a station", "no agent"] + [AgentPhase.available, .alerting, .connected].map(\.rawValue)

    public var state: String {
        let (a, b, c) = (Int(facts.0), Int(facts.1), Int(facts.2))
        switch kind {
        case .login: return "agent \(Self.agentPhases[a]), extension \(Self.extensionRelations[b])"
        case .logout: return "agent \(Self.agentPhases[a])"
        case .release: return "agent \(Self.agentPhases[a]), \(Self.sessionRelations[b]), button \(Self.fits[c])"
        case .sessionRequest: return "\(Self.vdnSituations[a]), \(Self.media[b])"
        case .answer, .hangup, .logoutFeature: return "extension \(Self.extensionPhases[a])"
        }
    }

    public var description: String { "\(kind.rawValue) with \(state)" }

    /// A dense number for the situation, for tables indexed without hashing.
    var index: Int {
        return ((kind.ordinal * 5 + Int(facts.0)) * 5 + Int(facts.1)) * 5 + Int(facts.2)
    }

    static let indexCount = StimulusKind.allCases.count * 125

    /// The situation a stimulus meets in a system.
    public static func of(_ stimulus: Message, in system: ReferenceSystem) -> Situation? {
        guard let kind = StimulusKind(stimulus) else { return nil }
        return of(kind, agent: stimulus[.agent], extension: stimulus[.extension], session: stimulus[.session],
                  button: stimulus[.button], media: stimulus[.media], vdn: stimulus[.vdn], in: system)
    }

    /// The situation of a stimulus given by its values.
    static func of(
        _ kind: StimulusKind, agent: String, extension x: String, session: String, button: String, media: String, vdn: String,
        in system: ReferenceSystem
    ) -> Situation {
        let ecs = system.ecs
        switch kind {
        case .login:
            return Situation(kind, ecs.agentPhaseCode(agent), ecs.extensionRelationCode(x, to: agent))
        case .logout:
            return Situation(kind, ecs.agentPhaseCode(agent))
        case .release:
            let icm = system.icm
            let relation: UInt8
            if let owner = icm.agent(having: session) { relation = owner == agent ? 0 : 1 } else { relation = 2 }
            let media = icm.media(of: session)
            let fit: UInt8 = media == nil ? 4 : (icm.button(button, fits: session) ? 0 : 2) + (media == Media.realtime.rawValue ? 0 : 1)
            return Situation(kind, ecs.agentPhaseCode(agent), relation, fit)
        case .sessionRequest:
            return Situation(kind, ecs.vdnSituationCode(vdn), media == Media.realtime.rawValue ? 0 : 1)
        case .answer, .hangup, .logoutFeature:
            return Situation(kind, ecs.extensionPhaseCode(x))
        }
    }

    /// Every situation that can occur in a profile (the denominator of
    /// coverage). In `core`, no session goes to a VDN that is not
    /// administered (EXT-1), and no agent alerting or connected logs out,
    /// from the browser (EXT-2, EXT-5) or the phone (EXT-4): each of these
    /// is unspecified there.
    public static func all(in profile: Profile) -> [Situation] {
        profile == .extended ? all : all.filter { !isUnspecifiedInCore($0) }
    }

    /// Whether the profile leaves what this situation's stimulus does
    /// unspecified: every stimulus that meets it leads outside `core`
    /// (`ModelRun` refuses it without trying it).
    public func isUnspecified(in profile: Profile) -> Bool { profile == .core && Self.isUnspecifiedInCore(self) }

    private static func isUnspecifiedInCore(_ situation: Situation) -> Bool {
        switch situation.kind {
        case .sessionRequest: return situation.facts.0 == 0
        case .logout, .logoutFeature: return situation.facts.0 == 3 || situation.facts.0 == 4
        case .login, .release, .answer, .hangup: return false
        }
    }

    /// Every situation that can occur, kind by kind. Situations no run can
    /// meet are left out.
    public static let all: [Situation] = {
        var all: [Situation] = []
        for phase in UInt8(0)..<5 {
            // "its own" extension only for an agent logged in (phases 2-4).
            for relation in UInt8(0)..<4 where relation != 2 || phase >= 2 { all.append(Situation(.login, phase, relation)) }
            all.append(Situation(.logout, phase))
            // "its session" only for a connected agent; a session no agent
            // has may be unknown (no media); one an agent has never is.
            for relation in UInt8(0)..<3 where relation != 0 || phase == 4 {
                for fit in UInt8(0)..<5 where fit != 4 || relation == 2 { all.append(Situation(.release, phase, relation, fit)) }
            }
        }
        for vdn in UInt8(0)..<5 {
            for media in UInt8(0)..<2 { all.append(Situation(.sessionRequest, vdn, media)) }
        }
        for kind in [StimulusKind.answer, .hangup, .logoutFeature] {
            for phase in UInt8(0)..<5 { all.append(Situation(kind, phase)) }
        }
        return all.sorted()
    }()
}
