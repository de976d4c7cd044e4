import CVConformHarness
import CVConformTrace

/// One violation a cell met: what was expected and what came instead,
/// explained as `run` explains a divergence, with the cell's last messages.
package struct LoadViolation: Sendable {
    /// The cell's number (from 1); nil for an output that names no cell or
    /// two.
    package var cell: Int?
    /// One line.
    package var detail: String
    /// The explanation, as `run` prints it.
    package var explanation: [String]
    /// The cell's last messages up to the violation, with what it did.
    package var window: [LoadWindowEntry]
    /// Seconds since the start.
    package var at: Double
}

/// A message in a violation's window.
package struct LoadWindowEntry: Sendable {
    /// Sent to the implementation, observed from it, expected but not
    /// come, or come unexpected.
    package enum Mark: Sendable { case sent, observed, expected, unexpected }
    package var message: Message
    package var mark: Mark
}

/// One second of a load run, for plots.
package struct LoadSample: Sendable {
    package var second: Int
    package var stimuli: Int
    package var messages: Int
    /// Latency percentiles of the outputs of that second, in seconds.
    package var p50: Double
    package var p90: Double
    package var p99: Double
    package var violations: Int
}

/// What a load run did and found.
package struct LoadResult: Sendable {
    package var implementation: String
    package var duration: Double = 0
    package var cells: Int
    package var stimuli = 0
    /// Messages judged: stimuli sent and outputs observed.
    package var messages = 0
    package var throughput: Double { duration > 0 ? Double(messages) / duration : 0 }
    /// Latency of outputs (from the stimulus that caused them), in seconds.
    package var p50 = 0.0
    package var p90 = 0.0
    package var p99 = 0.0
    package var max = 0.0
    package var violations: [LoadViolation] = []
    /// Violations beyond those kept (the first 100 are kept).
    package var moreViolations = 0
    package var timeline: [LoadSample] = []
    /// The implementation broke down (crashed, hung, flooded): the run ended.
    package var failure: HarnessFailure?
    /// Stimuli that arrived (open loop) while their cell was still busy.
    package var backlog = 0
    /// Why the run stopped before its duration: most cells had stopped at
    /// a violation (what was left measured too few cells), or on request.
    package var stoppedEarly: String?
    package var rate: Double?
    package var seed: UInt64
    /// With `--races`: stimuli sent right after another of their cell's
    /// (as explore's JSON counts them); nil without.
    package var races: Int?
    /// Jobs the cells' outputs were judged in (`--jobs`; LOAD-19).
    package var jobs = 1

    package var violationCount: Int { violations.count + moreViolations }
}
