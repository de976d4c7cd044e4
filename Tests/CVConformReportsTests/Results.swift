import CVConformModel
import CVConformTestSupport
import CVConformTrace
import CVConformWire
@testable import CVConformHarness

/// A result as the replay would make it: every message up to `index`
/// sent or observed, and then the output at `index` missing (nil: passed).
func result(_ trace: Trace, missingAt index: Int? = nil, verdict: Verdict? = nil, detail: String = "",
            log: [String] = [], duration: Duration = .milliseconds(125)) -> ReplayResult {
    let greeting = Greeting(implementation: "test", roles: Set(Role.systemRoles), reportsInternal: true)
    var result = ReplayResult(id: trace.header.id, file: trace.file ?? "", verdict: verdict ?? (index == nil ? .pass : .fail),
                              detail: detail, trace: trace)
    result.roles = ReplayRoles(played: greeting.roles, reportsInternal: true)
    result.clauses = Validator.judge(trace).clauses
    result.duration = duration
    result.log = log
    let reached = index ?? trace.entries.count
    for position in 0..<reached {
        let kind = ReplayRole.of(trace.entries[position].message, greeting: greeting)
        result.events.append(kind == .stimulus ? .sent(position) : .observed(position))
    }
    if let index {
        let expected = trace.entries[index].message
        var monitor = Monitor(administration: trace.header.setup)
        for entry in trace.entries.prefix(index) { _ = monitor.observe(entry.message) }
        result.divergence = Divergence(kind: .missing, expectedIndex: index, expected: expected,
                                       clause: monitor.owed(on: expected.channel).first?.clause, waited: .seconds(2))
        if result.detail.isEmpty { result.detail = result.divergence?.summary ?? "" }
    }
    return result
}
