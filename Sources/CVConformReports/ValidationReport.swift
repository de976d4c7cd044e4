import CVConformHarness
import CVConformJSON
import CVConformModel
import CVConformTrace

/// The reports of `cvconform validate`: the JSON of contract section 6 and
/// the lines a person reads.
package enum ValidationReport {
    /// `{"traces":[{"id","file","expect","outcome","at","ok"}]}`, and
    /// `"shard":"I/N"` first when the run was sharded (RUN-27).
    package static func json(_ results: [ValidationResult], shard: Shard? = nil) -> JSONValue {
        .object((shard.map { [("shard", JSONValue.string($0.description))] } ?? []) + [
            ("traces", .array(results.map { result in
                .object([
                    ("id", .optional(result.id)),
                    ("file", .string(result.file)),
                    ("expect", .optional(result.expect?.rawValue)),
                    ("outcome", .string(result.outcome.rawValue)),
                    ("at", .optional(result.at)),
                    ("ok", .bool(result.ok)),
                ])
            })),
        ])
    }

    /// One line per trace: verdict, outcome (with position), id, file.
    /// `idWidth` (`idColumn(for:)`) keeps the files in one column.
    package static func line(_ result: ValidationResult, idWidth: Int = 36) -> String {
        let verdict = result.ok ? "ok  " : "FAIL"
        var outcome = result.outcome.rawValue
        if let at = result.at { outcome += " at \(at)" }
        let id = result.id ?? "-"
        return "\(verdict) \(outcome.padding(16)) \(id.padding(idWidth)) \(result.file)"
    }

    /// The width of the id column for these ids: at least 36, as wide as
    /// the longest id up to 64 (a longer one pushes its own line's file
    /// along, not every line's).
    package static func idColumn(for ids: some Sequence<String>) -> Int {
        min(64, ids.reduce(36) { max($0, $1.count) })
    }

    /// The explanation printed under a trace that is not ok.
    package static func details(_ result: ValidationResult) -> [String] {
        var lines: [String] = []
        if let problem = result.problem { lines.append(problem) }
        if let malformation = result.malformation, result.ok == false {
            // The problem line names the first; then every further one.
            var listing = malformation.listing
            if result.problem?.contains(malformation.description) == true { listing.removeFirst() }
            lines += listing
        }
        if let rejection = result.rejection, !result.ok {
            lines += rejection.description.split(separator: "\n").map(String.init)
        }
        if result.outcome == .incomplete && !result.ok {
            lines.append("still owed at the end:")
            lines += result.owedAtEnd.map { "  \($0.message) [\($0.clause.id)]" }
        }
        return lines.map { "     " + $0 }
    }

    /// Which clauses no `pass` trace that was judged ok exercises.
    package static func coverage(_ results: [ValidationResult]) -> [String] {
        var exercised = Set<Clause>()
        for result in results where result.expect == .pass && result.ok {
            exercised.formUnion(result.clauses)
        }
        var lines: [String] = []
        for profile in Profile.allCases {
            let wanted = Clause.allCases.filter { $0.profile == profile && !$0.isRaceOnly }
            let missing = wanted.filter { !exercised.contains($0) }
            lines.append("clause coverage (\(profile.rawValue)): \(wanted.count - missing.count) of \(wanted.count) exercised by pass traces"
                + (missing.isEmpty ? "" : "; not exercised: " + missing.map(\.id).joined(separator: ", ")))
        }
        let raceOnly = Clause.allCases.filter(\.isRaceOnly)
        let raceExercised = raceOnly.filter { exercised.contains($0) }
        lines.append("race-only clauses (reached only by racy traces, not required of a suite): \(raceExercised.count) of \(raceOnly.count) exercised by pass traces")
        return lines
    }
}
