import CVConformModel

/// The coverage a run reads and adds to: `seen` is what the exploration
/// had reached when the run was due plus the run's own steps (what steers
/// it), `own` the run's steps alone (what it adds to the exploration).
struct RunCoverage {
    private(set) var seen: ExplorationCoverage
    private(set) var own = ExplorationCoverage()

    init(startingFrom coverage: ExplorationCoverage) { seen = coverage }

    mutating func record(_ situation: Situation?, _ propagation: Propagation) {
        seen.record(situation, propagation)
        own.record(situation, propagation)
    }

    mutating func record(clauses: [Clause]) {
        seen.record(clauses: clauses)
        own.record(clauses: clauses)
    }
}
