import CVConformModel
import CVConformTrace
import CVConformWire

/// How a racy replay parted ways with the model, in the race judge's terms:
/// what every surviving interleaving allowed, not the trace's literal order.
package struct RaceDivergence: Hashable, Sendable {
    package var summary: String
    package var lines: [String]

    package init(summary: String, lines: [String]) {
        self.summary = summary
        self.lines = lines
    }
}

/// Replays a racy `pass` trace (contract section 8). Each stimulus is sent
/// at its place: one the trace places while messages are still owed goes
/// out at once; any other waits until some interleaving consistent with
/// what was observed owes nothing more. Every output is judged by the race
/// judge, so any order the asynchronous semantics allows passes, and the
/// trace's own order is just one of them (RACE-4).
package struct RacyReplayEngine {
    private(set) var entries: [TraceEntry]
    package let racing: Set<Int>
    package let greeting: Greeting
    package let options: ReplayOptions
    package private(set) var judge: RaceJudge
    private(set) var events: [ReplayEvent] = []
    private(set) var lastStimulus: Int?
    /// Trace outputs already matched by an observed output (for charts).
    private var matched: [Bool]

    package init(trace: Trace, racingPlaces: [Int], greeting: Greeting, options: ReplayOptions) {
        entries = trace.entries
        racing = Set(racingPlaces)
        self.greeting = greeting
        self.options = options
        judge = RaceJudge(
            administration: trace.header.setup,
            semantics: AsyncSemantics(played: greeting.roles, reportsInternal: greeting.reportsInternal),
            maxStates: options.maxStates
        )
        matched = Array(repeating: false, count: trace.entries.count)
    }

    /// An engine for a run that grows as it goes (`explore --races`): no
    /// trace yet, stimuli appended as they are sent.
    package init(administration: Administration, greeting: Greeting, options: ReplayOptions) {
        self.init(trace: Trace(header: TraceHeader(id: "explore", setup: administration)), racingPlaces: [],
                  greeting: greeting, options: options)
    }

    /// Sends stimuli in one write, back to back (the later ones race the
    /// earlier), recording them as sent. `judged`: the engine's judge after
    /// it took the group, when the caller has it already (`explore
    /// --races` tries each group on a copy first), so it is not closed twice.
    package mutating func send(_ group: [Message], judged: RaceJudge? = nil, to implementation: ImplementationUnderTest) async throws(ReplayStop) {
        do {
            try await implementation.send(group)
        } catch {
            throw .failed(error)
        }
        if let judged { judge = judged } else { judge.send(group) }
        for message in group {
            let index = entries.count
            entries.append(TraceEntry(message: message))
            matched.append(true)
            lastStimulus = index
            events.append(.sent(index))
        }
        try checkBound()
    }

    /// Waits until every interleaving consistent with the outputs is done:
    /// first until one is, then, while others still owe, until the
    /// implementation stays quiet (or says it is idle); then only the
    /// states that owe nothing are kept.
    package mutating func quiesce(_ implementation: ImplementationUnderTest) async throws(ReplayStop) {
        try await settle(implementation)
        guard !judge.isSettled else { return }
        if let late = try await confirmIdle(implementation) {
            for message in late { try observe(message) }
        } else {
            while true {
                let message: Message?
                do {
                    message = try await implementation.receive(timeout: options.quietPeriod)
                } catch {
                    throw .failed(error)
                }
                guard let message else { break }
                try observe(message)
                try await settle(implementation)
            }
        }
        if !judge.canEndWell { throw missing(idleConfirmed: true) }
        judge.keepQuiescent()
    }

    /// Sends the stimuli at their places, then waits until the run can end
    /// well and the implementation stays quiet.
    package mutating func drive(_ implementation: ImplementationUnderTest) async throws(ReplayStop) {
        let stimuli = entries.indices.filter { judge.semantics.isStimulus(entries[$0].message) }
        var next = 0
        while next < stimuli.count {
            try await settle(implementation)
            judge.assumeStimuliTaken()
            // A stimulus and the racing ones after it go out in one write,
            // so that they reach the implementation as close together as
            // the trace places them.
            var group = [stimuli[next]]
            next += 1
            while next < stimuli.count && racing.contains(stimuli[next]) {
                group.append(stimuli[next])
                next += 1
            }
            do {
                try await implementation.send(group.map { entries[$0].message })
            } catch {
                throw .failed(error)
            }
            judge.send(group.map { entries[$0].message })
            for index in group {
                lastStimulus = index
                events.append(.sent(index))
            }
            try checkBound()
        }
        try await settle(implementation)
        // Other interleavings may still owe outputs: each one that comes is
        // judged, and silence for the quiet period ends the run.
        if let late = try await confirmIdle(implementation) {
            for message in late { try observe(message) }
            if !judge.canEndWell { throw missing(idleConfirmed: true) }
            return
        }
        while true {
            let message: Message?
            do {
                message = try await implementation.receive(timeout: judge.canEndWell ? options.quietPeriod : options.timeout)
            } catch {
                throw .failed(error)
            }
            guard let message else {
                if judge.canEndWell { return }
                throw missing(idleConfirmed: false)
            }
            try observe(message)
        }
    }

    /// Judges outputs until some interleaving owes nothing more.
    package mutating func settle(_ implementation: ImplementationUnderTest) async throws(ReplayStop) {
        while !judge.canEndWell {
            let message: Message?
            do {
                message = try await implementation.receive(timeout: options.timeout)
            } catch {
                throw .failed(error)
            }
            guard let message else { throw missing(idleConfirmed: false) }
            try observe(message)
        }
    }

    private func confirmIdle(_ implementation: ImplementationUnderTest) async throws(ReplayStop) -> [Message]? {
        guard greeting.capabilities.contains("sync") else { return nil }
        do {
            return try await implementation.confirmIdle(timeout: options.timeout)
        } catch {
            throw .failed(error)
        }
    }

    private mutating func observe(_ message: Message) throws(ReplayStop) {
        try ReplayLedger.check(message, greeting: greeting)
        switch judge.observe(message) {
        case .allowed:
            if let index = entries.indices.first(where: { !matched[$0] && entries[$0].message == message }) {
                matched[index] = true
                events.append(.observed(index))
            }
        case .rejected(let rejection):
            events.append(.unexpected(message))
            var divergence = Divergence(kind: .unexpected(message), clause: rejection.clause)
            divergence.race = RaceDivergence(summary: rejection.summary, lines: afterLastStimulus + rejection.lines(at: "output"))
            throw .diverged(divergence)
        case .inconclusive:
            try checkBound()
        }
    }

    private func checkBound() throws(ReplayStop) {
        if let reason = judge.inconclusiveReason {
            throw .failed(HarnessFailure(.inconclusive, "inconclusive: " + reason))
        }
    }

    private var afterLastStimulus: [String] {
        guard let index = lastStimulus else { return ["before any stimulus was sent"] }
        return ["after the stimulus at message \(index + 1): \(entries[index].message)"]
    }

    private func missing(idleConfirmed: Bool) -> ReplayStop {
        let shortfall = judge.shortfall
        let expected = shortfall.groups.first?.owed.first
        var divergence = Divergence(kind: .missing, expected: expected?.message, clause: expected?.clause,
                                    waited: options.timeout, idleConfirmed: idleConfirmed)
        let silence = divergence.silence
        divergence.race = RaceDivergence(
            summary: "no interleaving of the model ends here: \(shortfall.summary), observed nothing \(silence)",
            lines: afterLastStimulus + ["observed: nothing \(silence)"] + shortfall.lines
        )
        return .diverged(divergence)
    }

    /// Fills a result with what stopped the replay.
    package func record(_ stop: ReplayStop, into result: inout ReplayResult) {
        switch stop {
        case .diverged(let divergence):
            result.verdict = .fail
            result.divergence = divergence
            result.detail = divergence.summary
        case .failed(let failure, let atReset):
            ReplayLedger.record(failure, atReset: atReset, candidates: lastStimulus.map { [($0, entries[$0].message)] } ?? [], into: &result)
        }
    }
}
