import CVConformHarness
import CVConformModel

/// The traces that failed or erred, grouped by the clause of their
/// divergence (RUN-26): eight traces failing on one clause show as one
/// line naming the clause and the eight, not as eight unrelated failures.
package struct ClauseFailures: Sendable {
    package struct Group: Sendable {
        /// Nil for failures without a divergence (errors: a crash, a hang,
        /// a broken protocol, a malformed trace).
        package var clause: Clause?
        /// Indexes into the report's results, in run order.
        package var results: [Int]
    }

    /// Largest group first; ties in clause order; the group without a
    /// clause last.
    package var groups: [Group]

    package init(_ report: RunReport) {
        var byClause: [Clause: [Int]] = [:]
        var unclaused: [Int] = []
        for (index, result) in report.results.enumerated() {
            let status = report.status(of: result)
            guard status == .fail || status == .error else { continue }
            if let clause = result.clause {
                byClause[clause, default: []].append(index)
            } else {
                unclaused.append(index)
            }
        }
        groups = byClause.map { Group(clause: $0.key, results: $0.value) }
            .sorted { ($0.results.count, $1.clause?.ordinal ?? 0) > ($1.results.count, $0.clause?.ordinal ?? 0) }
        if !unclaused.isEmpty { groups.append(Group(clause: nil, results: unclaused)) }
    }

    package var isEmpty: Bool { groups.isEmpty }

    /// For the terminal: one line per clause, the traces under it.
    package func lines(_ report: RunReport) -> [String] {
        guard !isEmpty else { return [] }
        var lines = ["failures by clause (the clause of each divergence):"]
        for group in groups {
            let count = group.results.count == 1 ? "1 trace" : "\(group.results.count) traces"
            if let clause = group.clause {
                lines.append("  \(clause.id) (\(count)): \(clause.summary)")
            } else {
                lines.append("  no clause (\(count)): errors without a divergence (see each trace's detail)")
            }
            let ids = group.results.map { report.results[$0].id }
            lines.append("      " + ids.prefix(12).joined(separator: ", ") + (ids.count > 12 ? ", … and \(ids.count - 12) more" : ""))
        }
        return lines
    }
}
