import CVConformTrace

extension Validator {
    /// Judges a trace already in memory (replay, recording): the same
    /// judging as a file gets, so the clauses a report shows for a replayed
    /// trace are those `validate` finds for it.
    public static func judge(_ trace: Trace) -> ValidationResult {
        var result = ValidationResult(file: trace.file ?? "<memory>", outcome: .accepted)
        describe(trace.header, into: &result)
        var judging = Judging(monitor: Monitor(administration: trace.header.setup), setup: trace.header.setup)
        for (index, entry) in trace.entries.enumerated() { judging.observe(entry, position: index + 1) }
        judging.finish(into: &result, header: trace.header, messageCount: trace.entries.count)
        return result
    }
}
