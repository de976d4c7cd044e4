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
    /// When set, only the ids of the last this many session requests (up to
    /// twice as many, forgotten in halves; at least 1) are remembered
    /// (`load`: a run of hours would otherwise hold every id it ever
    /// requested). `StimulusGenerator`'s fresh ids never repeat, so
    /// `core`'s rule still holds for what it makes; older ids are only no
    /// longer offered for a release of a requested session.
    public var sessionMemory: Int?
    /// The stimuli applied so far, to rebuild the system (see `step(_:situation:risks:)`).
    private var applied: [Message] = []
    /// The last step's propagation: once its caller lets go of the copy it
    /// was given, the next step reuses its lists (allocating two lists for
    /// every stimulus was a fifth of explore's allocations).
    private var lastPropagation = Propagation()
    /// Each delivery's reaction, kept for the same reason.
    private var scratchReaction = Reaction()

    public init(administration: Administration, profile: Profile) {
        self.administration = administration
        self.profile = profile
        system = ReferenceSystem(administration: administration)
    }

    /// The situation a stimulus meets in this run: `Situation.of(_:in:)` on
    /// its system, read in place.
    public func situation(of stimulus: Message) -> Situation? {
        Situation.of(stimulus, in: system)
    }

    /// Applies one stimulus (from browser, customer or phone) and returns
    /// what it causes; nil, with nothing changed, when the profile does not
    /// allow it here.
    public mutating func step(_ stimulus: Message) -> Propagation? {
        let session = stimulus.type == .sessionRequest ? stimulus[.session] : nil
        if let session, profile == .core, requested.contains(session) { return nil }
        var next = system
        next.propagate(stimulus, into: &lastPropagation, reaction: &scratchReaction)
        if profile == .core && lastPropagation.entersExtended { return nil }
        system = next
        if let session { noteRequested(session) }
        return lastPropagation
    }

    /// Applies a stimulus without keeping a copy to fall back on: when the
    /// profile does not allow it, this run is left broken and must be
    /// thrown away (a search that copied the run already does).
    package mutating func stepOrBreak(_ stimulus: Message) -> Propagation? {
        let session = stimulus.type == .sessionRequest ? stimulus[.session] : nil
        if let session, profile == .core, requested.contains(session) { return nil }
        system.propagate(stimulus, into: &lastPropagation, reaction: &scratchReaction)
        if profile == .core && lastPropagation.entersExtended { return nil }
        if let session { noteRequested(session) }
        return lastPropagation
    }

    /// The same as `step(_:)`, faster: a stimulus in a situation that has
    /// never led outside the profile (after enough tries) is applied without
    /// keeping a copy to fall back on. Should it lead outside after all, the
    /// system is rebuilt from the stimuli applied so far and the situation
    /// is remembered as risky. Copying the system for every stimulus costs
    /// half of exploring against the built-in reference. A stimulus in a
    /// situation the profile leaves unspecified is refused without a try,
    /// so `situation` must be the one it meets (`Situation.of(_:in:)`, or
    /// what `StimulusGenerator.next` gives with it).
    public mutating func step(_ stimulus: Message, situation: Situation?, risks: inout SituationRisks) -> Propagation? {
        switch learntStep(stimulus, situation: situation, risks: &risks) {
        case .applied(let propagation):
            applied.append(stimulus)
            return propagation
        case .refused:
            return nil
        case .broken:
            system = ReferenceSystem(administration: administration)
            for earlier in applied { system.propagate(earlier, into: &lastPropagation, reaction: &scratchReaction) }
            return nil
        }
    }

    /// `step(_:situation:risks:)` for a caller that keeps its own way back
    /// to the run as it stands before this stimulus (`load` keeps a
    /// checkpoint and the stimuli since, so that a run of hours does not
    /// hold every stimulus). `broken` is true only when a stimulus taken as
    /// safe led outside the profile after all: the run is then left broken,
    /// and the caller makes it again as it stood before this stimulus. (A
    /// closure to restore it, capturing the caller's checkpoint, copied it
    /// for every step of `load`: a dozen references retained and released.)
    public mutating func stepLeavingBroken(_ stimulus: Message, situation: Situation?, risks: inout SituationRisks)
        -> (propagation: Propagation?, broken: Bool) {
        switch learntStep(stimulus, situation: situation, risks: &risks) {
        case .applied(let propagation): return (propagation, false)
        case .refused: return (nil, false)
        case .broken: return (nil, true)
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
        // Each of these always leads outside `core`: the session-request
        // launches to a VDN the ECS does not have (EXT-1); the logout
        // feature reaches the ECS with its agent busy (EXT-4); the browser
        // logout reaches an ICM that has the agent logged in at the same
        // station, since in a quiet state every login and logout the ECS
        // knows of went through the ICM in the same step (EXT-2, EXT-3,
        // EXT-5). Trying them on a copy, only to throw it away, was two in
        // five of the stimuli explore drew.
        if let situation, situation.isUnspecified(in: profile) { return .refused }
        guard profile == .core, let situation, risks.isSafe(situation) else {
            let propagation = step(stimulus)
            if let situation, profile == .core { risks.record(situation, entersExtended: propagation == nil) }
            return propagation.map(LearntStep.applied) ?? .refused
        }
        if stimulus.type == .sessionRequest && requested.contains(stimulus[.session]) { return .refused }
        if let propagation = stepOrBreak(stimulus) { return .applied(propagation) }
        risks.record(situation, entersExtended: true)
        return .broken
    }

    /// Applies stimuli that race (contract section 8): sent back to back,
    /// taken in any order the asynchronous semantics allows. Refused (nil,
    /// nothing changed) when some interleaving would leave the profile, a
    /// session id would be used twice in `core`, or the interleavings
    /// outgrow `maxStates`. Otherwise the run goes on from one interleaving:
    /// every stimulus is taken first, in the order sent, then every message
    /// in the order sent (the race at its sharpest: each later stimulus
    /// crosses everything the earlier ones caused). `entries` is that
    /// interleaving as a trace places it. (A driver with a race judge of its
    /// own uses `takeRacing(_:judgedBy:)`.)
    public mutating func race(_ stimuli: [Message], maxStates: Int = 10_000) -> RaceStep? {
        guard canRace(stimuli) else { return nil }
        var judge = RaceJudge(start: system, semantics: AsyncSemantics(reportsInternal: true), maxStates: maxStates)
        judge.send(stimuli)
        if judge.isInconclusive { return nil }
        if profile == .core && judge.appliedExtended { return nil }
        var step = RaceStep(entries: [], clauses: [])
        var pending = stimuli
        var index = 0
        while index < pending.count && index < 10_000 {
            let message = pending[index]
            index += 1
            step.entries.append(message)
            guard let reaction = system.deliver(message) else { continue }
            for clause in reaction.clauses where !step.clauses.contains(clause) { step.clauses.append(clause) }
            for emission in reaction.emissions {
                if emission.message.to.isSystem { pending.append(emission.message) } else { step.entries.append(emission.message) }
            }
        }
        // `core` keeps the ids: there no id is requested twice.
        for stimulus in stimuli where profile == .core && stimulus.type == .sessionRequest { noteRequested(stimulus[.session]) }
        applied += stimuli
        return step
    }

    /// Takes a racing group (or one stimulus) for a driver that judges
    /// every interleaving itself (`explore --races`, `load --races`): when
    /// every interleaving of it, from every state `judge` holds, stays
    /// within the judge's bound and the profile, the run goes on from one
    /// interleaving, and the judge that took the group comes back with the
    /// situation the first stimulus met. Nil, with nothing changed,
    /// otherwise. A group whose session ids cannot race is cut to its first
    /// stimulus.
    ///
    /// The interleaving is one the judge has already walked to its end (a
    /// state with nothing in flight): the run is not propagated again. (The
    /// stimuli are not kept for `step(_:situation:risks:)`'s rebuilding: a
    /// racing driver goes on from the judge's states, `continue(from:)`.)
    public mutating func takeRacing(_ group: inout [Message], judgedBy judge: RaceJudge) -> (judge: RaceJudge, situation: Situation?)? {
        if group.count > 1, !canRace(group) { group = [group[0]] }
        // One stimulus alone: a session id is still requested only once in `core`.
        guard canRace(group) else { return nil }
        var trial = judge
        trial.send(group)
        if trial.isInconclusive { return nil }
        if profile == .core && trial.appliedExtended { return nil }
        guard let delivered = trial.someDeliveredSystem else { return nil }
        let situation = Situation.of(group[0], in: system)
        system = delivered
        for stimulus in group where stimulus.type == .sessionRequest { noteRequested(stimulus[.session]) }
        return (trial, situation)
    }

    /// Whether stimuli may race as far as their session ids go: in `core`
    /// no id is requested twice. `race` refuses them otherwise, before
    /// anything changes.
    public func canRace(_ stimuli: [Message]) -> Bool {
        guard profile == .core else { return true }
        var sessions = Set<String>()
        for stimulus in stimuli where stimulus.type == .sessionRequest {
            let session = stimulus[.session]
            if requested.contains(session) || !sessions.insert(session).inserted { return false }
        }
        return true
    }

    /// Goes on from another state of the system (one interleaving of a race
    /// that an implementation's outputs showed), keeping what was requested.
    public mutating func `continue`(from other: ReferenceSystem) {
        system = other
    }

    /// Remembers a requested session id (and forgets the oldest, beyond
    /// `sessionMemory`, half of them at a time).
    private mutating func noteRequested(_ session: String) {
        guard requested.insert(session).inserted else { return }
        requestedSessions.append(session)
        guard let memory = sessionMemory, case let limit = max(1, memory), requestedSessions.count > 2 * limit else { return }
        let forgotten = requestedSessions.count - limit
        for old in requestedSessions[..<forgotten] { requested.remove(old) }
        requestedSessions.removeFirst(forgotten)
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

    /// Adds what another learnt since both were the same (explore's jobs
    /// each learn on a copy): a situation that led outside for either did;
    /// otherwise the longer count of tries, so that none is counted twice.
    public mutating func learn(from other: SituationRisks) {
        for index in record.indices {
            record[index] = record[index] < 0 || other.record[index] < 0 ? -1 : max(record[index], other.record[index])
        }
    }
}

/// What racing stimuli caused in one interleaving: the messages as a
/// trace places them, and the clauses that interleaving applied.
public struct RaceStep: Hashable, Sendable {
    public var entries: [Message]
    public var clauses: [Clause]
}

/// A run as a value: an administration and the stimuli from the
/// environment, in order. Everything else in its trace is what the model
/// does, so a scenario is all a shrinker needs to change.
///
/// A stimulus may race the one before it (contract section 8): it is sent
/// right after it, without waiting for what that one caused. `racing`
/// marks those, by place; empty when none races.
public struct Scenario: Hashable, Sendable {
    public var administration: Administration
    public var stimuli: [Message]
    /// Whether each stimulus races the one before it (empty: none does).
    public private(set) var racing: [Bool] = []

    public init(administration: Administration, stimuli: [Message], racing: [Bool] = []) {
        self.administration = administration
        self.stimuli = stimuli
        self.racing = racing.contains(true) ? racing : []
    }

    /// Whether the stimulus at `index` races the one before it.
    public func races(at index: Int) -> Bool { index > 0 && index < racing.count && racing[index] }

    /// Racing stimuli in the run.
    public var racingCount: Int { racing.filter { $0 }.count }

    /// Marks or unmarks the stimulus at `index` as racing the one before.
    public mutating func setRacing(_ races: Bool, at index: Int) {
        guard stimuli.indices.contains(index) else { return }
        if racing.count != stimuli.count { racing = Array(repeating: false, count: stimuli.count) }
        racing[index] = races && index > 0
        if !racing.contains(true) { racing = [] }
    }

    /// Removes stimuli (and their racing marks) by place.
    public mutating func removeStimuli(in range: Range<Int>) {
        stimuli.removeSubrange(range)
        if !racing.isEmpty {
            racing.removeSubrange(range.clamped(to: racing.indices))
            if let first = racing.first, first { racing[0] = false }
            if !racing.contains(true) { racing = [] }
        }
    }

    /// Removes the stimuli a predicate picks, with their racing marks.
    public mutating func removeStimuli(where shouldRemove: (Message) -> Bool) {
        let kept = stimuli.indices.filter { !shouldRemove(stimuli[$0]) }
        let marks = kept.map { races(at: $0) }
        stimuli = kept.map { stimuli[$0] }
        racing = marks.contains(true) ? marks : []
        if !racing.isEmpty { racing[0] = false }
    }

    /// Keeps the first `count` stimuli.
    public mutating func keepFirst(_ count: Int) {
        guard count < stimuli.count else { return }
        removeStimuli(in: count..<stimuli.count)
    }

    /// The scenario as the model plays it: only the stimuli it keeps, each
    /// still racing where it raced and the race is allowed.
    public func normalized(profile: Profile) -> Scenario {
        let played = play(profile: profile)
        return Scenario(administration: administration, stimuli: played.kept, racing: played.keptRacing)
    }

    /// Whether its trace places a stimulus while messages are owed.
    public var isRacy: Bool { racing.contains(true) }

    /// The model's run of the scenario: each stimulus followed by everything
    /// it causes. Stimuli the profile does not allow where they stand are
    /// left out (`kept` lists the others), so any edit of a scenario is
    /// still a run the contract decides.
    ///
    /// A stimulus and those racing it are played as one race
    /// (`ModelRun.race`); a race the profile does not allow is played one
    /// stimulus at a time instead.
    public func play(profile: Profile) -> (entries: [TraceEntry], kept: [Message], clauses: [Clause], keptRacing: [Bool]) {
        var run = ModelRun(administration: administration, profile: profile)
        var entries: [TraceEntry] = []
        var kept: [Message] = []
        var keptRacing: [Bool] = []
        var clauses: [Clause] = []
        var seen = Set<Clause>()
        var index = 0
        while index < stimuli.count {
            var end = index + 1
            while end < stimuli.count && races(at: end) { end += 1 }
            let group = Array(stimuli[index..<end])
            index = end
            if group.count > 1, let race = run.race(group) {
                kept += group
                keptRacing += group.indices.map { $0 > 0 }
                entries += race.entries.map { TraceEntry(message: $0) }
                for clause in race.clauses where seen.insert(clause).inserted { clauses.append(clause) }
                continue
            }
            for stimulus in group {
                guard let propagation = run.step(stimulus) else { continue }
                kept.append(stimulus)
                keptRacing.append(false)
                entries.append(TraceEntry(message: stimulus))
                for emission in propagation.emissions { entries.append(TraceEntry(message: emission.message)) }
                for clause in propagation.clauses where seen.insert(clause).inserted { clauses.append(clause) }
            }
        }
        return (entries, kept, clauses, keptRacing.contains(true) ? keptRacing : [])
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
