import CVConformModel
import CVConformTrace

/// A verdict of one trace. Verdicts only move upward, as in TTCN-3:
/// pass < skip < fail < error; harness faults are `error`, never `fail`.
public enum Verdict: String, CaseIterable, Hashable, Sendable, Comparable {
    case pass, skip, fail, error

    public static func < (lhs: Verdict, rhs: Verdict) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// The replay timing of contract section 5.
public struct ReplayOptions: Hashable, Sendable {
    /// How long to wait for each expected output.
    public var timeout: Duration
    /// How long to listen for stray outputs after the last message.
    public var quietPeriod: Duration

    public init(timeout: Duration = .seconds(2), quietPeriod: Duration = .milliseconds(100)) {
        self.timeout = timeout
        self.quietPeriod = quietPeriod
    }
}

/// What the harness does with each message of a trace, given the roles the
/// implementation plays (contract section 5).
public enum ReplayRole: Hashable, Sendable {
    /// From a role outside the implementation to one inside: sent to it.
    case stimulus
    /// From a role inside: expected from it.
    case output
    /// Between two roles outside, or internal and not reported.
    case notInvolved

    public static func of(_ message: Message, greeting: Greeting) -> ReplayRole {
        let fromInside = greeting.roles.contains(message.from)
        let toInside = greeting.roles.contains(message.to)
        switch (fromInside, toInside) {
        case (false, true): return .stimulus
        case (true, false): return .output
        case (true, true): return greeting.reportsInternal ? .output : .notInvolved
        case (false, false): return .notInvolved
        }
    }
}

/// One thing that happened during a replay, for reports and charts.
public enum ReplayEvent: Hashable, Sendable {
    /// The stimulus at this 0-based trace index was sent.
    case sent(Int)
    /// The expected output at this index was observed.
    case observed(Int)
    /// An output that was not the next expected on its channel.
    case unexpected(Message)
}

/// The first place where an implementation and a trace part ways.
public struct Divergence: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// An output arrived that is not the next expected one on its channel.
        case unexpected(Message)
        /// The expected output did not arrive in time.
        case missing
        /// An output arrived after the last message of the trace.
        case extra(Message)
    }

    public var kind: Kind
    /// The expected output (0-based trace index and message), if any.
    public var expectedIndex: Int?
    public var expected: Message?
    /// The last stimulus sent before it (0-based trace index).
    public var lastStimulusIndex: Int?
    public var lastStimulus: Message?
    /// The reference model's view: the sending role's state and the clause
    /// that owes the expected message (or decided that nothing is owed).
    public var modelState: String?
    public var clause: Clause?
    /// How long the harness waited for a missing output.
    public var waited: Duration?

    /// One paragraph for a person: what was sent, what was expected, what came.
    public var explanation: [String] {
        var lines: [String] = []
        if let lastStimulus, let index = lastStimulusIndex {
            lines.append("after stimulus \(index + 1): \(lastStimulus)")
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
            lines.append("observed: nothing within \(waited.map { "\($0)" } ?? "the timeout")")
        case .extra(let message):
            lines.append("expected: nothing more (the trace has ended)")
            lines.append("observed: \(message)")
        }
        if let modelState { lines.append("reference model: \(modelState)") }
        if let clause { lines.append("clause \(clause.id): \(clause.summary)") }
        return lines
    }

    /// The one-line form for JSON and JUnit.
    public var summary: String {
        switch kind {
        case .unexpected(let message):
            if let expected, let index = expectedIndex {
                return "message \(index + 1): expected \(expected), observed \(message)"
            }
            return "unexpected output \(message): nothing (more) is expected on \(message.channel)"
        case .missing:
            if let expected, let index = expectedIndex {
                return "message \(index + 1): expected \(expected), observed nothing within \(waited.map { "\($0)" } ?? "the timeout")"
            }
            return "an expected output did not arrive"
        case .extra(let message):
            return "extra output after the last message: \(message)"
        }
    }
}

