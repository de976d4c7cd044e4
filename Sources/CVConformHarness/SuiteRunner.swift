import CVConformModel
import CVConformTrace
import CVConformWire

/// Replays a list of trace files against one implementation: one process
/// (or connection) serves the suite, `reset` between traces; after an
/// `error` the next trace gets a fresh one.
package actor SuiteRunner {
    package typealias Factory = @Sendable () -> ImplementationUnderTest

    private let makeImplementation: Factory
    private let options: ReplayOptions
    private var implementation: ImplementationUnderTest?
    private var greeting: Greeting?
    private var recovery: SuiteRecovery

    /// The implementation's name from `hello`, once it has said it.
    package private(set) var implementationName: String?

    package init(options: ReplayOptions, makeImplementation: @escaping Factory) {
        self.options = options
        self.makeImplementation = makeImplementation
        recovery = SuiteRecovery(timeout: options.timeout)
    }

    /// Replays one file: read, start the implementation if needed, replay.
    package func run(file: String) async -> ReplayResult {
        // On a thread of its own: a long trace is read on two threads that
        // wait on each other, which no thread of the pool may do.
        let read = await onDedicatedThread("cvconform-read") { () -> Result<Trace, TraceError> in
            do throws(TraceError) { return .success(try Trace.read(file: file)) } catch { return .failure(error) }
        }
        let trace: Trace
        switch read {
        case .success(let read): trace = read
        case .failure(let error):
            var result = ReplayResult(id: Self.fallbackID(file), file: file, verdict: .error,
                                      detail: "the trace is malformed: \(error)")
            result.malformation = error
            return result
        }
        return await run(trace)
    }

    /// Replays one trace in memory, timed, with the clauses it exercises.
    package func run(_ trace: Trace) async -> ReplayResult {
        let clock = ContinuousClock()
        let start = clock.now
        var result = await replayOnce(trace)
        result.duration = clock.now - start
        result.clauses = Validator.judge(trace).clauses
        return result
    }

    /// Replays a trace as `recovery` directs: on a fresh implementation
    /// when needed, probing silence with a reset, and once more on a fresh
    /// process when the trace's reset failed.
    private func replayOnce(_ trace: Trace) async -> ReplayResult {
        let file = trace.file ?? ""
        var fresh = false
        switch recovery.beforeTrace() {
        case .skipUnstartable(let failure):
            var result = ReplayResult(id: trace.header.id, file: file, verdict: .error,
                                      detail: "not replayed: the implementation could not be started (\(failure.message))", trace: trace)
            result.failure = failure
            return result
        case .skipUnresponsive(let failure, let traces):
            var result = ReplayResult(id: trace.header.id, file: file, verdict: .error,
                                      detail: "not replayed: the implementation did not answer reset in \(traces) traces in a row, "
                                          + "even on a fresh process (\(failure.message))", trace: trace)
            result.failure = failure
            result.failedAtReset = true
            return result
        case .start:
            let started = makeImplementation()
            do {
                let greeting = try await started.start()
                implementation = started
                self.greeting = greeting
                implementationName = greeting.implementation
                recovery.started()
                fresh = true
            } catch {
                recovery.startFailed(error)
                var result = ReplayResult(id: trace.header.id, file: file, verdict: .error,
                                          detail: "the implementation did not start: \(error.message)", trace: trace)
                result.failure = error
                result.startupLog = await started.startupLog()
                await started.stop()
                return result
            }
        case .replay:
            break
        }
        guard let current = implementation, let greeting else {
            // Stopped by `finish` since: start one again.
            recovery.stopped()
            return await replayOnce(trace)
        }
        var result = await Replayer.replay(trace, on: current, greeting: greeting, options: options)
        if fresh { result.startupLog = await current.startupLog() }
        var missingOutput = false
        if result.verdict == .fail, case .missing? = result.divergence?.kind { missingOutput = true }
        var next = recovery.replayed(.init(isError: result.verdict == .error, missingOutput: missingOutput,
                                           failedAtReset: result.failedAtReset, failure: result.failure))
        if case .probe(let within) = next {
            // Silence may be a missing output or a hang. A reset tells them
            // apart: a live implementation answers it (the next trace resets
            // again anyway); a hung one is this trace's error.
            do {
                try await current.reset(trace: trace.header.id, setup: trace.header.setup, within: within)
                next = recovery.probed(answered: true)
            } catch {
                result.verdict = .error
                result.failure = HarnessFailure(.timeout, "the implementation stopped answering: \(error.message)")
                result.detail = "the implementation hung: \(result.detail), and it did not answer a reset afterwards"
                next = recovery.probed(answered: false)
            }
        }
        switch next {
        case .keep, .probe:
            return result
        case .discard:
            await discard(current)
            return result
        case .discardAndRetry:
            await discard(current)
            var retried = await replayOnce(trace)
            if retried.verdict != .error {
                retried.log.insert("(the previous process did not answer reset; this trace ran on a fresh one)", at: 0)
            }
            return retried
        }
    }

    private func discard(_ current: ImplementationUnderTest) async {
        await current.abort()
        implementation = nil
        greeting = nil
    }

    /// Stops the implementation (end of the suite).
    package func finish() async {
        recovery.stopped()
        await implementation?.stop()
        implementation = nil
        greeting = nil
    }

    static func fallbackID(_ file: String) -> String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        return name.hasSuffix(".xml") ? String(name.dropLast(4)) : name
    }
}
