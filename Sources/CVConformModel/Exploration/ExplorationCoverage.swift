import CVConformTrace

/// What an exploration has reached: the clauses applied and how often each
/// (situation, stimulus) pair was met.
public struct ExplorationCoverage: Sendable {
    private var clauseSeen = Array(repeating: false, count: Clause.allCases.count)
    public private(set) var clauses: [Clause] = []
    /// Visits per situation, by its dense index (no hashing: this is read
    /// for every candidate stimulus).
    private var pairVisits = Array(repeating: 0, count: Situation.indexCount)
    public private(set) var situationsReached: [Situation] = []

    public init() {}

    public func visits(of situation: Situation) -> Int { pairVisits[situation.index] }

    public mutating func record(_ situation: Situation?, _ propagation: Propagation) {
        if let situation {
            if pairVisits[situation.index] == 0 {
                let position = situationsReached.firstIndex { $0 > situation } ?? situationsReached.endIndex
                situationsReached.insert(situation, at: position)
            }
            pairVisits[situation.index] += 1
        }
        for clause in propagation.clauses where !clauseSeen[clause.ordinal] {
            clauseSeen[clause.ordinal] = true
            clauses.append(clause)
        }
    }

    /// Adds what another part of the exploration reached (a run explored
    /// on its own, from this coverage as it stood then): visits add up,
    /// and its new clauses and situations join in the order it met them.
    public mutating func merge(_ other: ExplorationCoverage) {
        for situation in other.situationsReached where pairVisits[situation.index] == 0 {
            let position = situationsReached.firstIndex { $0 > situation } ?? situationsReached.endIndex
            situationsReached.insert(situation, at: position)
        }
        for index in other.pairVisits.indices { pairVisits[index] += other.pairVisits[index] }
        record(clauses: other.clauses)
    }

    /// Clauses some interleaving applied (a race judged online).
    public mutating func record(clauses applied: [Clause]) {
        for clause in applied where !clauseSeen[clause.ordinal] {
            clauseSeen[clause.ordinal] = true
            clauses.append(clause)
        }
    }

    /// The clauses of a profile that no non-racing run can reach are not
    /// counted against coverage.
    public static func reachable(in profile: Profile) -> [Clause] {
        Clause.allCases.filter { !$0.isRaceOnly && ($0.profile == .core || profile == .extended) }
    }
}
