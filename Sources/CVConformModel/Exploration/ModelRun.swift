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

    /// Whether a session id has been requested in this run.
    public func hasRequested(_ session: String) -> Bool { requested.contains(session) }
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
