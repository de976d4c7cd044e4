import CVConformTrace

extension Mutant {
    /// Where a run tells the mutant from the reference: the index of the
    /// first stimulus after which the two send different messages on some
    /// channel; nil when they agree all along. The stimuli the profile does
    /// not allow where they stand are left out, as `Scenario.play` does.
    public func distinguishes(_ scenario: Scenario, profile: Profile) -> Int? {
        var reference = ModelRun(administration: scenario.administration, profile: profile)
        var mutated = MutatedSystem(self, administration: scenario.administration)
        var index = 0
        for stimulus in scenario.stimuli {
            guard let expected = reference.step(stimulus) else { continue }
            let actual = mutated.propagate(stimulus)
            if !DistinguishingSearch.sameOnEveryChannel(expected.emissions, actual.emissions) { return index }
            index += 1
        }
        return nil
    }

    /// A behaviour print: what the mutant sends for each stimulus of some
    /// runs, hashed. Mutants with the same print behave alike on every one
    /// of them, and are taken as duplicates of one another.
    public func fingerprint(_ scenarios: [Scenario], profile: Profile) -> [Int] {
        FingerprintRuns.print(scenarios, profile: profile) { MutatedSystem(self, administration: $0) }
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

/// The runs behaviour prints are taken on: fixed, so prints (and the
/// duplicates they find) are the same in every run.
public enum FingerprintRuns {
    public static func make(count: Int = 48, length: Int = 40, profile: Profile) -> [Scenario] {
        (0..<count).map { Scenario.generated(seed: 0xF1_0000 + UInt64($0), length: length, profile: profile).scenario }
    }

    /// The behaviour print of a system (the reference, or a mutant) on runs
    /// the reference allows (each run's stimuli are all allowed: the runs
    /// come from `make`).
    public static func print<System: MessageDelivering>(
        _ scenarios: [Scenario], profile: Profile, system makeSystem: (Administration) -> System
    ) -> [Int] {
        scenarios.map { scenario in
            var system = makeSystem(scenario.administration)
            var hasher = Hasher()
            for stimulus in scenario.stimuli {
                for emission in system.propagate(stimulus).emissions { hasher.combine(emission.message) }
                hasher.combine(0)
            }
            return hasher.finalize()
        }
    }
}
