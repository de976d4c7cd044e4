import CVConformTrace
import CVConformWire

/// Why the harness could not go on talking to an implementation. Any of
/// these makes the trace `error`, never `fail`: the implementation did not
/// get as far as being judged.
package struct HarnessFailure: Error, Hashable, Sendable, CustomStringConvertible {
    package enum Kind: String, Hashable, Sendable {
        /// It could not be started or reached.
        case unavailable
        /// It exited or closed the connection.
        case exited
        /// It did not answer in time where an answer is owed (hello, reset).
        case timeout
        /// It wrote something the wire protocol does not allow.
        case protocolViolation
        /// It wrote more than the harness will buffer.
        case flood
        /// The race judge outgrew its bound (`--max-states`): the run
        /// could not be judged, which is never a pass.
        case inconclusive
    }

    package var kind: Kind
    package var message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { message }

    /// The implementation wrote a line the wire protocol does not allow.
    package init(_ error: WireProtocolError) {
        self.init(.protocolViolation, error.description)
    }
}

/// An implementation under test: plays some system roles, takes stimuli and
/// produces outputs. One instance serves a whole suite, reset between traces.
package protocol ImplementationUnderTest: AnyObject, Sendable {
    /// Starts the implementation (or connects to it) and exchanges `hello`.
    func start() async throws(HarnessFailure) -> Greeting
    /// Forgets all state and loads a trace's administration.
    func reset(trace: String, setup: Administration) async throws(HarnessFailure)
    /// Sends one stimulus.
    func send(_ message: Message) async throws(HarnessFailure)
    /// Sends several stimuli at once, in order (`load`).
    func send(_ messages: [Message]) async throws(HarnessFailure)
    /// The next output, or nil when none arrives within `timeout`.
    func receive(timeout: Duration) async throws(HarnessFailure) -> Message?
    /// What the implementation logged (its stderr) since the last reset,
    /// the last lines, oldest first.
    func logTail() async -> [String]
    /// What it logged before its first reset (start-up).
    func startupLog() async -> [String]
    /// Every output available now (at most `limit`), waiting at most
    /// `timeout` for the first (`load`).
    func receiveAvailable(limit: Int, timeout: Duration) async throws(HarnessFailure) -> [Message]
    /// Says goodbye and makes sure nothing of it keeps running.
    func stop() async
    /// For an implementation that can confirm it is idle: the outputs that
    /// arrive before its confirmation (nil when it cannot confirm, and the
    /// harness waits out the quiet period instead).
    func confirmIdle(timeout: Duration) async throws(HarnessFailure) -> [Message]?
    /// A reset that must be answered within `limit` (the probe for a hang).
    func reset(trace: String, setup: Administration, within limit: Duration) async throws(HarnessFailure)
    /// Stops at once, with no goodbye: after an error.
    func abort() async
    /// Where a replay against this implementation had best run (the thread
    /// that does its I/O), if anywhere in particular.
    nonisolated var taskExecutor: (any TaskExecutor)? { get }
}

extension ImplementationUnderTest {
    package func confirmIdle(timeout: Duration) async throws(HarnessFailure) -> [Message]? { nil }

    package nonisolated var taskExecutor: (any TaskExecutor)? { nil }

    package func send(_ messages: [Message]) async throws(HarnessFailure) {
        for message in messages { try await send(message) }
    }

    package func startupLog() async -> [String] { [] }

    package func receiveAvailable(limit: Int, timeout: Duration) async throws(HarnessFailure) -> [Message] {
        var messages: [Message] = []
        guard let first = try await receive(timeout: timeout) else { return messages }
        messages.append(first)
        while messages.count < limit, let next = try await receive(timeout: .zero) { messages.append(next) }
        return messages
    }

    /// A reset that must be answered within `limit`: the harness's probe for
    /// a hang. Implementations without their own limit use their reset.
    package func reset(trace: String, setup: Administration, within limit: Duration) async throws(HarnessFailure) {
        try await reset(trace: trace, setup: setup)
    }

    package func abort() async { await stop() }
}
