import CVConformModel
import CVConformTrace
import CVConformWire

/// Why a replay stopped before its end.
package enum ReplayStop: Error {
    /// The implementation's output parted ways with the trace.
    case diverged(Divergence)
    /// The harness could not go on (the implementation crashed, hung or
    /// broke the protocol); `atReset` when it happened at the trace's reset.
    case failed(HarnessFailure, atReset: Bool = false)
}

/// A replay that pulls the implementation's outputs one at a time (`run`,
/// `explore`): it sends what the ledger says may go out and waits, with a
/// deadline, for each output owed.
package struct ReplayEngine {
    package let options: ReplayOptions
    private(set) var ledger: ReplayLedger
    private let offersSync: Bool
    /// The stimuli to send next, kept from call to call.
    private var sending: [Message] = []

    package init(greeting: Greeting, options: ReplayOptions) {
        self.options = options
        ledger = ReplayLedger(greeting: greeting)
        offersSync = greeting.capabilities.contains("sync")
        ledger.syncsAfterHiddenMessages = offersSync
    }

    package var entries: [TraceEntry] { ledger.entries }
    package var events: [ReplayEvent] { ledger.events }
    package var involvesImplementation: Bool { ledger.involvesImplementation }

    package mutating func append(_ more: some Sequence<TraceEntry>) { ledger.append(more) }

    package mutating func append(_ entry: TraceEntry) { ledger.append(entry) }

    /// Sends every stimulus not sent yet, each once the outputs placed
    /// before it have been observed, then waits for every output placed so
    /// far. Stops at the first divergence.
    package mutating func drive(_ implementation: ImplementationUnderTest) async throws(ReplayStop) {
        while true {
            sending.removeAll(keepingCapacity: true)
            ledger.takeSendable(into: &sending)
            for stimulus in sending {
                do {
                    try await implementation.send(stimulus)
                } catch {
                    throw .failed(error)
                }
            }
            if ledger.wantsSync {
                try await awaitIdle(implementation)
                continue
            }
            if ledger.isSettled { return }
            try await awaitOutput(from: implementation)
        }
    }

    /// Before a stimulus that follows internal messages the implementation
    /// does not report (RUN-35): its word that it is idle, so that the
    /// stimulus does not overtake them. Whatever it still writes is judged
    /// as any output.
    private mutating func awaitIdle(_ implementation: ImplementationUnderTest) async throws(ReplayStop) {
        _ = try await observeUntilIdle(implementation)
        ledger.synced()
    }

    /// Asks the implementation whether it is idle and judges what it still
    /// wrote before saying so; returns those messages.
    private mutating func observeUntilIdle(_ implementation: ImplementationUnderTest) async throws(ReplayStop) -> [Message] {
        let late: [Message]
        do {
            late = try await implementation.confirmIdle(timeout: options.timeout) ?? []
        } catch {
            throw .failed(error)
        }
        for message in late { try ledger.observe(message) }
        return late
    }

    /// After the last message: the quiet period, or (capability "sync") the
    /// implementation's word that it is idle, with whatever it still wrote
    /// before saying so. Any output then is extra.
    package mutating func finish(_ implementation: ImplementationUnderTest) async throws(ReplayStop) {
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
        if let extra { try ledger.extra(extra) }
    }

    /// Waits for the next output owed. An implementation that offers "sync"
    /// is asked whether it is idle once it falls silent, so a missing output
    /// costs no timeout.
    private mutating func awaitOutput(from implementation: ImplementationUnderTest) async throws(ReplayStop) {
        var idleConfirmed = false
        while true {
            let message: Message?
            do {
                message = try await implementation.receive(timeout: offersSync ? min(options.timeout, .milliseconds(50)) : options.timeout)
            } catch {
                throw .failed(error)
            }
            if let message {
                try ledger.observe(message)
                return
            }
            if offersSync && !idleConfirmed {
                idleConfirmed = true
                if try await !observeUntilIdle(implementation).isEmpty { return }
                continue
            }
            if let divergence = ledger.missing(waited: options.timeout, idleConfirmed: idleConfirmed) { throw .diverged(divergence) }
            return
        }
    }

    package func record(_ stop: ReplayStop, into result: inout ReplayResult, setup: Administration) {
        ledger.record(stop, into: &result, setup: setup)
    }
}
