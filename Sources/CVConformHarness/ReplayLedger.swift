import CVConformModel
import CVConformTrace
import CVConformWire

/// The bookkeeping of a replay (contract section 5): which messages of the
/// trace are stimuli and which expected outputs, which outputs have been
/// observed on each channel, which stimuli may go out now, and what
/// happened. It is told what arrives rather than waiting for it, so one
/// ledger serves a replay that pulls outputs one by one (`ReplayEngine`:
/// `run`, `explore`) and one that has them pushed, cell by cell (`load`).
/// Messages can be appended as the replay goes.
package struct ReplayLedger: Sendable {
    package let greeting: Greeting
    private(set) var entries: [TraceEntry] = []
    private(set) var kinds: [ReplayRole] = []
    /// Trace indexes of expected outputs, per channel slot, in trace order,
    /// and how many of each have been observed.
    private var expectedBySlot = Array(repeating: [Int](), count: ReplayLedger.slots)
    private var observedBySlot = Array(repeating: 0, count: ReplayLedger.slots)
    /// All expected output indexes in trace order, and how many of the
    /// leading ones have been observed.
    private var outputIndexes: [Int] = []
    private var observed: [Bool] = []
    private var lowestUnobserved = 0
    /// Where sending stopped: every stimulus before it has been sent.
    private(set) var nextToSend = 0
    private(set) var events: [ReplayEvent] = []
    private(set) var lastStimulus: Int?
    /// The stimuli of the last batch sent back to back (stimuli that expect
    /// nothing go out together): any of them may be the one an output or a
    /// failure comes from. An output observed in between does not settle
    /// which: it may come from any of them.
    private(set) var unconfirmed: [Int] = []
    /// Keep the events (for reports); `load` does not need them.
    package var keepsEvents = true
    /// Stop before a stimulus that follows internal messages the
    /// implementation does not report (RUN-35): the engine then asks the
    /// implementation whether it is idle before sending it. Set by engines
    /// whose implementation offers "sync".
    package var syncsAfterHiddenMessages = false
    /// A message the implementation does not report was passed since the
    /// last stimulus or sync.
    private var hiddenSinceSync = false
    /// Sending stopped before a stimulus that waits for `synced()`.
    package private(set) var wantsSync = false

    private static var slots: Int { Channel.count }
    private static func slot(_ channel: Channel) -> Int { channel.number }

    package init(greeting: Greeting) {
        self.greeting = greeting
    }

    /// Empty again, as made, keeping its storage and its settings
    /// (`keepsEvents`, `syncsAfterHiddenMessages`): `load` starts each step
    /// of a cell in the ledger of its last step, and a new ledger per step
    /// was a dozen allocations.
    package mutating func clear() {
        entries.removeAll(keepingCapacity: true)
        kinds.removeAll(keepingCapacity: true)
        for slot in expectedBySlot.indices where !expectedBySlot[slot].isEmpty {
            expectedBySlot[slot].removeAll(keepingCapacity: true)
        }
        for slot in observedBySlot.indices { observedBySlot[slot] = 0 }
        outputIndexes.removeAll(keepingCapacity: true)
        observed.removeAll(keepingCapacity: true)
        lowestUnobserved = 0
        nextToSend = 0
        events.removeAll(keepingCapacity: true)
        lastStimulus = nil
        unconfirmed.removeAll(keepingCapacity: true)
        hiddenSinceSync = false
        wantsSync = false
    }

    package var involvesImplementation: Bool { kinds.contains { $0 != .notInvolved } }

    /// Adds messages at the end of the trace.
    package mutating func append(_ more: some Sequence<TraceEntry>) {
        for entry in more { append(entry) }
    }

    /// One entry more. (Explore appends each message of each step; through
    /// the generic sequence above, unspecialised across modules, that was
    /// a twentieth of explore.)
    package mutating func append(_ entry: TraceEntry) {
        let index = entries.count
        let kind = ReplayRole.of(entry.message, greeting: greeting)
        entries.append(entry)
        kinds.append(kind)
        observed.append(false)
        if kind == .output {
            outputIndexes.append(index)
            expectedBySlot[Self.slot(entry.message.channel)].append(index)
        }
    }

    /// The oldest expected output not observed yet, if any.
    package var oldestOwed: Int? { lowestUnobserved < outputIndexes.count ? outputIndexes[lowestUnobserved] : nil }

    /// Whether an expected output not observed yet names the session: the
    /// model is done with a step before its outputs come, so while they
    /// come this is what says the session is still in play.
    package func owesMessage(naming session: String) -> Bool {
        for index in outputIndexes[lowestUnobserved...] where !observed[index] {
            if entries[index].message.parameters[.session] == session { return true }
        }
        return false
    }

    /// Every output placed so far has been observed and every stimulus sent.
    package var isSettled: Bool { oldestOwed == nil && nextToSend == entries.count }

    /// The stimuli that may go out now, in order: those not sent yet with no
    /// unobserved output placed before them. They count as sent.
    package mutating func takeSendable() -> [Message] {
        var ready: [Message] = []
        takeSendable(into: &ready)
        return ready
    }

    /// `takeSendable()` appending to the caller's list, which it keeps from
    /// call to call (the engine calls this for every stimulus, and two new
    /// lists each time were a tenth of explore's allocations).
    package mutating func takeSendable(into ready: inout [Message]) {
        var startedBatch = false
        while nextToSend < entries.count {
            let index = nextToSend
            if syncsAfterHiddenMessages && kinds[index] == .notInvolved && isHidden(entries[index].message) {
                hiddenSinceSync = true
            }
            if kinds[index] == .stimulus {
                if let owed = oldestOwed, owed < index { break }
                if hiddenSinceSync {
                    wantsSync = true
                    break
                }
                lastStimulus = index
                if !startedBatch {
                    startedBatch = true
                    unconfirmed.removeAll(keepingCapacity: true)
                }
                unconfirmed.append(index)
                if keepsEvents { events.append(.sent(index)) }
                ready.append(entries[index].message)
            }
            nextToSend += 1
        }
    }

    /// The implementation said it was idle: the messages it does not report
    /// are done, and sending goes on.
    package mutating func synced() {
        hiddenSinceSync = false
        wantsSync = false
    }

    /// A message between two roles the implementation plays, which it does
    /// not report.
    private func isHidden(_ message: Message) -> Bool {
        !greeting.reportsInternal && greeting.plays(message.from) && greeting.plays(message.to)
    }

    /// An output from the implementation: it must be the next expected on
    /// its channel.
    package mutating func observe(_ message: Message) throws(ReplayStop) {
        try check(message)
        let slot = Self.slot(message.channel)
        let queue = expectedBySlot[slot]
        let next = observedBySlot[slot]
        guard next < queue.count, entries[queue[next]].message == message else {
            events.append(.unexpected(message))
            let index = next < queue.count ? queue[next] : nil
            throw .diverged(Divergence(kind: .unexpected(message), expectedIndex: index, expected: index.map { entries[$0].message }))
        }
        observedBySlot[slot] = next + 1
        observed[queue[next]] = true
        if keepsEvents { events.append(.observed(queue[next])) }
        while lowestUnobserved < outputIndexes.count && observed[outputIndexes[lowestUnobserved]] { lowestUnobserved += 1 }
    }

    /// An output after everything owed was observed: extra.
    package mutating func extra(_ message: Message) throws(ReplayStop) -> Never {
        try check(message)
        events.append(.unexpected(message))
        throw .diverged(Divergence(kind: .extra(message)))
    }

    /// The oldest owed output, as a divergence (it did not come).
    package func missing(waited: Duration, idleConfirmed: Bool) -> Divergence? {
        guard let index = oldestOwed else { return nil }
        var divergence = Divergence(kind: .missing, expectedIndex: index, expected: entries[index].message, waited: waited)
        divergence.idleConfirmed = idleConfirmed
        return divergence
    }

    /// A message from a role the implementation does not play, or on a
    /// channel internal to it when it said it would not report those: the
    /// protocol is broken.
    private func check(_ message: Message) throws(ReplayStop) {
        try Self.check(message, greeting: greeting)
    }

    /// The same check for any replay of this implementation.
    package static func check(_ message: Message, greeting: Greeting) throws(ReplayStop) {
        guard greeting.plays(message.from) else {
            let played = greeting.roles.sorted().map(\.rawValue).joined(separator: ", ")
            throw .failed(HarnessFailure(.protocolViolation,
                                         "the implementation wrote a message from \(message.from.rawValue), a role it does not play (\(played)): \(message)"))
        }
        if greeting.plays(message.to) && !greeting.reportsInternal {
            throw .failed(HarnessFailure(.protocolViolation,
                                         "the implementation wrote \(message), but \(message.channel) is internal to it "
                                         + "(it plays both roles) and its hello said \"internal\": false, so such messages are not expected"))
        }
    }

    /// Fills a result with what stopped the replay.
    package func record(_ stop: ReplayStop, into result: inout ReplayResult, setup: Administration) {
        switch stop {
        case .diverged(let divergence):
            result.verdict = .fail
            result.divergence = explain(divergence, setup: setup)
            result.detail = divergence.summary
        case .failed(let failure, let atReset):
            Self.record(failure, atReset: atReset, candidates: blame(for: nil).candidates.map { ($0, entries[$0].message) }, into: &result)
        }
    }

    /// Which stimulus an output (or a failure, with no output) is blamed
    /// on: of the stimuli sent since the last output, those the model says
    /// could cause such an output (directly or through the roles that
    /// relay it); `blamed` when one is left, else every candidate.
    package func blame(for output: Message?) -> (blamed: Int?, candidates: [Int]) {
        var candidates = unconfirmed.isEmpty ? (lastStimulus.map { [$0] } ?? []) : unconfirmed
        if let output {
            let able = candidates.filter { EmissionTable.reference.canCause(entries[$0].message, output) }
            if !able.isEmpty { candidates = able }
        }
        return (candidates.count == 1 ? candidates[0] : nil, candidates)
    }

    /// Fills a result with a harness failure: an error, blamed on the reset,
    /// on the stimulus it was handling, or on the stimuli sent back to back
    /// any of which it may have been handling (0-based places and messages).
    package static func record(_ failure: HarnessFailure, atReset: Bool, candidates: [(Int, Message)], into result: inout ReplayResult) {
        result.verdict = .error
        result.failure = failure
        result.failedAtReset = atReset
        if atReset {
            result.detail = "at the reset before the trace: " + failure.message
        } else if candidates.count == 1, let (index, message) = candidates.first {
            result.detail = failure.message + " (while handling the stimulus at message \(index + 1): \(message))"
        } else if let first = candidates.first, let last = candidates.last {
            result.detail = failure.message + " (while handling one of the stimuli at messages \(first.0 + 1)–\(last.0 + 1), sent back to back: "
                + candidates.map { "\($0.0 + 1) \($0.1)" }.joined(separator: "; ") + ")"
        } else {
            result.detail = failure.message
        }
    }

    /// Adds the last stimulus and the reference model's view to a divergence:
    /// the state of the role that had to decide, taken just before it
    /// received the message that decided (what the implementation knew when
    /// it chose), and the clause that decides.
    package func explain(_ divergence: Divergence, setup: Administration, from start: ReferenceSystem? = nil) -> Divergence {
        var explained = divergence
        switch divergence.kind {
        case .missing:
            // The stimulus whose messages the missing one belongs to: the last placed before it.
            if let expected = divergence.expectedIndex,
               let cause = entries.indices.prefix(expected).last(where: { kinds[$0] == .stimulus && $0 < nextToSend }) ?? lastStimulus {
                explained.lastStimulusIndex = cause
                explained.lastStimulus = entries[cause].message
            }
        case .unexpected(let message), .extra(let message):
            let (blamed, candidates) = blame(for: message)
            explained.stimulusCannotCause = !candidates.isEmpty
                && !candidates.contains { EmissionTable.reference.canCause(entries[$0].message, message) }
            if let chosen = blamed ?? candidates.last {
                explained.lastStimulusIndex = chosen
                explained.lastStimulus = entries[chosen].message
            }
            if candidates.count > 1 {
                explained.candidateStimulusIndexes = candidates
                explained.candidateStimuli = candidates.map { entries[$0].message }
            }
        }
        let end: Int
        switch divergence.kind {
        case .extra: end = entries.count
        case .missing, .unexpected:
            end = divergence.expectedIndex ?? (lowestUnobserved < outputIndexes.count ? outputIndexes[lowestUnobserved] : entries.count)
        }
        let causes = ModelCauses(messages: entries.prefix(end).map(\.message), setup: setup, from: start)
        let sender: Role
        switch divergence.kind {
        case .missing: sender = divergence.expected?.from ?? .icm
        case .unexpected(let message), .extra(let message): sender = divergence.expected?.from ?? message.from
        }
        if let expected = divergence.expected {
            let cause = causes.cause(ofNextOn: expected.channel)
            explained.clause = causes.monitor.owed(on: expected.channel).first?.clause
            explained.modelState = "\(sender.rawValue) before it received \(cause.map { "message \($0 + 1)" } ?? "it") "
                + "(the state it decided in): \(causes.state(of: sender, before: cause))"
        } else if case .unexpected(let message) = divergence.kind {
            explained.modelState = "\(sender.rawValue): \(causes.monitor.system.state(of: sender))"
            var monitor = causes.monitor
            if case .rejected(let rejection) = monitor.observe(message) { explained.clause = rejection.clause }
        } else if case .extra(let message) = divergence.kind {
            explained.modelState = "\(sender.rawValue): \(causes.monitor.system.state(of: sender))"
            var monitor = causes.monitor
            if case .rejected(let rejection) = monitor.observe(message) { explained.clause = rejection.clause }
        }
        return explained
    }
}
