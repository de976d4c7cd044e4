import CVConformHarness
import CVConformJSON
import CVConformModel
import CVConformTrace

extension RunReport {
    /// The run report a merged JSON report stands for (`merge --html`,
    /// `merge --junit`; RUN-33): each trace's id, file, status, detail,
    /// clause and duration as the shards reported them. A trace whose file
    /// is still where the shard read it is read again, for the clauses it
    /// covers. What the JSON does not keep (the observed messages, the
    /// implementation's log) is in each shard's own HTML report.
    package init(merged json: JSONValue) throws(ReportError) {
        guard json["summary"] != nil, let traces = json["traces"]?.arrayValue else {
            throw ReportError("--html and --junit need the reports of run; these are reports of validate")
        }
        var results: [ReplayResult] = []
        var expected: [Expectations.Entry] = []
        for trace in traces {
            let id = trace["id"]?.stringValue ?? ""
            let file = trace["file"]?.stringValue ?? ""
            let word = trace["verdict"]?.stringValue ?? ""
            guard let status = Status(rawValue: word) else {
                throw ReportError("trace \(id) has the verdict '\(word)', which run does not write")
            }
            // The status an expectation made of a verdict, undone: a known
            // failure failed, and an unexpected pass passed, both listed.
            let verdict: Verdict = switch status {
            case .pass, .unexpectedPass: .pass
            case .fail, .expectedFail: .fail
            case .error: .error
            case .skip: .skip
            }
            if status == .expectedFail || status == .unexpectedPass {
                expected.append(Expectations.Entry(glob: id, verdict: .fail, reason: "", line: 0))
            }
            let read = try? Trace.read(file: file)
            var result = ReplayResult(id: id, file: file, verdict: verdict, detail: trace["detail"]?.stringValue ?? "", trace: read)
            if let read { result.clauses = Validator.judge(read).clauses }
            result.reportedClause = trace["clause"]?.stringValue.flatMap(Clause.init(rawValue:))
            result.racy = trace["racy"]?.boolValue ?? false
            if case .number(let number)? = trace["duration"], let seconds = number.double { result.duration = .milliseconds(Int64((seconds * 1000).rounded())) }
            results.append(result)
        }
        self.init(implementation: json["implementation"]?.stringValue ?? "", results: results,
                  expectations: expected.isEmpty ? nil : Expectations(entries: expected, file: "the shards' expectations"))
        isMerged = true
    }
}