/// The result of replaying one trace.
public struct ReplayResult: Hashable, Sendable {
    public var id: String
    public var file: String
    public var verdict: Verdict
    /// One line: why, for anything but pass.
    public var detail: String
    public var divergence: Divergence?
    public var failure: HarnessFailure?
    public var events: [ReplayEvent] = []
    /// The implementation's log around the trace (its stderr).
    public var log: [String] = []
    /// The trace as replayed (nil when it could not be read).
    public var trace: Trace?
    public var roles: ReplayRoles?
    /// The clauses the trace exercises, as the reference model judges it
    /// (`Validator.judge`): for coverage, computed once per trace.
    public var clauses: [Clause] = []
    /// How long the trace took, from the start of its replay to its verdict
    /// (a fresh process started for it included).
    public var duration: Duration = .zero

    public init(id: String, file: String, verdict: Verdict, detail: String, trace: Trace? = nil) {
        self.id = id
        self.file = file
        self.verdict = verdict
        self.detail = detail
        self.trace = trace
    }
}

/// The implementation's roles as the replay saw them, for charts.
public struct ReplayRoles: Hashable, Sendable {
    public var played: Set<Role>
    public var reportsInternal: Bool
}

/// Replays one `pass` trace against an implementation (contract section 5).
public enum Replayer {
    static let resetFailurePrefix = "reset failed: "

    public static func replay(
        _ trace: Trace, on implementation: ImplementationUnderTest, greeting: Greeting, options: ReplayOptions
    ) async -> ReplayResult {
        var state = ReplayState(trace: trace, greeting: greeting)
        var result = ReplayResult(id: trace.header.id, file: trace.file ?? "", verdict: .pass, detail: "", trace: trace)
        result.roles = ReplayRoles(played: greeting.roles, reportsInternal: greeting.reportsInternal)
        guard state.involvesImplementation else {
            result.verdict = .skip
            let played = greeting.roles.sorted().map(\.rawValue).joined(separator: ", ")
            result.detail = "the trace involves no role the implementation plays (\(played))"
            return result
        }
        do {
            try await state.run(implementation, options: options)
        } catch {
            switch error {
            case .diverged(let divergence):
                result.verdict = .fail
                result.divergence = state.explain(divergence)
                result.detail = divergence.summary
            case .failed(let failure):
                result.verdict = .error
                result.failure = failure
                let place = state.lastStimulus.map { " (after stimulus \($0 + 1))" } ?? ""
                result.detail = failure.message + place
            }
        }
        result.events = state.events
        result.log = await implementation.logTail()
        return result
    }
}

enum ReplayStop: Error {
    case diverged(Divergence)
    case failed(HarnessFailure)
}

/// The bookkeeping of one replay: which outputs are expected on which
/// channel, and which have been observed.
struct ReplayState {
    let trace: Trace
    let greeting: Greeting
    let kinds: [ReplayRole]
    /// Trace indexes of expected outputs, per channel, in trace order.
    private var expected: [Channel: [Int]] = [:]
    private var nextOnChannel: [Channel: Int] = [:]
    /// All expected output indexes in trace order, and how many of the
    /// leading ones have been observed.
    private let outputIndexes: [Int]
    private var observed: [Bool]
    private var lowestUnobserved = 0
    private(set) var events: [ReplayEvent] = []
    private(set) var lastStimulus: Int?

    init(trace: Trace, greeting: Greeting) {
        self.trace = trace
        self.greeting = greeting
        kinds = trace.entries.map { ReplayRole.of($0.message, greeting: greeting) }
        var outputs: [Int] = []
        for (index, kind) in kinds.enumerated() where kind == .output {
            outputs.append(index)
            expected[trace.entries[index].message.channel, default: []].append(index)
        }
        outputIndexes = outputs
        observed = Array(repeating: false, count: trace.entries.count)
    }

    var involvesImplementation: Bool { kinds.contains { $0 != .notInvolved } }

