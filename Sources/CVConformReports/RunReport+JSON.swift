import CVConformHarness
import CVConformJSON

extension RunReport {
    /// Contract section 6: `{"implementation","summary":{"pass","fail",
    /// "error","skip"},"traces":[{"id","file","verdict","detail"}]}`; with an
    /// expectations file the summary and verdicts add `expected-fail` and
    /// `unexpected-pass` (RUN-24). Added (RUN-26, RUN-27): `shard` ("I/N",
    /// absent when the run was not sharded) and, per trace, `clause` (the
    /// clause of its divergence, null without one) and `duration` (seconds);
    /// section 8 adds `racy` per trace.
    package func json() -> JSONValue {
        var root: [(String, JSONValue)] = [("implementation", .string(implementation))]
        if let shard { root.append(("shard", .string(shard.description))) }
        root.append(("summary", .object(statuses.map { ($0.rawValue, .integer(count($0))) })))
        root.append(("traces", .array(results.map(traceJSON))))
        return .object(root)
    }

    private func traceJSON(_ result: ReplayResult) -> JSONValue {
        var detail = result.detail
        if let entry = expectation(for: result) {
            detail = detail.isEmpty ? "expected to \(entry.verdict.rawValue): \(entry.reason)" : detail + " (expected: \(entry.reason))"
        }
        return .object([
            ("id", .string(result.id)),
            ("file", .string(result.file)),
            ("verdict", .string(status(of: result).rawValue)),
            ("detail", .string(detail)),
            ("clause", .optional(result.clause?.id)),
            ("duration", .number(JSONNumber(seconds: result.duration))),
            ("racy", .bool(result.racy)),
        ])
    }
}
