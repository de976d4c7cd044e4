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
            guard let (stimulus, situation) = generator.next(for: run, coverage: coverage, random: &random) else { break }
            guard let propagation = run.step(stimulus) else { continue }
            coverage.record(situation, propagation)
            stimuli.append(stimulus)
        }
        return (Scenario(administration: administration, stimuli: stimuli), coverage)
    }
}

extension Scenario {
    /// The situations (abstract state, stimulus pairs) a run meets.
    public func situations(profile: Profile) -> Set<Situation> {
        var run = ModelRun(administration: administration, profile: profile)
        var met = Set<Situation>()
        for stimulus in stimuli {
            let situation = Situation.of(stimulus, in: run.system)
            if run.step(stimulus) != nil, let situation { met.insert(situation) }
        }
        return met
    }

    /// A run on ids of every tricky shape at once: agents 0101 and 101
    /// (equal as numbers), 100 and 1001 (a prefix), extensions 400, 4001,
    /// 04001 and 40010, VDNs 5000 and 05000, sessions s1 and s10. Each id
    /// must be kept as the string it is.
    public static let idShapes: Scenario = {
        let setup = Administration(
            agents: [.init(id: "0101", skills: ["10"]), .init(id: "101", skills: ["10"]),
                     .init(id: "1001", skills: ["10", "20"]), .init(id: "100", skills: ["20"])],
            stations: ["4001", "04001", "400", "40010"],
            vdns: [.init(number: "5000", skill: "10"), .init(number: "05000", skill: "20")]
        )
        let lines = [
            "browser>icm login agent=101 extension=4001",
            "browser>icm login agent=0101 extension=04001",
            "browser>icm login agent=100 extension=400",
            "browser>icm login agent=1001 extension=40010",
            "customer>icm session-request session=s1 media=messaging vdn=5000",
            "phone>ecs answer extension=4001",
            "customer>icm session-request session=s10 media=realtime vdn=05000",
            "phone>ecs answer extension=400",
            "phone>ecs hangup extension=400",
            "browser>icm release agent=101 session=s1 button=close",
            "browser>icm logout agent=0101",
            "browser>icm login agent=0101 extension=4001",
            "browser>icm login agent=01001 extension=4001",
            "phone>ecs logout-feature extension=40010",
        ]
        return Scenario(administration: setup, stimuli: lines.compactMap { try? Message(compact: $0) })
    }()
}
