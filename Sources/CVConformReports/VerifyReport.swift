import CVConformJSON
import CVConformModel
import CVConformTrace
import CVConformVerify

/// The reports of `cvconform verify`: the JSON of contract section 9 and
/// the lines a person reads.
package enum VerifyReport {
    /// What a run measured besides the result.
    package struct Measures: Sendable {
        package var elapsed: Double
        /// Peak resident memory, in bytes.
        package var memory: Int
        /// Where the counterexample was written, if it was.
        package var counterexampleFile: String?

        package init(elapsed: Double, memory: Int, counterexampleFile: String?) {
            self.elapsed = elapsed
            self.memory = memory
            self.counterexampleFile = counterexampleFile
        }
    }

    /// `{"universe":{…},"states","transitions","elapsed","invariants":[{"id","text","holds"}],
    /// "clauses":{"reached":[ids],"dead":[ids]},"counterexample": null | {"invariant","file","messages"}}`,
    /// with the profile, races, the mutant, depth, states per second and memory besides.
    package static func json(_ result: VerifyResult, _ measures: Measures) -> JSONValue {
        let universe = result.options.universe
        let seconds = (measures.elapsed * 1_000).rounded() / 1_000
        var fields: [(String, JSONValue)] = [
            ("universe", .object([("agents", .integer(universe.agents)), ("stations", .integer(universe.stations)),
                                  ("vdns", .integer(universe.vdns)), ("skills", .integer(universe.skills)),
                                  ("sessions", .integer(universe.sessions))])),
            ("profile", .string(result.options.profile.rawValue)),
            ("races", .bool(result.options.races)),
        ]
        if result.options.races { fields.append(("race_width", .integer(result.options.raceWidth))) }
        fields += [
            ("mutant", result.options.mutant.map { .string($0.id) } ?? .null),
            ("states", .integer(result.states)),
            ("transitions", .integer(result.transitions)),
            ("depth", .integer(result.depth)),
            ("complete", .bool(result.complete)),
            ("elapsed", .number(JSONNumber(seconds) ?? 0)),
            ("states_per_second", .integer(Int((Double(result.states) / max(measures.elapsed, 1e-6)).rounded()))),
            ("memory_bytes", .integer(measures.memory)),
            ("invariants", .array(result.invariants.map { entry in
                .object([("id", .string(entry.invariant.id)), ("text", .string(entry.invariant.text)), ("holds", .bool(entry.holds))])
            })),
            ("clauses", .object([("reached", .array(result.reached.map { .string($0.id) })),
                                 ("dead", .array(result.dead.map { .string($0.id) }))])),
            ("counterexample", result.counterexample.map { counterexample in
                .object([("invariant", .string(counterexample.invariant.id)),
                         ("file", measures.counterexampleFile.map(JSONValue.string) ?? .null),
                         ("messages", .integer(counterexample.messages)),
                         ("explanation", .string(counterexample.explanation))])
            } ?? .null),
        ]
        return .object(fields)
    }

    /// The summary a person reads.
    package static func lines(_ result: VerifyResult, _ measures: Measures) -> [String] {
        let options = result.options
        let subject = options.mutant.map { "mutant \($0.id) (\($0.summary))" } ?? "the reference model"
        let semantics = options.races
            ? "with races (asynchronous semantics, up to \(options.raceWidth) stimuli before quiescence)"
            : "serially (each stimulus after quiescence)"
        var lines = [
            "verify: \(subject), profile \(options.profile.rawValue), \(semantics)",
            "universe: \(options.universe)",
            "\(result.states) states, \(result.transitions) transitions, depth \(result.depth), "
                + "\(format(measures.elapsed)) s, \(Int(Double(result.states) / max(measures.elapsed, 1e-6))) states/s, "
                + "\(measures.memory / 1_048_576) MB",
        ]
        if !result.complete { lines.append("INCOMPLETE: the state limit was reached; what follows holds for the states seen") }
        for entry in result.invariants {
            lines.append("  \(entry.holds ? "holds " : "BROKEN") \(entry.invariant.id)  \(entry.invariant.text)")
        }
        let raceOnly = result.dead.filter(\.isRaceOnly)
        let otherDead = result.dead.filter { !$0.isRaceOnly }
        lines.append("clauses: \(result.reached.filter { $0.profile == .core || options.profile == .extended }.count) reached, "
                     + "\(result.dead.count) dead" + (result.dead.isEmpty ? "" : ": " + result.dead.map(\.id).joined(separator: " ")))
        if !options.races && !raceOnly.isEmpty {
            lines.append("  (\(raceOnly.map(\.id).joined(separator: " ")) \(raceOnly.count == 1 ? "needs" : "need") racing messages: try --races)")
        }
        if !otherDead.isEmpty {
            lines.append("  dead clauses are rules no state of this universe reaches: a larger universe, or a spec defect")
        }
        if let counterexample = result.counterexample {
            lines.append("counterexample to \(counterexample.invariant.id), \(counterexample.messages) messages"
                         + (measures.counterexampleFile.map { ": \($0)" } ?? " (give --output DIR to write it as a trace)"))
            lines.append("  " + counterexample.explanation)
        }
        return lines
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return String(rounded)
    }
}
