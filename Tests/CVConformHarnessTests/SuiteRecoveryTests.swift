import Testing
@testable import CVConformHarness

@Suite("SuiteRunner's recovery, transition by transition")
struct SuiteRecoveryTests {
    let timeout = Duration.seconds(4)
    let startFailure = HarnessFailure(.unavailable, "no such file")
    let resetTimeout = HarnessFailure(.timeout, "no ready within 4 s")

    func running() -> SuiteRecovery {
        var recovery = SuiteRecovery(timeout: timeout)
        _ = recovery.beforeTrace()
        recovery.started()
        return recovery
    }

    @Test("The first trace starts an implementation; once started, the next traces replay on it")
    func startThenReplay() {
        var recovery = SuiteRecovery(timeout: timeout)
        #expect(recovery.beforeTrace() == .start)
        recovery.started()
        #expect(recovery.beforeTrace() == .replay)
        #expect(recovery.replayed(.init(isError: false)) == .keep)
        #expect(recovery.beforeTrace() == .replay)
    }

    @Test("A failed start is tried again for the next trace; after two in a row the rest is skipped")
    func unstartable() {
        var recovery = SuiteRecovery(timeout: timeout)
        #expect(recovery.beforeTrace() == .start)
        recovery.startFailed(startFailure)
        #expect(recovery.beforeTrace() == .start)
        recovery.startFailed(startFailure)
        #expect(recovery.beforeTrace() == .skipUnstartable(startFailure))
        #expect(recovery.beforeTrace() == .skipUnstartable(startFailure))
    }

    @Test("A start that works clears the count of failed starts")
    func startRecovers() {
        var recovery = SuiteRecovery(timeout: timeout)
        recovery.startFailed(startFailure)
        #expect(recovery.beforeTrace() == .start)
        recovery.started()
        #expect(recovery.replayed(.init(isError: true)) == .discard)
        recovery.startFailed(startFailure)
        #expect(recovery.beforeTrace() == .start)
    }

    @Test("An error not at reset discards the implementation; the next trace starts a fresh one")
    func errorDiscards() {
        var recovery = running()
        #expect(recovery.replayed(.init(isError: true, failure: HarnessFailure(.exited, "exit 3"))) == .discard)
        #expect(recovery.beforeTrace() == .start)
    }

    @Test("Silence is probed with a reset: a quarter of the timeout at first (at least 0.5 s), 50 ms once it has hung")
    func probe() {
        var recovery = running()
        #expect(recovery.replayed(.init(isError: false, missingOutput: true)) == .probe(within: .seconds(1)))
        #expect(recovery.probed(answered: true) == .keep)
        #expect(recovery.beforeTrace() == .replay)
        #expect(recovery.replayed(.init(isError: false, missingOutput: true)) == .probe(within: .seconds(1)))
        #expect(recovery.probed(answered: false) == .discard)
        #expect(recovery.beforeTrace() == .start)
        recovery.started()
        #expect(recovery.replayed(.init(isError: false, missingOutput: true)) == .probe(within: .milliseconds(50)))

        var short = SuiteRecovery(timeout: .seconds(1))
        short.started()
        #expect(short.replayed(.init(isError: false, missingOutput: true)) == .probe(within: .milliseconds(500)))
    }

    @Test("A failed reset gives the trace one more try on a fresh process, never two")
    func retryOnce() {
        var recovery = running()
        let atReset = SuiteRecovery.Outcome(isError: true, failedAtReset: true, failure: resetTimeout)
        #expect(recovery.replayed(atReset) == .discardAndRetry)
        #expect(recovery.retrying)
        #expect(recovery.beforeTrace() == .start)
        recovery.started()
        #expect(recovery.replayed(atReset) == .discard)
        #expect(!recovery.retrying)
    }

    @Test("Two traces in a row whose reset even a fresh process left unanswered: the rest is skipped")
    func unresponsive() {
        var recovery = running()
        let atReset = SuiteRecovery.Outcome(isError: true, failedAtReset: true, failure: resetTimeout)
        // The first trace: its reset fails, and on a fresh process again.
        #expect(recovery.replayed(atReset) == .discardAndRetry)
        #expect(recovery.beforeTrace() == .start)
        recovery.started()
        #expect(recovery.replayed(atReset) == .discard)
        // The second trace: the same.
        #expect(recovery.beforeTrace() == .start)
        recovery.started()
        #expect(recovery.replayed(atReset) == .discardAndRetry)
        #expect(recovery.beforeTrace() == .start)
        recovery.started()
        #expect(recovery.replayed(atReset) == .discard)
        #expect(recovery.beforeTrace() == .skipUnresponsive(resetTimeout, traces: 2))
    }

    @Test("A trace that passes its reset clears the count of unanswered resets")
    func resetAnsweredClears() {
        var recovery = running()
        let atReset = SuiteRecovery.Outcome(isError: true, failedAtReset: true, failure: resetTimeout)
        #expect(recovery.replayed(atReset) == .discardAndRetry)
        recovery.started()
        #expect(recovery.replayed(atReset) == .discard)
        recovery.started()
        #expect(recovery.replayed(.init(isError: false)) == .keep)
        #expect(recovery.replayed(atReset) == .discardAndRetry)
        recovery.started()
        #expect(recovery.replayed(atReset) == .discard)
        #expect(recovery.beforeTrace() == .start)
    }

    @Test("After the implementation was stopped, the next trace starts a fresh one")
    func afterStop() {
        var recovery = running()
        recovery.stopped()
        #expect(recovery.beforeTrace() == .start)
    }

    @Test("A retry whose start fails ends the retry")
    func retryStartFails() {
        var recovery = running()
        #expect(recovery.replayed(.init(isError: true, failedAtReset: true, failure: resetTimeout)) == .discardAndRetry)
        recovery.startFailed(startFailure)
        #expect(!recovery.retrying)
    }
}
