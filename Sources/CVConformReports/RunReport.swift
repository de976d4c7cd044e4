import CVConformHarness
import CVConformTrace

/// The reports of `cvconform run`: JSON (contract section 6), JUnit XML
/// (as Jenkins and GitLab read it) and the lines a person reads.
public struct RunReport: Sendable {
    public var implementation: String
    public var results: [ReplayResult]

    public init(implementation: String, results: [ReplayResult]) {
        self.implementation = implementation
        self.results = results
    }

    public func count(_ verdict: Verdict) -> Int { results.filter { $0.verdict == verdict }.count }

    /// True when nothing failed or erred (exit status 0).
    public var succeeded: Bool { count(.fail) == 0 && count(.error) == 0 }

    /// `{"implementation","summary":{"pass","fail","error","skip"},"traces":[{"id","file","verdict","detail"}]}`
    public func json() -> JSONValue {
        .object([
            ("implementation", .string(implementation)),
            ("summary", .object(Verdict.allCases.sortedForSummary.map { ($0.rawValue, .number(count($0))) })),
            ("traces", .array(results.map { result in
                .object([
                    ("id", .string(result.id)),
                    ("file", .string(result.file)),
                    ("verdict", .string(result.verdict.rawValue)),
                    ("detail", .string(result.detail)),
                ])
            })),
        ])
    }

    /// JUnit XML: one testsuite, a testcase per trace named by its id and
    /// classed by its folder; failure, error and skipped as JUnit has them.
    public func junit() -> String {
        let failures = count(.fail)
        let errors = count(.error)
        let skipped = count(.skip)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites>\n"
        out += "  <testsuite name=\"cvconform: \(escape(implementation))\" tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\">\n"
        for result in results {
            out += "    <testcase name=\"\(escape(result.id))\" classname=\"\(escape(Self.className(result.file)))\""
            switch result.verdict {
            case .pass:
                out += "/>\n"
            case .skip:
                out += ">\n      <skipped message=\"\(escape(result.detail))\"/>\n    </testcase>\n"
            case .fail, .error:
                let element = result.verdict == .fail ? "failure" : "error"
                out += ">\n      <\(element) message=\"\(escape(result.detail))\" type=\"\(result.verdict.rawValue)\">"
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
        if let divergence = result.divergence {
            lines += divergence.explanation
        } else if result.verdict != .pass {
            lines.append(result.detail)
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

extension Array where Element == Verdict {
    /// The order of the contract's summary object.
    var sortedForSummary: [Verdict] { [.pass, .fail, .error, .skip] }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
