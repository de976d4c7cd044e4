import CVConformExploration
import CVConformHarness
import CVConformJSON
import CVConformModel
import CVConformMutation
import CVConformTrace

/// The reports of `cvconform mutate`: the JSON of contract section 7, the
/// terminal's score and survivors, an HTML clause × operator matrix, and the
/// traces `--augment` writes.
package struct MutationReport: Sendable {
    package var results: [MutantResult]
    package var profile: Profile
    package var bound: DistinguishingSearch.Bound
    /// The ids of the traces replayed.
    package var traces: [String]
    /// Whether each mutant was also checked by `verify` (`--invariants`).
    package var invariantsChecked: Bool

    package init(results: [MutantResult], profile: Profile, bound: DistinguishingSearch.Bound, traces: [String],
                invariantsChecked: Bool = false) {
        self.invariantsChecked = invariantsChecked
        self.results = results
        self.profile = profile
        self.bound = bound
        self.traces = traces
    }

    package var mutants: Int { results.count }
    package var killed: Int { results.filter(\.killed).count }
    package var equivalent: Int { results.filter(\.equivalent).count }
    package var survivors: [MutantResult] { results.filter { !$0.killed && !$0.equivalent } }

    /// killed / (mutants − equivalent); 1 when nothing is left to kill.
    package var score: Double {
        let counted = mutants - equivalent
        return counted == 0 ? 1 : Double(killed) / Double(counted)
    }

    // MARK: - JSON

    /// `{"summary":{"mutants","killed","survived","equivalent","score"},"mutants":[{"id","clause","operator",
    /// "description","killed","killed_by","equivalent"}]}`, with the search bound, the profile, the traces
    /// replayed and each mutant's duplicates besides, and with `--invariants` the invariant each breaks
    /// (`"breaks": "INV-n" | null`). `survived` counts every mutant not killed, the equivalent ones too.
    package func json() -> JSONValue {
        .object([
            ("summary", .object([
                ("mutants", .integer(mutants)),
                ("killed", .integer(killed)),
                ("survived", .integer(mutants - killed)),
                ("equivalent", .integer(equivalent)),
                ("score", .number(JSONNumber((score * 10_000).rounded() / 10_000) ?? 0)),
            ])),
            ("mutants", .array(results.map { result in
                .object([
                    ("id", .string(result.mutant.id)),
                ] + (invariantsChecked ? [("breaks", result.breaks.map { .string($0.id) } ?? .null)] : []) + [
                    ("clause", .string(result.mutant.clause.id)),
                    ("operator", .string(result.mutant.mutation.rawValue)),
                    ("description", .string(result.mutant.summary)),
                    ("killed", .bool(result.killed)),
                    ("killed_by", .array(result.killedBy.map(JSONValue.string))),
                    ("equivalent", .bool(result.equivalent)),
                    ("duplicates", .array(result.duplicates.map { .string($0.id) })),
                ])
            })),
            ("profile", .string(profile.rawValue)),
            ("equivalence_bound", .string(bound.description)),
            ("traces", .integer(traces.count)),
        ])
    }

    // MARK: - Terminal

    /// Score, per clause, survivors, equivalent mutants.
    package func lines() -> [String] {
        var lines = ["mutation score: \(percent(score)) (\(killed) killed of \(mutants) mutants, \(equivalent) equivalent, "
                     + "\(survivors.count) surviving); \(traces.count) traces replayed, profile \(profile.rawValue)"]
        lines.append("per clause (killed / mutants, equivalent left out):")
        for (clause, group) in byClause() {
            let counted = group.filter { !$0.equivalent }
            let dead = counted.filter(\.killed).count
            let mark = dead == counted.count ? "  " : "✗ "
            lines.append("  \(mark)\(clause.id.padding(22)) \(dead)/\(counted.count)")
        }
        if !survivors.isEmpty {
            lines.append("surviving mutants (no trace notices the mistake):")
            for result in survivors { lines.append("  \(result.mutant.id): \(result.mutant.summary)\(breaksNote(result))") }
        }
        if invariantsChecked {
            let breaking = results.filter { $0.breaks != nil }
            lines.append("invariants: \(breaking.count) of \(mutants) mutants break one in verify's default universe "
                         + "(\(breaking.filter { !$0.killed && !$0.equivalent }.count) of them survive the suite; "
                         + "cvconform verify --mutant ID --output DIR writes a counterexample)")
        }
        let equivalents = results.filter(\.equivalent)
        if !equivalents.isEmpty {
            lines.append("equivalent mutants (no run tells them from the reference; searched: \(bound)):")
            for result in equivalents { lines.append("  \(result.mutant.id): \(result.mutant.summary)") }
        }
        let duplicates = results.reduce(0) { $0 + $1.duplicates.count }
        if duplicates > 0 { lines.append("\(duplicates) more mutants behave exactly like one above and are not counted (see --json)") }
        return lines
    }

    /// ` (breaks INV-n)` when verify found the mutant breaking an invariant.
    func breaksNote(_ result: MutantResult) -> String {
        result.breaks.map { " (breaks \($0.id))" } ?? ""
    }

    func byClause() -> [(Clause, [MutantResult])] {
        var groups: [Clause: [MutantResult]] = [:]
        for result in results { groups[result.mutant.clause, default: []].append(result) }
        return groups.keys.sorted().map { ($0, groups[$0] ?? []) }
    }

    package func percent(_ value: Double) -> String {
        let tenths = Int((value * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    // MARK: - Traces that kill survivors

    /// Traces that kill every surviving mutant that is not equivalent: each
    /// a short pass trace of what the model does, written from the shortest
    /// run found that tells a mutant from the reference. Where one run tells
    /// several survivors apart, one trace serves them all (chosen greedily),
    /// and its description names each.
    package func augmentingTraces() -> [Trace] {
        let targets = survivors.filter { $0.witness != nil }
        let witnesses = targets.compactMap(\.witness)
        // Which targets each witness kills, run once: a round of the greedy
        // choice only narrows these sets to the targets still open.
        let killsBy = witnesses.map { witness in
            targets.indices.filter { targets[$0].mutant.distinguishes(witness, profile: profile) != nil }
        }
        var open = Array(repeating: true, count: targets.count)
        var traces: [Trace] = []
        while open.contains(true) {
            // Among the witnesses of open survivors, the one that kills the
            // most of them; the shortest among equals, the first among those.
            var best: (index: Int, kills: [Int])?
            for index in witnesses.indices where open[index] {
                let kills = killsBy[index].filter { open[$0] }
                guard let current = best else {
                    best = (index, kills)
                    continue
                }
                if (current.kills.count, -witnesses[current.index].stimuli.count) < (kills.count, -witnesses[index].stimuli.count) {
                    best = (index, kills)
                }
            }
            guard let best, !best.kills.isEmpty else { break }
            traces.append(trace(witnesses[best.index], killing: best.kills.map { targets[$0].mutant }))
            for target in best.kills { open[target] = false }
        }
        return traces
    }

    private func trace(_ witness: Scenario, killing mutants: [Mutant]) -> Trace {
        let primary = mutants[0]
        let id = ("kills-" + primary.id.lowercased()).map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            .split(separator: "-").joined(separator: "-")
        var header = TraceHeader(id: String(id.prefix(72)), profile: profile)
        header.title = "Kills mutant \(primary.id)" + (mutants.count > 1 ? " and \(mutants.count - 1) more" : "")
        let named = mutants.map { "\($0.id) (\($0.summary))" }.joined(separator: "; ")
        header.description = "Mutants of the reference model that every other trace of the suite lets through: \(named). "
            + "This trace fails each of them. The rule: \(primary.clause.id), \(primary.clause.summary). "
            + "Written by cvconform mutate --augment from the shortest run found that tells them from the reference."
        header.tags = ["mutation", primary.clause.role.rawValue]
        var trace = witness.trace(header: header, profile: profile)
        let exercised = witness.play(profile: profile).clauses
        let first = mutants.map(\.clause).filter { exercised.contains($0) }
        var covers: [Clause] = []
        for clause in first + exercised where !covers.contains(clause) { covers.append(clause) }
        trace.header.covers = covers.map(\.id)
        return trace
    }
}
