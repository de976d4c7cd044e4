import CVConformModel
import CVConformTrace
import CVConformWire

/// Replays a list of trace files against one implementation: one process
/// (or connection) serves the suite, `reset` between traces; after an
/// `error` the next trace gets a fresh one.
public actor SuiteRunner {
    public typealias Factory = @Sendable () -> ImplementationUnderTest

    private let makeImplementation: Factory
    private let options: ReplayOptions
    private var implementation: ImplementationUnderTest?
    private var greeting: Greeting?
    /// Starts that failed in a row; after two, the rest is not tried again.
    private var failedStarts = 0
    private var lastStartFailure: HarnessFailure?

    /// The implementation's name from `hello`, once it has said it.
    public private(set) var implementationName: String?

    public init(options: ReplayOptions, makeImplementation: @escaping Factory) {
        self.options = options
        self.makeImplementation = makeImplementation
    }

    /// Replays one file: read, start the implementation if needed, replay.
    public func run(file: String) async -> ReplayResult {
        let trace: Trace
        do {
            trace = try Trace.read(file: file)
        } catch {
            var result = ReplayResult(id: Self.fallbackID(file), file: file, verdict: .error,
                                      detail: "the trace is malformed: \(error)")
            result.malformation = error
            return result
        }
        return await run(trace)
    }

    /// Replays one trace in memory, timed, with the clauses it exercises.
    public func run(_ trace: Trace) async -> ReplayResult {
        let clock = ContinuousClock()
        let start = clock.now
        var result = await replay(trace)
        result.duration = clock.now - start
        result.clauses = Validator.judge(trace).clauses
        return result
    }

    private func replay(_ trace: Trace) async -> ReplayResult {
        let file = trace.file ?? ""
        if let lastStartFailure, failedStarts >= 2 {
            var result = ReplayResult(id: trace.header.id, file: file, verdict: .error,
                                      detail: "not replayed: the implementation could not be started (\(lastStartFailure.message))", trace: trace)
            result.failure = lastStartFailure
            return result
        }
        if let lastResetFailure, unansweredResets >= 2 {
            var result = ReplayResult(id: trace.header.id, file: file, verdict: .error,
                                      detail: "not replayed: the implementation did not answer reset in \(unansweredResets) traces in a row, "
                                          + "even on a fresh process (\(lastResetFailure.message))", trace: trace)
            result.failure = lastResetFailure
            result.failedAtReset = true
            return result
        }
        let current: ImplementationUnderTest
        let greeting: Greeting
        var fresh = false
        if let implementation, let known = self.greeting {
            current = implementation
            greeting = known
        } else {
            let started = makeImplementation()
            do {
                greeting = try await started.start()
                current = started
                implementation = started
                self.greeting = greeting
                implementationName = greeting.implementation
                failedStarts = 0
                fresh = true
            } catch {
                failedStarts += 1
                lastStartFailure = error
                var result = ReplayResult(id: trace.header.id, file: file, verdict: .error,
                                          detail: "the implementation did not start: \(error.message)", trace: trace)
                result.failure = error
                result.startupLog = await started.startupLog()
                await started.stop()
                return result
            }
        }
        var result = await Replayer.replay(trace, on: current, greeting: greeting, options: options)
        if fresh { result.startupLog = await current.startupLog() }
        if result.failedAtReset && retrying, let failure = result.failure, failure.kind == .timeout {
            // Even a fresh process did not answer reset: after two such
            // traces in a row the rest is not tried (a run ends in seconds,
            // not traces × two timeouts).
            unansweredResets += 1
            lastResetFailure = failure
        } else if !result.failedAtReset {
            unansweredResets = 0
        }
        if result.verdict == .fail, case .missing? = result.divergence?.kind {
            // Silence may be a missing output or a hang. A reset tells them
            // apart: a live implementation answers it (the next trace resets
            // again anyway); a hung one is this trace's error.
            // A live process answers a reset at once. The first probe allows a
            // quarter of the timeout (at least 0.5 s); once this implementation
            // has hung, 50 ms, so a run against one that hangs in every trace
            // still ends within about traces × timeout plus a constant.
            let probe = hangs == 0 ? max(options.timeout / 4, .milliseconds(500)) : .milliseconds(50)
            do {
                try await current.reset(trace: trace.header.id, setup: trace.header.setup, within: probe)
            } catch {
                result.verdict = .error
                result.failure = HarnessFailure(.timeout, "the implementation stopped answering: \(error.message)")
                result.detail = "the implementation hung: \(result.detail), and it did not answer a reset afterwards"
                hangs += 1
            }
        }
        if result.verdict == .error {
            await current.abort()
            implementation = nil
            self.greeting = nil
            // A reset that fails says more about the previous trace (which
            // left the implementation hung) than about this one, which has
            // not begun: give this one a fresh process, once.
            if result.failedAtReset && !retrying {
                retrying = true
                defer { retrying = false }
                var retried = await run(trace)
                if retried.verdict != .error {
                    retried.log.insert("(the previous process did not answer reset; this trace ran on a fresh one)", at: 0)
                }
                return retried
            }
        }
        return result
    }

    private var retrying = false
    /// Traces in a row whose reset went unanswered even on a fresh process.
    private var unansweredResets = 0
    private var lastResetFailure: HarnessFailure?
    /// Traces in which this implementation hung (see the probe above).
    private var hangs = 0

    /// Stops the implementation (end of the suite).
    public func finish() async {
        await implementation?.stop()
        implementation = nil
        greeting = nil
    }

    static func fallbackID(_ file: String) -> String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        return name.hasSuffix(".xml") ? String(name.dropLast(4)) : name
    }
}
