import CVConformModel
import CVConformTrace
import CVConformWire

/// A verdict of one trace. Verdicts only move upward, as in TTCN-3:
/// pass < skip < fail < error; harness faults are `error`, never `fail`.
package enum Verdict: String, CaseIterable, Hashable, Sendable, Comparable {
    case pass, skip, fail, error

    package static func < (lhs: Verdict, rhs: Verdict) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// The replay timing of contract section 5.
package struct ReplayOptions: Hashable, Sendable {
    /// How long to wait for each expected output.
    package var timeout: Duration
    /// How long to listen for stray outputs after the last message.
    package var quietPeriod: Duration

    /// The bound on the states a racy trace's judge keeps (section 8).
    package var maxStates: Int

    package init(timeout: Duration = .seconds(2), quietPeriod: Duration = .milliseconds(100), maxStates: Int = RaceJudge.defaultMaxStates) {
        self.timeout = timeout
        self.quietPeriod = quietPeriod
        self.maxStates = maxStates
    }
}

/// What the harness does with each message of a trace, given the roles the
/// implementation plays (contract section 5).
package enum ReplayRole: Hashable, Sendable {
    /// From a role outside the implementation to one inside: sent to it.
    case stimulus
    /// From a role inside: expected from it.
    case output
    /// Between two roles outside, or internal and not reported.
    case notInvolved

    package static func of(_ message: Message, greeting: Greeting) -> ReplayRole {
        let fromInside = greeting.plays(message.from)
        let toInside = greeting.plays(message.to)
        switch (fromInside, toInside) {
        case (false, true): return .stimulus
        case (true, false): return .output
        case (true, true): return greeting.reportsInternal ? .output : .notInvolved
        case (false, false): return .notInvolved
        }
    }
}

/// One thing that happened during a replay, for reports and charts.
package enum ReplayEvent: Hashable, Sendable {
    /// The stimulus at this 0-based trace index was sent.
    case sent(Int)
    /// The expected output at this index was observed.
    case observed(Int)
    /// An output that was not the next expected on its channel.
    case unexpected(Message)
}

/// The first place where an implementation and a trace part ways.
package struct Divergence: Hashable, Sendable {
    package enum Kind: Hashable, Sendable {
        /// An output arrived that is not the next expected one on its channel.
        case unexpected(Message)
        /// The expected output did not arrive in time.
        case missing
        /// An output arrived after the last message of the trace.
        case extra(Message)
    }

    package var kind: Kind
    /// The expected output (0-based trace index and message), if any.
    package var expectedIndex: Int?
    package var expected: Message?
    /// The last stimulus sent before it (0-based trace index).
    package var lastStimulusIndex: Int?
    package var lastStimulus: Message?
    /// When the model cannot tell which of several stimuli sent back to
    /// back caused the output: all of them (0-based places), in order.
    package var candidateStimulusIndexes: [Int] = []
    package var candidateStimuli: [Message] = []
    /// The reference model's view: the sending role's state and the clause
    /// that owes the expected message (or decided that nothing is owed).
    package var modelState: String?
    package var clause: Clause?
    /// How long the harness waited for a missing output.
    package var waited: Duration?
    /// A missing output was judged missing because the implementation said
    /// it was idle (capability "sync"), not after a timeout.
    package var idleConfirmed = false
    /// For a racy trace: the judge's own explanation (every interleaving
    /// the model allows, not the trace's literal order), which replaces
    /// the serial one.
    package var race: RaceDivergence?
    /// The output is one no stimulus sent since the last output leads to
    /// (by the model's emission table): said, so the stimulus named is not
    /// taken for its cause.
    package var stimulusCannotCause = false

    package init(kind: Kind, expectedIndex: Int? = nil, expected: Message? = nil,
                lastStimulusIndex: Int? = nil, lastStimulus: Message? = nil,
                modelState: String? = nil, clause: Clause? = nil,
                waited: Duration? = nil, idleConfirmed: Bool = false) {
        self.kind = kind
        self.expectedIndex = expectedIndex
        self.expected = expected
        self.lastStimulusIndex = lastStimulusIndex
        self.lastStimulus = lastStimulus
        self.modelState = modelState
        self.clause = clause
        self.waited = waited
        self.idleConfirmed = idleConfirmed
    }

    /// One paragraph for a person: what was sent, what was expected, what came.
    package var explanation: [String] {
        if let race { return race.lines }
        var lines: [String] = []
        if candidateStimuli.count > 1, let first = candidateStimulusIndexes.first, let last = candidateStimulusIndexes.last {
            let which = stimulusCannotCause ? "none of which leads to such a message" : "any of which may have caused it"
            lines.append("after the stimuli at messages \(first + 1)–\(last + 1), sent back to back, \(which): "
                         + zip(candidateStimulusIndexes, candidateStimuli).map { "\($0 + 1) \($1)" }.joined(separator: "; "))
        } else if let lastStimulus, let index = lastStimulusIndex {
            lines.append("after the stimulus at message \(index + 1): \(lastStimulus)"
                         + (stimulusCannotCause ? ", which leads to no such message" : ""))
        } else {
            lines.append("before any stimulus was sent")
        }
        switch kind {
        case .unexpected(let message):
            if let expected, let index = expectedIndex {
                lines.append("expected: \(expected) (message \(index + 1))")
            } else {
                lines.append("expected on \(message.channel): nothing (more)")
            }
            lines.append("observed: \(message)")
        case .missing:
            if let expected, let index = expectedIndex {
                lines.append("expected: \(expected) (message \(index + 1))")
            }
            lines.append("observed: nothing \(silence)")
        case .extra(let message):
            lines.append("expected: nothing more (the trace has ended)")
            lines.append("observed: \(message)")
        }
        if let modelState { lines.append("reference model: \(modelState)") }
        if let clause { lines.append("clause \(clause.id): \(clause.summary)") }
        return lines
    }

    /// How long nothing came: "within 2 seconds", or that the implementation
    /// confirmed it was idle.
    package var silence: String {
        if idleConfirmed { return "before the implementation said it was idle (sync)" }
        return "within \(waited.map { "\($0)" } ?? "the timeout")"
    }

    /// The one-line form for JSON and JUnit.
    package var summary: String {
        if let race { return race.summary }
        switch kind {
        case .unexpected(let message):
            if let expected, let index = expectedIndex {
                return "message \(index + 1): expected \(expected), observed \(message)"
            }
            return "unexpected output \(message): nothing (more) is expected on \(message.channel)"
        case .missing:
            if let expected, let index = expectedIndex {
                return "message \(index + 1): expected \(expected), observed nothing \(silence)"
            }
            return "an expected output did not arrive"
        case .extra(let message):
            return "extra output after the last message: \(message)"
        }
    }
}

/// The result of replaying one trace.
package struct ReplayResult: Hashable, Sendable {
    package var id: String
    package var file: String
    package var verdict: Verdict
    /// One line: why, for anything but pass.
    package var detail: String
    package var divergence: Divergence?
    package var failure: HarnessFailure?
    /// The failure happened at the reset before the trace (the trace had not
    /// begun; an earlier trace may have left the implementation hung).
    package var failedAtReset = false
    package var events: [ReplayEvent] = []
    /// What the implementation logged (its stderr) since this trace's
    /// reset, the last lines.
    package var log: [String] = []
    /// What it logged before its first reset (start-up), for the first trace
    /// a fresh process served.
    package var startupLog: [String] = []
    /// Why the trace file could not be read (the verdict is then `error`,
    /// and no implementation was involved).
    package var malformation: TraceError?
    /// The trace as replayed (nil when it could not be read).
    package var trace: Trace?
    package var roles: ReplayRoles?
    /// The clauses the trace exercises, as the reference model judges it
    /// (`Validator.judge`): for coverage, computed once per trace.
    package var clauses: [Clause] = []
    /// Whether the trace places a stimulus while messages are still owed
    /// (contract section 8): replayed without waiting, judged by every
    /// interleaving the model allows.
    package var racy = false
    /// How long the trace took, from the start of its replay to its verdict
    /// (a fresh process started for it included).
    package var duration: Duration = .zero
    /// The clause of its divergence as a report gave it, for a result read
    /// back from a JSON report (`merge --html`), where the divergence itself
    /// is not known.
    package var reportedClause: Clause?

    /// The clause of its divergence, if it diverged.
    package var clause: Clause? { divergence?.clause ?? reportedClause }

    package init(id: String, file: String, verdict: Verdict, detail: String, trace: Trace? = nil) {
        self.id = id
        self.file = file
        self.verdict = verdict
        self.detail = detail
        self.trace = trace
    }
}

/// The implementation's roles as the replay saw them, for charts.
package struct ReplayRoles: Hashable, Sendable {
    package var played: Set<Role>
    package var reportsInternal: Bool
}

/// Replays one `pass` trace against an implementation (contract section 5).
package enum Replayer {
    package static func replay(
        _ trace: Trace, on implementation: ImplementationUnderTest, greeting: Greeting, options: ReplayOptions
    ) async -> ReplayResult {
        // On the thread that does the implementation's I/O, when it has one.
        await withTaskExecutorPreference(implementation.taskExecutor) {
            await replayHere(trace, on: implementation, greeting: greeting, options: options)
        }
    }

    private static func replayHere(
        _ trace: Trace, on implementation: ImplementationUnderTest, greeting: Greeting, options: ReplayOptions
    ) async -> ReplayResult {
        var engine = ReplayEngine(greeting: greeting, options: options)
        engine.append(trace.entries)
        var result = ReplayResult(id: trace.header.id, file: trace.file ?? "", verdict: .pass, detail: "", trace: trace)
        result.roles = ReplayRoles(played: greeting.roles, reportsInternal: greeting.reportsInternal)
        let racingPlaces = trace.racingStimuli
        result.racy = !racingPlaces.isEmpty
        // Only a racy trace needs a race judge: serial ones pay nothing.
        var racing = result.racy ? RacyReplayEngine(trace: trace, racingPlaces: racingPlaces, greeting: greeting, options: options) : nil
        guard engine.involvesImplementation else {
            result.verdict = .skip
            let played = greeting.roles.sorted().map(\.rawValue).joined(separator: ", ")
            result.detail = "the trace involves no role the implementation plays (\(played))"
            return result
        }
        do throws(ReplayStop) {
            do {
                try await implementation.reset(trace: trace.header.id, setup: trace.header.setup)
            } catch {
                throw ReplayStop.failed(error, atReset: true)
            }
            if racing != nil {
                try await racing?.drive(implementation)
            } else {
                try await engine.drive(implementation)
                try await engine.finish(implementation)
            }
        } catch {
            if let racing {
                racing.record(error, into: &result)
            } else {
                engine.record(error, into: &result, setup: trace.header.setup)
            }
        }
        result.events = racing?.events ?? engine.events
        result.log = await implementation.logTail()
        return result
    }
}
