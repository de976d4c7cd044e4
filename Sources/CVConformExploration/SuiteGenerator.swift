import CVConformCells
import CVConformHarness
import CVConformModel
import CVConformMutation
import CVConformTrace

/// A suite written from the model alone (contract section 7, `generate`).
package struct GeneratedSuite: Sendable {
    package var traces: [Trace]
    /// Mutants no generated trace kills and no run within the bound tells
    /// from the reference.
    package var equivalent: [Mutant]
    /// Mutants counted (duplicates by behaviour left out).
    package var mutants: Int
    /// Clauses reachable without races that the suite exercises, and those
    /// it does not (none, unless the bound was too small).
    package var covered: [Clause]
    package var uncovered: [Clause]
}

/// Writes a suite of non-racing pass traces from the model alone: traces
/// that together exercise every clause reachable without races and kill
/// every mutant that is not equivalent, as few as it can, then as short as
/// it can. Candidates are runs `explore` would make (from the seed) and the
/// shortest runs the bounded search finds for each mutant and each clause
/// the random runs miss; a greedy cover picks among them, and each chosen
/// run is then shortened while it still does its share.
package enum SuiteGenerator {
    package static func generate(seed: UInt64, profile: Profile = .core, bound: DistinguishingSearch.Bound = .init(),
                                jobs: Int = 2, randomRuns: Int = 48, printRuns: Int = 48) async -> GeneratedSuite {
        // The mutants, one per behaviour (as `mutate` counts them).
        let catalog = Mutant.catalog(profile: profile)
        let printed = FingerprintRuns(count: printRuns, profile: profile)
        let prints = printed.scenarios
        let fingerprints = await inParallel(catalog, jobs: jobs) { $0.fingerprint(printed) }
        let referencePrint = printed.referencePrint
        var seen = Set<[Int]>()
        let mutants = zip(catalog, fingerprints).filter { $0.1 == referencePrint || seen.insert($0.1).inserted }.map(\.0)
        let reachable = ExplorationCoverage.reachable(in: profile)

        // Candidates: random runs from the seed, on the search's small
        // administration (readable ids) and on random ones (tricky ids).
        var random = SeededRandom(seed: seed)
        var candidates: [Scenario] = []
        for index in 0..<randomRuns {
            var runRandom = random.split()
            let generated = index % 2 == 0
                ? GeneratedAdministration(administration: DistinguishingSearch.administration, unknownAgents: ["1009"], unknownExtensions: ["4009"])
                : AdministrationGenerator.make(random: &runRandom, extended: profile == .extended)
            candidates.append(generated.walk(length: 12 + runRandom.below(28), profile: profile, random: &runRandom).scenario)
        }
        var kills = await killSets(candidates, mutants: mutants, profile: profile, jobs: jobs)
        // The mutants and clauses no random run reaches: a behaviour-print run
        // that tells them apart (shortened), else a shortest run of the search.
        let missedMutants = mutants.filter { mutant in !kills.contains { $0.mutants.contains(mutant.id) } }
        let witnesses = await inParallel(missedMutants, jobs: jobs) { mutant -> Scenario? in
            if let run = prints.first(where: { mutant.distinguishes($0, profile: profile) != nil }) {
                return mutant.shorten(run, profile: profile)
            }
            return DistinguishingSearch.search(mutant, profile: profile, bound: bound).witness
        }
        let found = witnesses.compactMap { $0 }
        let equivalent = zip(missedMutants, witnesses).filter { $0.1 == nil }.map(\.0)
        kills += await killSets(found, mutants: mutants, profile: profile, jobs: jobs)
        candidates += found
        let missedClauses = reachable.filter { clause in !kills.contains { $0.clauses.contains(clause) } }
        let reaching = await inParallel(missedClauses, jobs: jobs) { DistinguishingSearch.reach($0, profile: profile, bound: bound) }.compactMap { $0 }
        kills += await killSets(reaching, mutants: mutants, profile: profile, jobs: jobs)
        candidates += reaching
        let missedSituations = Situation.all(in: profile).filter { situation in !kills.contains { $0.situations.contains(situation) } }
        let meeting = await inParallel(missedSituations, jobs: jobs) { DistinguishingSearch.reach($0, profile: profile, bound: bound) }.compactMap { $0 }
        kills += await killSets(meeting, mutants: mutants, profile: profile, jobs: jobs)
        candidates += meeting

        // First, ids of every tricky shape (no mutant reads ids this way);
        // then a greedy cover: the candidate doing the most of what is left
        // (mutants to kill, clauses and situations to reach), the shorter
        // among equals. Situations matter beyond mutants: a real mistake is
        // seldom exactly a mutant, and meeting every (state, stimulus) pair
        // is what catches the rest.
        let shapes = (await killSets([Scenario.idShapes], mutants: mutants, profile: profile, jobs: jobs))[0]
        var wantedMutants = Set(kills.flatMap(\.mutants)).subtracting(shapes.mutants)
        var wantedClauses = Set(kills.flatMap(\.clauses)).intersection(reachable).subtracting(shapes.clauses)
        var wantedSituations = Set(kills.flatMap(\.situations)).subtracting(shapes.situations)
        var chosen: [(scenario: Scenario, mutants: Set<String>, clauses: Set<Clause>, situations: Set<Situation>)] = []
        while !wantedMutants.isEmpty || !wantedClauses.isEmpty || !wantedSituations.isEmpty {
            let gains = kills.map {
                $0.mutants.intersection(wantedMutants).count + $0.clauses.intersection(wantedClauses).count
                    + $0.situations.intersection(wantedSituations).count
            }
            guard let best = gains.indices.max(by: { (gains[$0], -candidates[$0].stimuli.count, -$0) < (gains[$1], -candidates[$1].stimuli.count, -$1) }),
                  gains[best] > 0 else { break }
            let share = (kills[best].mutants.intersection(wantedMutants), kills[best].clauses.intersection(wantedClauses),
                         kills[best].situations.intersection(wantedSituations))
            chosen.append((candidates[best], share.0, share.1, share.2))
            wantedMutants.subtract(share.0)
            wantedClauses.subtract(share.1)
            wantedSituations.subtract(share.2)
        }
        // Each chosen run as short as it can be while it does its share.
        let byID = Dictionary(uniqueKeysWithValues: mutants.map { ($0.id, $0) })
        let shares = chosen
        let shortened = await inParallel(shares.indices.map { $0 }, jobs: jobs) { index in
            shorten(shares[index].scenario, mutants: shares[index].mutants.compactMap { byID[$0] }, clauses: shares[index].clauses,
                    situations: shares[index].situations, profile: profile)
        }
        var traces = [trace(Scenario.idShapes, number: 0, seed: seed, profile: profile, mutants: shapes.mutants.sorted().compactMap { byID[$0] },
                            clauses: shapes.clauses, title: "ids of every tricky shape: 0101 and 101, 100 and 1001, 400 and 4001, s1 and s10")]
        for (number, scenario) in shortened.enumerated() {
            let share = chosen[number]
            traces.append(trace(scenario, number: number + 1, seed: seed, profile: profile,
                                mutants: share.mutants.sorted().compactMap { byID[$0] }, clauses: share.clauses))
        }
        let covered = Set((shortened + [Scenario.idShapes]).flatMap { $0.play(profile: profile).clauses })
        return GeneratedSuite(traces: traces, equivalent: equivalent, mutants: mutants.count,
                              covered: reachable.filter(covered.contains), uncovered: reachable.filter { !covered.contains($0) })
    }

    /// What each run kills and covers.
    private static func killSets(_ scenarios: [Scenario], mutants: [Mutant], profile: Profile, jobs: Int) async
        -> [(mutants: Set<String>, clauses: Set<Clause>, situations: Set<Situation>)] {
        await inParallel(scenarios, jobs: jobs) { scenario in
            (Set(mutants.filter { $0.distinguishes(scenario, profile: profile) != nil }.map(\.id)),
             Set(scenario.play(profile: profile).clauses), scenario.situations(profile: profile))
        }
    }

    /// Removes stimuli (chunks, then one at a time) while the run still
    /// kills its mutants and meets its clauses and situations.
    static func shorten(_ scenario: Scenario, mutants: [Mutant], clauses: Set<Clause>, situations: Set<Situation>,
                        profile: Profile) -> Scenario {
        func doesItsShare(_ candidate: Scenario) -> Bool {
            clauses.isSubset(of: candidate.play(profile: profile).clauses)
                && situations.isSubset(of: candidate.situations(profile: profile))
                && mutants.allSatisfy { $0.distinguishes(candidate, profile: profile) != nil }
        }
        var removal = ChunkRemoval(Scenario(administration: scenario.administration, stimuli: scenario.play(profile: profile).kept))
        while let removed = removal.next() {
            let candidate = Scenario(administration: removed.administration, stimuli: removed.play(profile: profile).kept)
            if doesItsShare(candidate) { removal.accept(candidate) }
        }
        return removal.best
    }

    private static func trace(_ scenario: Scenario, number: Int, seed: UInt64, profile: Profile, mutants: [Mutant], clauses: Set<Clause>,
                              title: String? = nil) -> Trace {
        let played = scenario.play(profile: profile)
        let main = played.clauses.first { clauses.contains($0) } ?? mutants.first?.clause ?? played.clauses.last
        let number = (number < 10 ? "0" : "") + String(number)
        var header = TraceHeader(id: "generated-\(number)" + (title != nil ? "-id-shapes" : main.map { "-" + $0.id.lowercased() } ?? ""),
                                 profile: profile)
        let kinds = Set(scenario.stimuli.compactMap(StimulusKind.init)).sorted().map(\.rawValue).joined(separator: ", ")
        header.title = "Generated from the model (seed \(seed)): " + (title ?? "\(scenario.stimuli.count) stimuli (\(kinds))")
        var description = "Written by cvconform generate --seed \(seed) from the reference model alone."
        if !clauses.isEmpty { description += " It exercises \(clauses.sorted().map(\.id).joined(separator: ", ")), which the traces before it do not." }
        if !mutants.isEmpty {
            description += " It kills \(mutants.count) mutant\(mutants.count == 1 ? "" : "s") the traces before it let through: "
                + mutants.prefix(12).map(\.id).joined(separator: ", ") + (mutants.count > 12 ? ", …" : "") + "."
        }
        header.description = description
        header.tags = ["generated", "seed-\(seed)"]
        header.covers = played.clauses.map(\.id)
        return scenario.trace(header: header, profile: profile)
    }
}
