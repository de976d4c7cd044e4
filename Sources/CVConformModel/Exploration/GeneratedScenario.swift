import CVConformTrace

extension Scenario {
    /// A run as `explore` makes one, from the model alone: a random
    /// administration and `length` stimuli chosen by the generator, with the
    /// coverage it reached.
    public static func generated(seed: UInt64, length: Int, profile: Profile = .core) -> (scenario: Scenario, coverage: ExplorationCoverage) {
        var random = SeededRandom(seed: seed)
        let generated = AdministrationGenerator.make(random: &random, extended: profile == .extended)
        return generated.walk(length: length, profile: profile, random: &random)
    }
}

extension GeneratedAdministration {
    /// `length` stimuli on this administration, chosen by the generator.
    public func walk(length: Int, profile: Profile, random: inout SeededRandom) -> (scenario: Scenario, coverage: ExplorationCoverage) {
        var generator = StimulusGenerator(generated: self, profile: profile, random: &random)
        var run = ModelRun(administration: administration, profile: profile)
        var coverage = ExplorationCoverage()
        var stimuli: [Message] = []
        var attempts = 0
        while stimuli.count < length && attempts < length * 4 {
            attempts += 1
            guard let stimulus = generator.next(for: run, coverage: coverage, random: &random) else { break }
            let situation = Situation.of(stimulus, in: run.system)
            guard let propagation = run.step(stimulus) else { continue }
            coverage.record(situation, propagation)
            stimuli.append(stimulus)
        }
        return (Scenario(administration: administration, stimuli: stimuli), coverage)
    }
}
