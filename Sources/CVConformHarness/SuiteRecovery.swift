/// What `SuiteRunner` does around each trace when an implementation fails:
/// when to start a fresh one, when to probe silence with a reset, when to
/// give a trace a second try on a fresh process, and when to stop trying.
/// A state machine in the manner of SwiftNIO's: events in, an `Action` out;
/// the runner performs the actions and reports what came of them. It does
/// no I/O, so each transition has a test (`SuiteRecoveryTests`).
package struct SuiteRecovery: Sendable {
    /// What to do before a trace.
    package enum BeforeTrace: Equatable, Sendable {
        /// Replay on the implementation that is running.
        case replay
        /// Start a fresh implementation, then replay.
        case start
        /// Do not replay: the implementation could not be started twice in a row.
        case skipUnstartable(HarnessFailure)
        /// Do not replay: two traces in a row found even a fresh process
        /// not answering reset.
        case skipUnresponsive(HarnessFailure, traces: Int)
    }

    /// What to do after a replay, or after a probe.
    package enum AfterReplay: Equatable, Sendable {
        /// Keep the implementation for the next trace.
        case keep
        /// An output did not come: a missing output or a hang. Reset the
        /// implementation within this time to tell them apart.
        case probe(within: Duration)
        /// The trace is `error`: stop this implementation; the next trace
        /// starts a fresh one.
        case discard
        /// As `discard`, and replay this trace once more on a fresh process:
        /// a reset that fails says more about the previous trace (which left
        /// the implementation hung) than about this one, which had not begun.
        case discardAndRetry
    }

    /// How a replay ended, as far as recovery cares.
    package struct Outcome: Equatable, Sendable {
        package var isError: Bool
        /// The trace's expected output did not come (a `fail` by silence).
        package var missingOutput: Bool
        /// It broke down at the trace's reset.
        package var failedAtReset: Bool
        package var failure: HarnessFailure?

        package init(isError: Bool, missingOutput: Bool = false, failedAtReset: Bool = false, failure: HarnessFailure? = nil) {
            self.isError = isError
            self.missingOutput = missingOutput
            self.failedAtReset = failedAtReset
            self.failure = failure
        }
    }

    private let timeout: Duration
    private var running = false
    /// Starts that failed in a row, and the last one's failure.
    private var failedStarts = 0
    private var lastStartFailure: HarnessFailure?
    /// Traces in a row whose reset went unanswered even on a fresh process.
    private var unansweredResets = 0
    private var lastResetFailure: HarnessFailure?
    /// Traces in which this implementation hung (a probe went unanswered).
    private var hangs = 0
    /// The trace is on its second try, on a fresh process.
    private(set) var retrying = false

    /// `timeout`: the replay's wait for an owed output.
    package init(timeout: Duration) { self.timeout = timeout }

    package mutating func beforeTrace() -> BeforeTrace {
        if let lastStartFailure, failedStarts >= 2 {
            retrying = false
            return .skipUnstartable(lastStartFailure)
        }
        if let lastResetFailure, unansweredResets >= 2 {
            retrying = false
            return .skipUnresponsive(lastResetFailure, traces: unansweredResets)
        }
        return running ? .replay : .start
    }

    package mutating func started() {
        running = true
        failedStarts = 0
    }

    /// The implementation was stopped (the suite's end): the next trace
    /// starts a fresh one.
    package mutating func stopped() { running = false }

    /// The start failed: the trace is `error`, and is not tried again.
    package mutating func startFailed(_ failure: HarnessFailure) {
        failedStarts += 1
        lastStartFailure = failure
        retrying = false
    }

    package mutating func replayed(_ outcome: Outcome) -> AfterReplay {
        if outcome.failedAtReset && retrying, outcome.failure?.kind == .timeout {
            // Even a fresh process did not answer reset: after two such
            // traces in a row the rest is not tried (a run ends in seconds,
            // not traces × two timeouts).
            unansweredResets += 1
            lastResetFailure = outcome.failure
        } else if !outcome.failedAtReset {
            unansweredResets = 0
        }
        if !outcome.isError && outcome.missingOutput {
            // A live process answers a reset at once. The first probe allows
            // a quarter of the timeout (at least 0.5 s); once this
            // implementation has hung, 50 ms, so a run against one that hangs
            // in every trace still ends within about traces × timeout plus a
            // constant.
            return .probe(within: hangs == 0 ? max(timeout / 4, .milliseconds(500)) : .milliseconds(50))
        }
        return finished(isError: outcome.isError, failedAtReset: outcome.failedAtReset)
    }

    /// After `probe`: whether the implementation answered the reset. One
    /// that did not has hung, and the trace is `error`.
    package mutating func probed(answered: Bool) -> AfterReplay {
        if !answered { hangs += 1 }
        return finished(isError: !answered, failedAtReset: false)
    }

    private mutating func finished(isError: Bool, failedAtReset: Bool) -> AfterReplay {
        let second = retrying
        retrying = false
        guard isError else { return .keep }
        running = false
        guard failedAtReset && !second else { return .discard }
        retrying = true
        return .discardAndRetry
    }
}
