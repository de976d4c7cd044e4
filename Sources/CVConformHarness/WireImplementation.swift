import Foundation
import CVConformTrace
#if canImport(Glibc)
import Glibc
#endif

/// An implementation that speaks the JSON Lines protocol of contract
/// section 5: a command run as a child process (`--exec`), or a server
/// reached over TCP (`--connect`).
public final class WireImplementation: ImplementationUnderTest, @unchecked Sendable {
    public enum Endpoint: Hashable, Sendable, CustomStringConvertible {
        case command(String)
        case tcp(host: String, port: UInt16)

        public var description: String {
            switch self {
            case .command(let command): return command
            case .tcp(let host, let port): return "\(host):\(port)"
            }
        }
    }

    public let endpoint: Endpoint
    /// How long `hello` may take (a process may be slow to start).
    public let startupTimeout: Duration
    /// How long `reset` and a blocked write may take.
    public let answerTimeout: Duration

    // Confined to the one task that drives this implementation.
    private var connection: LineConnection?
    private var child: ChildProcess?
    private var socket: Int32?
    private let log = LogTail()
    private var offersSync = false
    private var syncCount = 0

    public init(endpoint: Endpoint, startupTimeout: Duration = .seconds(10), answerTimeout: Duration = .seconds(2)) {
        self.endpoint = endpoint
        self.startupTimeout = startupTimeout
        self.answerTimeout = answerTimeout
    }

    deinit {
        child?.kill()
        if let socket { close(socket) }
    }

    public func start() async throws(HarnessFailure) -> Greeting {
        await stop()
        try open()
        try write(WireProtocol.hello())
        switch try await nextLine(timeout: startupTimeout, waitingFor: "hello") {
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

    public func reset(trace: String, setup: Administration) async throws(HarnessFailure) {
        // At least 2 s: a short --timeout is for outputs, and a busy machine
        // must not turn a slow reset into a hang.
        try await reset(trace: trace, setup: setup, within: max(answerTimeout, .seconds(2)))
    }

    public func reset(trace: String, setup: Administration, within limit: Duration) async throws(HarnessFailure) {
        // Whatever is still buffered is late output of the previous trace
        // (after a flood, possibly a great deal): drop it unread.
        _ = connection?.inbox.discardBuffered()
        try write(WireProtocol.reset(trace: trace, setup: setup))
        let deadline = ContinuousClock.now + limit
        while true {
            guard let connection else { throw HarnessFailure(.exited, "the implementation is not running") }
            let left = deadline - ContinuousClock.now
            switch await connection.inbox.next(timeout: max(left, .zero)) {
            case .timeout: throw HarnessFailure(.timeout, "the implementation did not answer with ready (after reset) within \(limit)")
            case .closed(let failure): throw failure
            case .line(let line):
                // Late messages are skipped without parsing them.
                guard line.contains("\"ready\"") || line.contains("\"hello\"") || !line.contains("\"msg\"") else { continue }
                switch try WireProtocol.parse(line) {
                case .ready: return
                case .message, .synced: continue
                case .hello: throw HarnessFailure(.protocolViolation, "the implementation answered reset with hello")
                }
            }
        }
    }

    public func send(_ message: Message) async throws(HarnessFailure) {
        try write(WireProtocol.message(message))
    }

    public func receive(timeout: Duration) async throws(HarnessFailure) -> Message? {
        guard let connection else { throw HarnessFailure(.exited, "the implementation is not running") }
        switch await connection.inbox.next(timeout: timeout) {
        case .timeout: return nil
        case .closed(let failure): throw failure
        case .line(let line):
            switch try WireProtocol.parse(line) {
            case .message(let message): return message
            case .ready: throw HarnessFailure(.protocolViolation, "the implementation wrote ready without a reset")
            case .synced: throw HarnessFailure(.protocolViolation, "the implementation wrote synced without a sync")
            case .hello: throw HarnessFailure(.protocolViolation, "the implementation wrote hello in the middle of a trace")
            }
        }
    }

    /// With the "sync" capability: asks the implementation to confirm that it
    /// has written everything so far, and returns what came before.
    public func confirmIdle(timeout: Duration) async throws(HarnessFailure) -> [Message]? {
        guard offersSync else { return nil }
        syncCount += 1
        let id = String(syncCount)
        try write(WireProtocol.sync(id))
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

    public func logTail() async -> [String] { log.snapshot }

    /// After an error: no goodbye and no grace, the process group is killed.
    public func abort() async {
        child?.kill()
        disconnect()
    }

    public func stop() async {
        if connection != nil { try? write(WireProtocol.bye()) }
        child?.finish(grace: .milliseconds(500))
        disconnect()
    }

    /// Forgets the process (already ended) and closes any socket.
    private func disconnect() {
        if let socket {
            shutdown(socket, Int32(SHUT_RDWR))
            close(socket)
        }
        child = nil
        socket = nil
        connection = nil
    }

    // MARK: - Opening

    private func open() throws(HarnessFailure) {
        switch endpoint {
        case .command(let command):
            let process = try ChildProcess(command: command)
            child = process
            let log = self.log
            LineConnection.readLines(from: process.stderrDescriptor, name: "cvconform-stderr", line: { log.append($0) }, end: { _ in })
            connection = LineConnection(readDescriptor: process.stdoutDescriptor, writeDescriptor: process.stdinDescriptor) {
                let how = process.describeExit() ?? "closed its output"
                return HarnessFailure(.exited, "the implementation \(how)")
            }
        case .tcp(let host, let port):
            let descriptor = try Self.connect(host: host, port: port, timeout: startupTimeout)
            socket = descriptor
            connection = LineConnection(readDescriptor: fcntl(descriptor, F_DUPFD_CLOEXEC, 0), writeDescriptor: descriptor) {
                HarnessFailure(.exited, "the implementation closed the connection")
            }
        }
    }

    private func write(_ line: String) throws(HarnessFailure) {
        guard let connection else { throw HarnessFailure(.exited, "the implementation is not running") }
        do {
            try connection.write(line, timeout: answerTimeout)
        } catch {
            if error.kind == .exited, let how = child?.describeExit() {
                throw HarnessFailure(.exited, "the implementation \(how)")
            }
            throw error
        }
    }

    private func nextLine(timeout: Duration, waitingFor what: String) async throws(HarnessFailure) -> WireProtocol.Incoming {
        guard let connection else { throw HarnessFailure(.exited, "the implementation is not running") }
        switch await connection.inbox.next(timeout: timeout) {
        case .timeout: throw HarnessFailure(.timeout, "the implementation did not answer with \(what) within \(timeout)")
        case .closed(let failure): throw failure
        case .line(let line): return try WireProtocol.parse(line)
        }
    }

    private static func connect(host: String, port: UInt16, timeout: Duration) throws(HarnessFailure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw HarnessFailure(.unavailable, "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let descriptor = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard descriptor >= 0 else { continue }
            let flags = fcntl(descriptor, F_GETFL)
            _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
            var result = Glibc.connect(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen)
            if result != 0 && errno == EINPROGRESS {
                var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
                if poll(&poller, 1, milliseconds) == 1 {
                    var socketError: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &socketError, &length)
                    result = socketError == 0 ? 0 : -1
                    if socketError != 0 { errno = socketError }
                } else {
                    errno = ETIMEDOUT
                }
            }
            if result == 0 {
                _ = fcntl(descriptor, F_SETFL, flags) // reads block on the reader thread
                return descriptor
            }
            lastError = String(cString: strerror(errno))
            close(descriptor)
        }
        throw HarnessFailure(.unavailable, "cannot connect to \(host):\(port): \(lastError)")
    }
}
