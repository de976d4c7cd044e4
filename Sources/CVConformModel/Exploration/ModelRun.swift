import CVConformTrace

/// The model's side of a run that the model drives: the system's state, and
/// what has been used so far, one stimulus at a time. A stimulus that would
/// take the run outside its profile (into a situation the contract leaves
/// unspecified, in `core`) is refused and changes nothing, so every run it
/// makes is one the contract decides, and none races: each stimulus is
/// applied to a quiet system, after everything before it has been sent.
public struct ModelRun: Sendable {
    public let administration: Administration
    public let profile: Profile
    public private(set) var system: ReferenceSystem
    /// Session ids requested so far: in `core` an id is never used twice.
    private(set) var requestedSessions: [String] = []
    private var requested: Set<String> = []
    /// The stimuli applied so far, to rebuild the system (see `step(_:situation:risks:)`).
    private var applied: [Message] = []

    public init(administration: Administration, profile: Profile) {
        self.administration = administration
        self.profile = profile
        system = ReferenceSystem(administration: administration)
    }

    /// Applies one stimulus (from browser, customer or phone) and returns
    /// what it causes; nil, with nothing changed, when the profile does not
    /// allow it here.
    public mutating func step(_ stimulus: Message) -> Propagation? {
        let session = stimulus.type == .sessionRequest ? stimulus["session"] : nil
        if let session, profile == .core, requested.contains(session) { return nil }
        var next = system
        let propagation = next.propagate(stimulus)
        if profile == .core && propagation.entersExtended { return nil }
        system = next
        if let session, requested.insert(session).inserted { requestedSessions.append(session) }
        return propagation
    }

    /// Applies a stimulus without keeping a copy to fall back on: when the
    /// profile does not allow it, this run is left broken and must be
    /// thrown away (a search that copied the run already does).
    mutating func stepOrBreak(_ stimulus: Message) -> Propagation? {
        let session = stimulus.type == .sessionRequest ? stimulus["session"] : nil
        if let session, profile == .core, requested.contains(session) { return nil }
        let propagation = system.propagate(stimulus)
        if profile == .core && propagation.entersExtended { return nil }
        if let session, requested.insert(session).inserted { requestedSessions.append(session) }
        return propagation
    }

    /// The same as `step(_:)`, faster: a stimulus in a situation that has
    /// never led outside the profile (after enough tries) is applied without
    /// keeping a copy to fall back on. Should it lead outside after all, the
    /// system is rebuilt from the stimuli applied so far and the situation
    /// is remembered as risky. Copying the system for every stimulus costs
    /// half of exploring against the built-in reference.
    public mutating func step(_ stimulus: Message, situation: Situation?, risks: inout SituationRisks) -> Propagation? {
        switch learntStep(stimulus, situation: situation, risks: &risks) {
        case .applied(let propagation):
            applied.append(stimulus)
            return propagation
        case .refused:
            return nil
        case .broken:
            system = ReferenceSystem(administration: administration)
            for earlier in applied { _ = system.propagate(earlier) }
            return nil
        }
    }

    /// `step(_:situation:risks:)` for a caller that keeps its own way back
    /// to the run as it stands before this stimulus (`load` keeps a
    /// checkpoint and the stimuli since, so that a run of hours does not
    /// hold every stimulus): `restore` makes that run again, and is called
    /// only when a stimulus taken as safe led outside the profile after all.
    public mutating func step(_ stimulus: Message, situation: Situation?, risks: inout SituationRisks,
                              restore: () -> ModelRun) -> Propagation? {
        switch learntStep(stimulus, situation: situation, risks: &risks) {
        case .applied(let propagation): return propagation
        case .refused: return nil
        case .broken:
            self = restore()
            return nil
        }
    }

    private enum LearntStep {
        case applied(Propagation)
        /// Not allowed here; nothing changed.
        case refused
        /// Not allowed here, found out only after changing the system: it
        /// must be rebuilt.
        case broken
    }

    private mutating func learntStep(_ stimulus: Message, situation: Situation?, risks: inout SituationRisks) -> LearntStep {
        guard profile == .core, let situation, risks.isSafe(situation) else {
            let propagation = step(stimulus)
            if let situation, profile == .core { risks.record(situation, entersExtended: propagation == nil) }
            return propagation.map(LearntStep.applied) ?? .refused
        }
        if stimulus.type == .sessionRequest && requested.contains(stimulus["session"]) { return .refused }
        if let propagation = stepOrBreak(stimulus) { return .applied(propagation) }
        risks.record(situation, entersExtended: true)
        return .broken
    }

    /// Whether a session id has been requested in this run.
    public func hasRequested(_ session: String) -> Bool { requested.contains(session) }
}

/// What exploration has learnt of which situations lead outside profile
/// `core` (see `ModelRun.step(_:situation:risks:)`).
public struct SituationRisks: Sendable {
    /// Per situation: -1 once it has led outside, else how often it has not.
    private var record = Array(repeating: 0, count: Situation.indexCount)

    public init() {}

    /// Seen often enough, never outside the profile.
    func isSafe(_ situation: Situation) -> Bool { record[situation.index] >= 32 }

    mutating func record(_ situation: Situation, entersExtended: Bool) {
        let index = situation.index
        if entersExtended { record[index] = -1 } else if record[index] >= 0 { record[index] += 1 }
    }
}

/// A run as a value: an administration and the stimuli from the
/// environment, in order. Everything else in its trace is what the model
/// does, so a scenario is all a shrinker needs to change.
public struct Scenario: Hashable, Sendable {
    public var administration: Administration
    public var stimuli: [Message]

    public init(administration: Administration, stimuli: [Message]) {
        self.administration = administration
        self.stimuli = stimuli
    }

    /// The model's run of the scenario: each stimulus followed by everything
    /// it causes. Stimuli the profile does not allow where they stand are
    /// left out (`kept` lists the others), so any edit of a scenario is
    /// still a run the contract decides.
    public func play(profile: Profile) -> (entries: [TraceEntry], kept: [Message], clauses: [Clause]) {
        var run = ModelRun(administration: administration, profile: profile)
        var entries: [TraceEntry] = []
        var kept: [Message] = []
        var clauses: [Clause] = []
        var seen = Set<Clause>()
        for stimulus in stimuli {
            guard let propagation = run.step(stimulus) else { continue }
            kept.append(stimulus)
            entries.append(TraceEntry(message: stimulus))
            for emission in propagation.emissions { entries.append(TraceEntry(message: emission.message)) }
            for clause in propagation.clauses where seen.insert(clause).inserted { clauses.append(clause) }
        }
        return (entries, kept, clauses)
    }

    /// The scenario as a pass trace of section 4 (what the model does).
    public func trace(header: TraceHeader, profile: Profile) -> Trace {
        let played = play(profile: profile)
        var header = header
        header.setup = administration
        header.expect = .pass
        return Trace(header: header, entries: played.entries)
    }
}
