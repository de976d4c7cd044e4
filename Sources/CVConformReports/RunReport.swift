import CVConformHarness
import CVConformTrace

/// The reports of `cvconform run`: JSON (contract section 6), JUnit XML
/// (as Jenkins and GitLab read it) and the lines a person reads.
public struct RunReport: Sendable {
    public var implementation: String
    public var results: [ReplayResult]
    public var expectations: Expectations?

    public init(implementation: String, results: [ReplayResult], expectations: Expectations? = nil) {
        self.implementation = implementation
        self.results = results
        self.expectations = expectations
    }

    public func status(of result: ReplayResult) -> Status {
        Status(verdict: result.verdict, expectation: expectations?.entry(for: result.id))
    }

    public func count(_ status: Status) -> Int { results.filter { self.status(of: $0) == status }.count }

    /// True when nothing failed or erred unexpectedly and no expectation is
    /// stale (unless stale ones are allowed).
    public func succeeded(allowUnexpectedPass: Bool = false) -> Bool {
        count(Status.fail) == 0 && count(Status.error) == 0 && (allowUnexpectedPass || count(Status.unexpectedPass) == 0)
    }

    /// `{"implementation","summary":{"pass","fail","error","skip"},"traces":[{"id","file","verdict","detail"}]}`;
    /// with an expectations file the summary and verdicts add `expected-fail`
    /// and `unexpected-pass`.
    public func json() -> JSONValue {
        var statuses: [Status] = [.pass, .fail, .error, .skip]
        if expectations != nil { statuses += [.expectedFail, .unexpectedPass] }
        return .object([
            ("implementation", .string(implementation)),
            ("summary", .object(statuses.map { ($0.rawValue, .number(count($0))) })),
            ("traces", .array(results.map { result in
                var detail = result.detail
                if let entry = expectations?.entry(for: result.id) {
                    detail = detail.isEmpty ? "expected to \(entry.verdict.rawValue): \(entry.reason)" : detail + " (expected: \(entry.reason))"
                }
                return .object([
                    ("id", .string(result.id)),
                    ("file", .string(result.file)),
                    ("verdict", .string(status(of: result).rawValue)),
                    ("detail", .string(detail)),
                ])
            })),
        ])
    }

    /// JUnit XML: one testsuite, a testcase per trace named by its id and
    /// classed by its folder; failure, error and skipped as JUnit has them.
    public func junit() -> String {
        let failures = count(Status.fail) + count(Status.unexpectedPass)
        let errors = count(Status.error)
        let skipped = count(Status.skip) + count(Status.expectedFail)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites>\n"
        out += "  <testsuite name=\"cvconform: \(escape(implementation))\" tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\">\n"
        for result in results {
            out += "    <testcase name=\"\(escape(result.id))\" classname=\"\(escape(Self.className(result.file)))\""
            switch status(of: result) {
            case .pass:
                out += "/>\n"
            case .skip, .expectedFail:
                let reason = expectations?.entry(for: result.id).map { "expected to \($0.verdict.rawValue): \($0.reason); " } ?? ""
                out += ">\n      <skipped message=\"\(escape(reason + result.detail))\"/>\n    </testcase>\n"
            case .fail, .error, .unexpectedPass:
                let element = result.verdict == .error ? "error" : "failure"
                let message = status(of: result) == .unexpectedPass
                    ? "unexpected pass: the expectations file says it fails (\(expectations?.entry(for: result.id)?.reason ?? ""))"
                    : result.detail
                out += ">\n      <\(element) message=\"\(escape(message))\" type=\"\(status(of: result).rawValue)\">"
                out += escape(Self.details(result).joined(separator: "\n"))
                out += "</\(element)>\n"
                if !result.log.isEmpty {
                    out += "      <system-err>\(escape(result.log.joined(separator: "\n")))</system-err>\n"
                }
                out += "    </testcase>\n"
            }
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    /// One line per trace for the terminal.
    public static func line(_ result: ReplayResult) -> String {
        let verdict = result.verdict.rawValue.uppercased().padding(5)
        return "\(verdict) \(result.id.padding(44)) \(result.file)"
    }

    /// The explanation under a trace that failed or erred.
    public static func details(_ result: ReplayResult) -> [String] {
        var lines: [String] = []
        if result.verdict == .error || (result.divergence == nil && result.verdict != .pass) {
            lines.append(result.detail)
        }
        if let divergence = result.divergence {
            lines += divergence.explanation
        }
        if result.verdict == .fail || result.verdict == .error, let trace = result.trace {
            let window = Self.window(result, trace: trace)
            if !window.isEmpty {
                lines.append("the trace up to there:")
                lines += window
            }
        }
        if !result.log.isEmpty && result.verdict != .pass {
            lines.append("implementation log (last lines):")
            lines += result.log.suffix(10).map { "  | " + $0 }
        }
        return lines
    }

    /// The last few messages of the trace before the divergence, marked as
    /// sent (→), observed (←), or not reached.
    static func window(_ result: ReplayResult, trace: Trace, size: Int = 6) -> [String] {
        var done = Set<Int>()
        for event in result.events {
            switch event {
            case .sent(let index), .observed(let index): done.insert(index)
            case .unexpected: break
            }
        }
        let end = result.divergence?.expectedIndex.map { $0 + 1 }
            ?? (done.max().map { $0 + 1 } ?? 0)
        let start = max(0, end - size)
        guard start < end else { return [] }
        return (start..<end).map { index in
            let mark: String
            if index == result.divergence?.expectedIndex {
                mark = "✗"
            } else if done.contains(index) {
                mark = "✓"
            } else {
                mark = " "
            }
            return "  \(mark) \(String(index + 1).padding(4)) \(trace.entries[index].message)"
        }
    }

    static func className(_ file: String) -> String {
        let parts = file.split(separator: "/").dropLast()
        return parts.isEmpty ? "traces" : parts.joined(separator: ".")
    }

    private func escape(_ text: String) -> String { TraceWriter.escape(text) }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

extension RunReport {
    /// Every message of the replay in order: → sent, ← observed, ✗ unexpected.
    public static func exchange(_ result: ReplayResult) -> [String] {
        guard let trace = result.trace else { return [] }
        return result.events.map { event in
            switch event {
            case .sent(let index): return "→ \(trace.entries[index].message)"
            case .observed(let index): return "← \(trace.entries[index].message)"
            case .unexpected(let message): return "✗ \(message)"
            }
        }
    }
}
