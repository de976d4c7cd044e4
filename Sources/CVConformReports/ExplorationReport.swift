import CVConformExploration
import CVConformHarness
import CVConformJSON
import CVConformModel
import CVConformTrace

/// The reports of `cvconform explore`: the JSON of contract section 7, the
/// trace file of a finding, and the lines a person reads.
package enum ExplorationReport {
    /// `{"implementation","seed","stimuli","elapsed","coverage":{"clauses":[…]},"found":null|{…}}`,
    /// with more fields: the profile, the runs, the situations reached,
    /// and for a finding its confirmation and shrinking.
    package static func json(_ result: ExplorationResult, file: String?) -> JSONValue {
        let reachable = ExplorationCoverage.reachable(in: result.profile)
        let reached = result.coverage.situationsReached
        var fields: [(String, JSONValue)] = [
            ("implementation", .string(result.implementation)),
            ("seed", .integer(Int(truncatingIfNeeded: result.seed))),
            ("stimuli", .integer(result.stimuli)),
            ("elapsed", .number(JSONNumber(seconds: result.elapsed))),
            ("coverage", .object([
                ("clauses", .array(result.coverage.clauses.sorted().map { .string($0.id) })),
                ("clauses_reachable", .integer(reachable.count)),
                ("clauses_not_reached", .array(reachable.filter { !result.coverage.clauses.contains($0) }.map { .string($0.id) })),
                ("situations_reached", .integer(reached.count)),
                ("situations", .integer(Situation.all(in: result.profile).count)),
            ])),
            ("profile", .string(result.profile.rawValue)),
            ("runs", .integer(result.runs)),
            ("races", .integer(result.races)),
            ("jobs", .integer(result.jobs)),
        ]
        if !result.notes.isEmpty { fields.append(("notes", .array(result.notes.map { .string($0) }))) }
        if let failure = result.startFailure {
            fields.append(("error", .string("the implementation did not start: \(failure.message)")))
        }
        guard let finding = result.finding else {
            fields.insert(("found", .null), at: 5)
            return .object(fields)
        }
        var found: [(String, JSONValue)] = [
            ("file", .optional(file)),
            ("messages", .integer(finding.trace.entries.count)),
            ("stimuli", .integer(finding.shrunk.stimuli.count)),
            ("unshrunk_messages", .integer(finding.originalMessages)),
            ("divergence", .string(finding.result.detail)),
            ("unshrunk_stimuli", .integer(finding.original.stimuli.count)),
            ("signature", .string(finding.signature.description)),
            ("headline", .string(finding.headline)),
            ("clause", .optional(finding.result.divergence?.clause?.id)),
            ("reproduced", .bool(finding.reproduced)),
            ("confirmed", .integer(finding.confirmedFailures)),
            ("confirmations", .integer(finding.confirmationRuns)),
            ("flaky", .bool(finding.isFlaky)),
            ("racy", .bool(finding.trace.isRacy)),
        ]
        if let shrinking = finding.shrinking {
            found.append(("shrinking", .object([
                ("candidates", .integer(shrinking.candidates)),
                ("elapsed", .number(JSONNumber(seconds: shrinking.elapsed))),
                ("stopped_early", .bool(shrinking.stoppedEarly)),
                ("steps", .array(shrinking.steps.map(JSONValue.string))),
            ])))
        }
        fields.insert(("found", .object(found)), at: 5)
        return .object(fields)
    }

    /// The finding as a trace file ready to drop into `traces/`: what the
    /// model does, with what the implementation did instead in its
    /// description, the clauses it covers and the seed.
    package static func findingTrace(_ finding: Finding, result: ExplorationResult, command: String) -> Trace {
        var trace = finding.trace
        let clause = finding.result.divergence?.clause
        trace.header.id = "explore-\(result.seed)" + (clause.map { "-" + $0.id.lowercased() } ?? "")
        trace.header.title = "Found by cvconform explore (seed \(result.seed)): " + titleSummary(finding)
        // Neither the implementation's own name nor the command that
        // started it (a path on someone's machine) goes into a trace meant
        // for a shared suite.
        var description = "What the implementation did instead: \(finding.result.detail)."
        if let clause { description += " The rule: \(clause.id), \(clause.summary)." }
        description += " Found after \(result.stimuli) stimuli with seed \(result.seed) (\(command)),"
        description += " shrunk from \(finding.original.stimuli.count) stimuli and \(finding.originalMessages) messages"
        description += " to \(finding.shrunk.stimuli.count) and \(finding.trace.entries.count)."
        if trace.isRacy {
            description += " The trace races: run sends the racing stimuli back to back, and a replay may pass when the race goes the other way."
        }
        if finding.isFlaky {
            description += " Flaky: it failed \(finding.confirmedFailures) of \(finding.confirmationRuns) replays."
        }
        trace.header.description = description
        trace.header.tags = ["explore", "seed-\(result.seed)"] + (clause.map { [$0.role.rawValue] } ?? [])
        return trace
    }

    static func titleSummary(_ finding: Finding) -> String {
        guard let divergence = finding.result.divergence else { return finding.result.detail }
        if let values = Finding.headline(divergence) { return values }
        switch divergence.kind {
        case .unexpected(let message):
            if let expected = divergence.expected { return "\(message.type.rawValue) where the model sends \(expected)" }
            return "an unowed \(message)"
        case .missing: return "no \(divergence.expected.map { "\($0)" } ?? "output")"
        case .extra(let message): return "an extra \(message) after the last message"
        }
    }

    /// The closing lines for the terminal.
    package static func summary(_ result: ExplorationResult) -> [String] {
        let reachable = ExplorationCoverage.reachable(in: result.profile)
        let missing = reachable.filter { !result.coverage.clauses.contains($0) }
        var lines = [
            "explored \(result.stimuli) stimuli in \(result.runs) runs, \(String(format2: seconds(result.elapsed))) s",
            "coverage: \(reachable.count - missing.count) of \(reachable.count) clauses (\(result.profile.rawValue), without races)"
                + (missing.isEmpty ? "" : "; not reached: " + missing.map(\.id).joined(separator: ", "))
                + "; \(result.coverage.situationsReached.count) of \(Situation.all(in: result.profile).count) (situation, stimulus) pairs",
        ]
        if let finding = result.finding, let shrinking = finding.shrinking {
            lines.append("shrinking: \(finding.original.stimuli.count) → \(finding.shrunk.stimuli.count) stimuli, "
                         + "\(finding.originalMessages) → \(finding.trace.entries.count) messages, "
                         + "\(shrinking.candidates) candidate runs in \(String(format2: seconds(shrinking.elapsed))) s"
                         + (shrinking.stoppedEarly ? " (stopped at its time limit)" : ""))
        }
        return lines
    }

    package static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

extension String {
    /// A number with two decimals.
    package init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let fraction = abs(hundredths % 100)
        self = "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
