import CVConformHarness
import CVConformJSON
import CVConformModel
import CVConformTrace

/// The results of one `cvconform run`, and what its reports need besides:
/// the expectations applied and the shard of the suite it covered. The
/// reports are written in `RunReport+JSON`, `RunReport+JUnit`,
/// `RunReport+Terminal` and `HTMLReport`.
package struct RunReport: Sendable {
    package var implementation: String
    package var results: [ReplayResult]
    package var expectations: Expectations?
    /// The share of the suite replayed (`--shard`), nil for the whole.
    package var shard: Shard?
    /// The wall-clock time of the whole run (with `--jobs`, less than the
    /// sum of the traces' durations).
    package var elapsed: Duration?
    /// Rebuilt from merged JSON reports (`merge --html`): no observed
    /// messages to chart.
    package var isMerged = false

    package init(implementation: String, results: [ReplayResult], expectations: Expectations? = nil,
                shard: Shard? = nil, elapsed: Duration? = nil) {
        self.implementation = implementation
        self.results = results
        self.expectations = expectations
        self.shard = shard
        self.elapsed = elapsed
    }

    package func status(of result: ReplayResult) -> Status {
        Status(verdict: result.verdict, expectation: expectation(for: result))
    }

    /// The expectations entry that applies to a trace, if any.
    package func expectation(for result: ReplayResult) -> Expectations.Entry? {
        expectations?.entry(for: result.id)
    }

    package func count(_ status: Status) -> Int { results.filter { self.status(of: $0) == status }.count }

    /// The statuses a report counts: the four verdicts, and the two of
    /// expectations when an expectations file was given.
    package var statuses: [Status] {
        expectations == nil ? [.pass, .fail, .error, .skip] : Status.allCases
    }

    /// True when nothing failed or erred unexpectedly and no expectation is
    /// stale (unless stale ones are allowed).
    package func succeeded(allowUnexpectedPass: Bool = false) -> Bool {
        count(Status.fail) == 0 && count(Status.error) == 0 && (allowUnexpectedPass || count(Status.unexpectedPass) == 0)
    }

    /// The wall-clock time when known, else the sum of the traces' times.
    package var totalDuration: Duration {
        elapsed ?? results.reduce(.zero) { $0 + $1.duration }
    }

    /// Why a listed trace is reported as it is: the expectation's reason and
    /// place; for an unexpected pass, why that is red. Nil for unlisted ones.
    package func expectationNote(_ result: ReplayResult) -> String? {
        guard let entry = expectation(for: result), let expectations else { return nil }
        let place = "\(expectations.file):\(entry.line)"
        let reason = entry.reason.isEmpty ? "no reason given" : entry.reason
        switch status(of: result) {
        case .expectedFail:
            return "known failure (\(place)): \(reason)"
        case .unexpectedPass:
            return "passed, but \(place) lists it as a known \(entry.verdict.rawValue) (\(reason)): "
                + "the expectation is stale; remove that line, or run with --allow-unexpected-pass"
        default:
            return "listed in \(place) as a known \(entry.verdict.rawValue) (\(reason)), but it is \(result.verdict.rawValue)"
        }
    }
}
