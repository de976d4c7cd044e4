import CVConformModel
import CVConformTrace

extension Mutant {
    /// Where a run tells the mutant from the reference: the index of the
    /// first stimulus after which the two send different messages on some
    /// channel; nil when they agree all along. The stimuli the profile does
    /// not allow where they stand are left out, as `Scenario.play` does.
    public func distinguishes(_ scenario: Scenario, profile: Profile) -> Int? {
        var reference = ModelRun(administration: scenario.administration, profile: profile)
        var mutated = LateMutant(self, administration: scenario.administration)
        var index = 0
        for stimulus in scenario.stimuli {
            let before = reference.system
            guard let expected = reference.step(stimulus) else { continue }
            if !mutated.agrees(taking: stimulus, from: before, withReferenceSending: expected) { return index }
            index += 1
        }
        return nil
    }

    /// Whether the mutant acts as the reference on every delivery whose
    /// reaction neither applies nor sends under the mutant's clause: so for
    /// every change made around that clause's reactions. Not for the
    /// switch's choices or the reading of ids, which act anywhere, nor for
    /// the unchecked button, which acts on any release.
    var actsOnlyUnderItsClause: Bool {
        switch change {
        case .omit, .duplicate, .swap, .redirect, .replaceWord, .replaceID, .skipStateChange, .ignoreStimulus:
            return true
        case .reactToIgnored:
            return clause != .icmReleaseIgnored
        case .variation, .idsAsNumbers:
            return false
        }
    }

    /// Whether a propagation applied a clause or sent a message under it.
    static func applies(_ clause: Clause, in propagation: Propagation) -> Bool {
        propagation.clauses.contains(clause) || propagation.emissions.contains { $0.clause == clause }
    }

    /// A behaviour print: what the mutant sends for each stimulus of some
    /// runs, hashed. Mutants with the same print behave alike on every one
    /// of them, and are taken as duplicates of one another.
    public func fingerprint(_ runs: FingerprintRuns) -> [Int] {
        runs.print(of: self)
    }

    /// Shortens a distinguishing run, in the model alone: removes stimuli
    /// (chunks, then one by one) while the run still tells the mutant from
    /// the reference.
    public func shorten(_ witness: Scenario, profile: Profile) -> Scenario {
        guard let first = distinguishes(witness, profile: profile) else { return witness }
        var removal = ChunkRemoval(Scenario(administration: witness.administration,
                                            stimuli: Array(witness.play(profile: profile).kept.prefix(first + 1))))
        while let candidate = removal.next() {
            guard let at = distinguishes(candidate, profile: profile) else { continue }
            removal.accept(Scenario(administration: candidate.administration, stimuli: Array(candidate.play(profile: profile).kept.prefix(at + 1))))
        }
        return removal.best
    }
}

/// A mutant run beside the reference, started only where the reference
/// first applies its clause (from the start for a mutant that may act
/// anywhere): until then it is in the reference's state, so running it
/// would only repeat the reference.
struct LateMutant: Sendable {
    let mutant: Mutant
    let administration: Administration
    /// Nil until the mutant is started.
    private(set) var system: MutatedSystem?

    init(_ mutant: Mutant, administration: Administration, fromStart: Bool = false) {
        self.mutant = mutant
        self.administration = administration
        if fromStart || !mutant.actsOnlyUnderItsClause { system = MutatedSystem(mutant, administration: administration) }
    }

    /// Takes a stimulus the reference took from `before`, sending
    /// `expected`; whether the mutant sends the same on every channel.
    mutating func agrees(taking stimulus: Message, from before: ReferenceSystem, withReferenceSending expected: Propagation) -> Bool {
        if system == nil && Mutant.applies(mutant.clause, in: expected) {
            system = MutatedSystem(mutant, administration: administration, system: before)
        }
        guard var started = system else { return true }
        let actual = started.propagate(stimulus)
        system = started
        return DistinguishingSearch.sameOnEveryChannel(expected.emissions, actual.emissions)
    }
}

/// The runs behaviour prints are taken on: fixed, so prints (and the
/// duplicates they find) are the same in every run. The reference's print
/// is taken once, keeping its state before every stimulus: a mutant that
/// acts only under its clause behaves as the reference until the reference
/// first applies that clause, so its print goes on from there.
public struct FingerprintRuns: Sendable {
    /// One run as the reference played it.
    private struct Recorded: Sendable {
        var administration: Administration
        var stimuli: [Message]
        /// Before each stimulus: the reference's state, and the print so far.
        var systems: [ReferenceSystem] = []
        var hashers: [Hasher] = []
        /// Each stimulus's clauses, applied or sent under, a bit per ordinal.
        var clauses: [UInt64] = []
        var print = 0
    }

    private let runs: [Recorded]
    /// The reference's print.
    public let referencePrint: [Int]

    /// Runs made from fixed seeds; every stimulus of them is allowed.
    public init(count: Int = 48, length: Int = 40, profile: Profile) {
        self.init((0..<count).map { Scenario.generated(seed: 0xF1_0000 + UInt64($0), length: length, profile: profile).scenario })
    }

    /// Runs whose stimuli are all allowed (`Scenario.generated`'s).
    public init(_ scenarios: [Scenario]) {
        runs = scenarios.map { scenario in
            var recorded = Recorded(administration: scenario.administration, stimuli: scenario.stimuli)
            var system = ReferenceSystem(administration: scenario.administration)
            var hasher = Hasher()
            for stimulus in scenario.stimuli {
                recorded.systems.append(system)
                recorded.hashers.append(hasher)
                let propagation = Self.take(stimulus, on: &system, into: &hasher)
                var clauses: UInt64 = 0
                for clause in propagation.clauses { clauses |= 1 << UInt64(clause.ordinal) }
                for emission in propagation.emissions { clauses |= 1 << UInt64(emission.clause.ordinal) }
                recorded.clauses.append(clauses)
            }
            recorded.print = hasher.finalize()
            return recorded
        }
        referencePrint = runs.map(\.print)
    }

    /// The scenarios the prints are taken on.
    public var scenarios: [Scenario] {
        runs.map { Scenario(administration: $0.administration, stimuli: $0.stimuli) }
    }

    /// A mutant's print.
    func print(of mutant: Mutant) -> [Int] {
        let clause: UInt64 = 1 << UInt64(mutant.clause.ordinal)
        return runs.map { run in
            guard !run.stimuli.isEmpty else { return run.print }
            var start = 0
            if mutant.actsOnlyUnderItsClause {
                guard let first = run.clauses.firstIndex(where: { $0 & clause != 0 }) else { return run.print }
                start = first
            }
            var system = start == 0 ? MutatedSystem(mutant, administration: run.administration)
                : MutatedSystem(mutant, administration: run.administration, system: run.systems[start])
            var hasher = run.hashers[start]
            for stimulus in run.stimuli[start...] { _ = Self.take(stimulus, on: &system, into: &hasher) }
            return hasher.finalize()
        }
    }

    /// One stimulus of a print: what it sends, then a mark.
    private static func take<System: MessageDelivering>(_ stimulus: Message, on system: inout System, into hasher: inout Hasher) -> Propagation {
        let propagation = system.propagate(stimulus)
        for emission in propagation.emissions { hasher.combine(emission.message) }
        hasher.combine(0)
        return propagation
    }
}
