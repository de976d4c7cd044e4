import CVConformTrace
import CVConformWire
import NIOCore
import NIOPosix

/// An implementation that speaks the JSON Lines protocol of contract
/// section 5: a command run as a child process (`--exec`), or a server
/// reached over TCP (`--connect`). An actor: one task at a time talks to
/// it, and every wait is on non-blocking I/O with a deadline.
package actor WireImplementation: ImplementationUnderTest {
    package enum Endpoint: Hashable, Sendable, CustomStringConvertible {
        case command(String)
        case tcp(host: String, port: UInt16)

        package var description: String {
            switch self {
            case .command(let command): return command
            case .tcp(let host, let port): return "\(host):\(port)"
            }
        }
    }

    package let endpoint: Endpoint
    /// How long `hello` may take (a process may be slow to start).
    package let startupTimeout: Duration
    /// How long `reset` and a blocked write may take.
    package let answerTimeout: Duration

    private var transport: (any LineTransport)?
    private var offersSync = false
    private var syncCount = 0
    /// The event loop that does this implementation's I/O. The actor runs
    /// on it too, and a replay that prefers `taskExecutor` as well: a whole
    /// exchange then stays on one thread.
    private let loop: any EventLoop
    private let executor: EventLoopTaskExecutor

    package nonisolated var unownedExecutor: UnownedSerialExecutor { loop.executor.asUnownedSerialExecutor() }

    package nonisolated var taskExecutor: (any TaskExecutor)? { executor }

    /// How long the log of an implementation that ended may stay open.
    static let logGrace = Duration.seconds(2)

    package init(endpoint: Endpoint, startupTimeout: Duration = .seconds(10), answerTimeout: Duration = .seconds(2)) {
        self.endpoint = endpoint
        self.startupTimeout = startupTimeout
        self.answerTimeout = answerTimeout
        loop = MultiThreadedEventLoopGroup.singleton.next()
        executor = EventLoopTaskExecutor(loop)
    }

    package func start() async throws(HarnessFailure) -> Greeting {
        await stop()
        let opened: any LineTransport
        switch endpoint {
        case .command(let command): opened = try await ProcessTransport(command: command, loop: loop)
        case .tcp(let host, let port): opened = try await TCPTransport(host: host, port: Int(port), timeout: startupTimeout, loop: loop)
        }
        transport = opened
        try await write(WireProtocol.hello())
        let incoming: WireProtocol.Incoming
        do {
            incoming = try await nextLine(timeout: startupTimeout, waitingFor: "hello")
        } catch {
            throw await withStartupLog(explainSilence(error, in: opened), of: opened)
        }
        switch incoming {
        case .hello(let greeting, let version):
            guard version == WireProtocol.version else {
                throw HarnessFailure(.protocolViolation,
                                     "the implementation speaks protocol \"\(version)\"; the harness speaks \"\(WireProtocol.version)\"")
            }
            offersSync = greeting.capabilities.contains("sync")
            return greeting
        case .ready, .message, .synced:
            throw HarnessFailure(.protocolViolation, "the implementation did not answer hello with hello")
        }
    }

    /// A start that failed, with the last lines the implementation wrote on
    /// its log (stderr) before it, where it wrote any: a program that
    /// refuses its arguments says why there.
    private func withStartupLog(_ failure: HarnessFailure, of transport: any LineTransport) async -> HarnessFailure {
        await readLogToEnd(of: transport)
        let said = transport.log.startup.suffix(3)
        guard !said.isEmpty else { return failure }
        return HarnessFailure(failure.kind, failure.message + "; its log (stderr) ended: " + said.joined(separator: " / "))
    }

    /// A hello that never came: say whether anything came at all, for the
    /// commonest cause is a program that does not flush its output.
    private func explainSilence(_ failure: HarnessFailure, in transport: any LineTransport) -> HarnessFailure {
        guard failure.kind == .timeout else { return failure }
        let received = transport.inbox.received
        if received.bytes == 0, case .tcp(let host, let port) = endpoint {
            // The connection was accepted, but nothing was said on it: the
            // server is busy with another connection (one at a time, as
            // cvconform-example --listen), or it does not speak first.
            return HarnessFailure(.timeout, failure.message + ". The connection to \(host):\(port) was accepted, but nothing "
                                  + "arrived on it: a server that serves one connection at a time is still busy with another "
                                  + "(run with --jobs 1, or start one server per job), or it does not answer hello")
        }
        if received.bytes == 0 {
            return HarnessFailure(.timeout, failure.message + ". Nothing at all arrived on its output: if it does write its hello, "
                                  + "its output may be buffered; flush stdout after each line (Python: print(..., flush=True); "
                                  + "C: fflush(stdout); or run it unbuffered, e.g. python3 -u)")
        }
        if received.lines == 0 {
            return HarnessFailure(.timeout, failure.message + ". \(received.bytes) bytes arrived but no end of line: "
                                  + "each JSON object must end with a newline")
        }
        return failure
    }

    package func reset(trace: String, setup: Administration) async throws(HarnessFailure) {
        // At least 2 s: a short --timeout is for outputs, and a busy machine
        // must not turn a slow reset into a hang.
        try await reset(trace: trace, setup: setup, within: max(answerTimeout, .seconds(2)))
    }

    package func reset(trace: String, setup: Administration, within limit: Duration) async throws(HarnessFailure) {
        guard let transport else { throw HarnessFailure(.exited, "the implementation is not running") }
        // Whatever is still buffered is late output of the previous trace
        // (after a flood, possibly a great deal): drop it unread.
        _ = transport.inbox.discardBuffered()
        transport.log.markReset()
        try await write(WireProtocol.reset(trace: trace, setup: setup))
        let deadline = ContinuousClock.now + limit
        while true {
            let left = deadline - ContinuousClock.now
            switch await transport.inbox.next(timeout: max(left, .zero)) {
            case .timeout: throw HarnessFailure(.timeout, "the implementation did not answer with ready (after reset) within \(limit)")
            case .closed(let failure): throw await explained(failure)
            case .line(let line):
                // Late messages are skipped without parsing them.
                guard line.contains("\"ready\"") || line.contains("\"hello\"") || !line.contains("\"msg\"") else { continue }
                switch try Self.parse(line) {
                case .ready: return
                case .message, .synced: continue
                case .hello: throw HarnessFailure(.protocolViolation, "the implementation answered reset with hello")
                }
            }
        }
    }

    package func send(_ message: Message) async throws(HarnessFailure) {
        try await write(WireProtocol.message(message))
    }

    package func send(_ messages: [Message]) async throws(HarnessFailure) {
        guard !messages.isEmpty else { return }
        try await writeLines(WireProtocol.messages(messages))
    }

    package func receive(timeout: Duration) async throws(HarnessFailure) -> Message? {
        guard let transport else { throw HarnessFailure(.exited, "the implementation is not running") }
        switch await transport.inbox.next(timeout: timeout) {
        case .timeout: return nil
        case .closed(let failure): throw await explained(failure)
        case .line(let line): return try Self.message(line)
        }
    }

    package func receiveAvailable(limit: Int, timeout: Duration) async throws(HarnessFailure) -> [Message] {
        guard let transport else { throw HarnessFailure(.exited, "the implementation is not running") }
        var lines = transport.inbox.drain(limit: limit)
        if lines.isEmpty {
            switch await transport.inbox.next(timeout: timeout) {
            case .timeout: return []
            case .closed(let failure): throw await explained(failure)
            case .line(let line): lines = [line] + transport.inbox.drain(limit: limit - 1)
            }
        }
        var messages: [Message] = []
        messages.reserveCapacity(lines.count)
        for line in lines { messages.append(try Self.message(line)) }
        return messages
    }

    /// A line read, or the protocol violation it is.
    private static func parse(_ line: String) throws(HarnessFailure) -> WireProtocol.Incoming {
        do { return try WireProtocol.parse(line) } catch { throw HarnessFailure(error) }
    }

    private static func message(_ line: String) throws(HarnessFailure) -> Message {
        switch try Self.parse(line) {
        case .message(let message): return message
        case .ready: throw HarnessFailure(.protocolViolation, "the implementation wrote ready without a reset")
        case .synced: throw HarnessFailure(.protocolViolation, "the implementation wrote synced without a sync")
        case .hello: throw HarnessFailure(.protocolViolation, "the implementation wrote hello in the middle of a trace")
        }
    }

    /// With the "sync" capability: asks the implementation to confirm that it
    /// has written everything so far, and returns what came before.
    package func confirmIdle(timeout: Duration) async throws(HarnessFailure) -> [Message]? {
        guard offersSync else { return nil }
        syncCount += 1
        let id = String(syncCount)
        try await write(WireProtocol.sync(id))
        var outputs: [Message] = []
        while true {
            switch try await nextLine(timeout: timeout, waitingFor: "synced (after sync)") {
            case .synced(let answered) where answered == id: return outputs
            case .synced: continue
            case .message(let message): outputs.append(message)
            case .ready, .hello: throw HarnessFailure(.protocolViolation, "the implementation answered sync with something else")
            }
        }
    }

    package func logTail() async -> [String] {
        guard let transport else { return [] }
        await readLogToEnd(of: transport)
        return transport.log.sinceReset
    }

    /// The log (stderr) is read apart from the output, and an exit or a
    /// crash may be seen before the last lines of the log are read: once
    /// the implementation has ended, its log is read to its end, waiting at
    /// most `logGrace` (a descendant may keep stderr open). While it runs
    /// (even cut off for flooding), nothing is awaited.
    private func readLogToEnd(of transport: any LineTransport) async {
        guard transport.hasEnded else { return }
        _ = await firstOf(timeout: Self.logGrace, on: loop) { resume in transport.log.whenEnded { resume(()) } }
    }

    package func startupLog() async -> [String] { transport?.log.startup ?? [] }

    /// After an error: no goodbye and no grace, the process group is killed.
    package func abort() async {
        let closing = transport
        transport = nil
        await closing?.kill()
    }

    package func stop() async {
        guard let closing = transport else { return }
        transport = nil
        try? await closing.write(WireProtocol.bye() + "\n", timeout: .milliseconds(100))
        await closing.close(grace: .milliseconds(500))
    }

    // MARK: - Lines

    private func write(_ line: String) async throws(HarnessFailure) {
        try await writeLines(line + "\n")
    }

    /// Writes text of whole lines, each ended by a line break.
    private func writeLines(_ text: String) async throws(HarnessFailure) {
        guard let transport else { throw HarnessFailure(.exited, "the implementation is not running") }
        do {
            try await transport.write(text, timeout: answerTimeout)
        } catch {
            throw await explained(error)
        }
    }

    /// A failure with how the process ended, when it has. A process whose
    /// output closed is nearly always exiting, and on a loaded machine its
    /// exit status may take hundreds of milliseconds, so it gets two
    /// seconds. Only this error path waits, and only until the status is
    /// known.
    private func explained(_ failure: HarnessFailure) async -> HarnessFailure {
        guard failure.kind == .exited, case .command = endpoint, let transport,
              let how = await transport.ending(grace: .seconds(2)) else { return failure }
        return HarnessFailure(.exited, "the implementation \(how)")
    }

    private func nextLine(timeout: Duration, waitingFor what: String) async throws(HarnessFailure) -> WireProtocol.Incoming {
        guard let transport else { throw HarnessFailure(.exited, "the implementation is not running") }
        switch await transport.inbox.next(timeout: timeout) {
        case .timeout: throw HarnessFailure(.timeout, "the implementation did not answer with \(what) within \(timeout)")
        case .closed(let failure): throw await explained(failure)
        case .line(let line): return try Self.parse(line)
        }
    }
}

/// Stops every implementation process the harness started (for Ctrl-C).
package func killAllImplementationProcesses() {
    ProcessTransport.killAll()
}
