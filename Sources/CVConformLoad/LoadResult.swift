import CVConformHarness
import CVConformTrace

/// One violation a cell met: what was expected and what came instead,
/// explained as `run` explains a divergence, with the cell's last messages.
public struct LoadViolation: Sendable {
    /// The cell's number (from 1); nil for an output that names no cell or
    /// two.
    public var cell: Int?
    /// One line.
    public var detail: String
    /// The explanation, as `run` prints it.
    public var explanation: [String]
    /// The cell's last messages up to the violation, with what it did.
    public var window: [LoadWindowEntry]
    /// Seconds since the start.
    public var at: Double
}

/// A message in a violation's window.
public struct LoadWindowEntry: Sendable {
    /// Sent to the implementation, observed from it, expected but not
    /// come, or come unexpected.
    public enum Mark: Sendable { case sent, observed, expected, unexpected }
    public var message: Message
    public var mark: Mark
}

/// One second of a load run, for plots.
public struct LoadSample: Sendable {
    public var second: Int
    public var stimuli: Int
    public var messages: Int
    /// Latency percentiles of the outputs of that second, in seconds.
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var violations: Int
}

/// What a load run did and found.
public struct LoadResult: Sendable {
    public var implementation: String
    public var duration: Double = 0
    public var cells: Int
    public var stimuli = 0
    /// Messages judged: stimuli sent and outputs observed.
    public var messages = 0
    public var throughput: Double { duration > 0 ? Double(messages) / duration : 0 }
    /// Latency of outputs (from the stimulus that caused them), in seconds.
    public var p50 = 0.0
    public var p90 = 0.0
    public var p99 = 0.0
    public var max = 0.0
    public var violations: [LoadViolation] = []
    /// Violations beyond those kept (the first 100 are kept).
    public var moreViolations = 0
    public var timeline: [LoadSample] = []
    /// The implementation broke down (crashed, hung, flooded): the run ended.
    public var failure: HarnessFailure?
    /// Stimuli that arrived (open loop) while their cell was still busy.
    public var backlog = 0
    /// Why the run stopped before its duration, when most cells had
    /// stopped at a violation (what was left measured too few cells).
    public var stoppedEarly: String?
    public var rate: Double?
    public var seed: UInt64

    public var violationCount: Int { violations.count + moreViolations }
}