    mutating func run(_ implementation: ImplementationUnderTest, options: ReplayOptions) async throws(ReplayStop) {
        do {
            try await implementation.reset(trace: trace.header.id, setup: trace.header.setup)
        } catch {
            throw .failed(HarnessFailure(error.kind, Replayer.resetFailurePrefix + error.message))
        }
        for (index, kind) in kinds.enumerated() where kind == .stimulus {
            try await awaitOutputs(before: index, from: implementation, options: options)
            lastStimulus = index
            do {
                try await implementation.send(trace.entries[index].message)
            } catch {
                throw .failed(error)
            }
            events.append(.sent(index))
        }
        try await awaitOutputs(before: trace.entries.count, from: implementation, options: options)
        // The quiet period, or (capability "sync") the implementation's word
        // that it is idle, with whatever it still wrote before saying so.
        let extra: Message?
        do {
            if let late = try await implementation.confirmIdle(timeout: options.timeout) {
                extra = late.first
            } else {
                extra = try await implementation.receive(timeout: options.quietPeriod)
            }
        } catch {
            throw .failed(error)
        }
        if let extra {
            try check(extra)
            events.append(.unexpected(extra))
            throw .diverged(Divergence(kind: .extra(extra)))
        }
    }

    /// Waits until every expected output placed before `limit` is observed.
    private mutating func awaitOutputs(
        before limit: Int, from implementation: ImplementationUnderTest, options: ReplayOptions
    ) async throws(ReplayStop) {
        while lowestUnobserved < outputIndexes.count && outputIndexes[lowestUnobserved] < limit {
            let message: Message?
            do {
                message = try await implementation.receive(timeout: options.timeout)
            } catch {
                throw .failed(error)
            }
            guard let message else {
                let index = outputIndexes[lowestUnobserved]
                throw .diverged(Divergence(kind: .missing, expectedIndex: index, expected: trace.entries[index].message,
                                           waited: options.timeout))
            }
            try match(message)
        }
    }

    private func check(_ message: Message) throws(ReplayStop) {
        guard greeting.roles.contains(message.from) else {
            let played = greeting.roles.sorted().map(\.rawValue).joined(separator: ", ")
            throw .failed(HarnessFailure(.protocolViolation,
                                         "the implementation wrote a message from \(message.from.rawValue), a role it does not play (\(played)): \(message)"))
        }
    }

    private mutating func match(_ message: Message) throws(ReplayStop) {
        try check(message)
        let channel = message.channel
        let queue = expected[channel] ?? []
        let next = nextOnChannel[channel, default: 0]
        guard next < queue.count, trace.entries[queue[next]].message == message else {
            events.append(.unexpected(message))
            let index = next < queue.count ? queue[next] : nil
            throw .diverged(Divergence(kind: .unexpected(message), expectedIndex: index,
                                       expected: index.map { trace.entries[$0].message }))
        }
        nextOnChannel[channel] = next + 1
        observed[queue[next]] = true
        events.append(.observed(queue[next]))
        while lowestUnobserved < outputIndexes.count && observed[outputIndexes[lowestUnobserved]] { lowestUnobserved += 1 }
    }

    /// Adds the last stimulus and the reference model's view to a divergence.
    func explain(_ divergence: Divergence) -> Divergence {
        var explained = divergence
        if let lastStimulus {
            explained.lastStimulusIndex = lastStimulus
            explained.lastStimulus = trace.entries[lastStimulus].message
        }
        // Run the model over the trace up to the point in question.
        let end: Int
        switch divergence.kind {
        case .extra: end = trace.entries.count
        case .missing, .unexpected:
            end = divergence.expectedIndex ?? (lowestUnobserved < outputIndexes.count ? outputIndexes[lowestUnobserved] : trace.entries.count)
        }
        var monitor = Monitor(administration: trace.header.setup)
        for entry in trace.entries.prefix(end) { _ = monitor.observe(entry.message) }
        switch divergence.kind {
        case .missing:
            if let expected = divergence.expected {
                explained.modelState = "\(expected.from.rawValue): \(monitor.system.state(of: expected.from))"
                explained.clause = monitor.owed(on: expected.channel).first?.clause
            }
        case .unexpected(let message), .extra(let message):
            let sender = divergence.expected?.from ?? message.from
            explained.modelState = "\(sender.rawValue): \(monitor.system.state(of: sender))"
            if let expected = divergence.expected {
                explained.clause = monitor.owed(on: expected.channel).first?.clause
            } else if case .rejected(let rejection) = monitor.observe(message) {
                explained.clause = rejection.clause
            }
        }
        return explained
    }
}
