import NIOCore
import NIOPosix
import Synchronization

/// An implementation reached over TCP (`--connect HOST:PORT`), through
/// SwiftNIO: one connection, with Nagle's algorithm off (every line of the
/// protocol is small and awaited), read and written on NIO's event loops.
final class TCPTransport: LineTransport {
    let inbox = Inbox()
    let log = LogTail()
    private let outgoing: AsyncStream<ByteBuffer>.Continuation
    private let finished: Task<Void, Never>
    private let failure = Locked<HarnessFailure?>(nil)
    /// Bytes queued and not yet written.
    private let unwritten = Locked(0)
    private static let backlog = 1 << 22

    init(host: String, port: Int, timeout: Duration) async throws(HarnessFailure) {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(Int64(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw HarnessFailure(.unavailable, "cannot connect to \(host):\(port): \(Self.reason(error))")
        }
        let (stream, continuation) = AsyncStream.makeStream(of: ByteBuffer.self, bufferingPolicy: .unbounded)
        outgoing = continuation
        let (inbox, failure, unwritten) = (self.inbox, self.failure, self.unwritten)
        finished = Task {
            do {
                try await channel.executeThenClose { inbound, outbound in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            var framer = LineFramer()
                            for try await buffer in inbound {
                                inbox.noteBytes(buffer.readableBytes)
                                let fits = buffer.withUnsafeReadableBytes { framer.feed($0) { inbox.push($0) } }
                                guard fits else {
                                    inbox.close(HarnessFailure(.protocolViolation, "the implementation wrote a line longer than 1 MiB"))
                                    return
                                }
                            }
                            framer.finish { inbox.push($0) }
                        }
                        group.addTask {
                            for await buffer in stream {
                                try await outbound.write(buffer)
                                unwritten.withLock { $0 -= buffer.readableBytes }
                            }
                            outbound.finish()
                        }
                        // Either side ending ends the connection.
                        try await group.next()
                        group.cancelAll()
                    }
                }
            } catch {
                failure.withLock { $0 = $0 ?? HarnessFailure(.exited, "the connection broke: \(Self.reason(error))") }
            }
            inbox.close(HarnessFailure(.exited, "the implementation closed the connection"))
            failure.withLock { $0 = $0 ?? HarnessFailure(.exited, "the connection is closed") }
        }
    }

    deinit {
        outgoing.finish()
        finished.cancel()
    }

    func write(_ text: String, timeout: Duration) async throws(HarnessFailure) {
        if let failure = failure.withLock({ $0 }) { throw failure }
        let buffer = ByteBuffer(string: text)
        let backlog = unwritten.withLock { value -> Int in
            value += buffer.readableBytes
            return value
        }
        outgoing.yield(buffer)
        guard backlog > Self.backlog else { return }
        // A great deal is still unwritten: the implementation may have
        // stopped reading. Wait for it to catch up, at most `timeout`.
        let deadline = ContinuousClock.now + timeout
        while unwritten.withLock({ $0 }) > Self.backlog {
            guard ContinuousClock.now < deadline else {
                throw HarnessFailure(.timeout, "the implementation stopped reading its input (a write waited \(timeout))")
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    func close(grace: Duration) async {
        outgoing.finish()
        let timer = Task { [finished] in
            try? await Task.sleep(for: grace)
            finished.cancel()
        }
        await finished.value
        timer.cancel()
    }

    func kill() async {
        outgoing.finish()
        finished.cancel()
        await finished.value
    }

    func ending(grace: Duration) async -> String? { "closed the connection" }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? IOError { return error.description }
        if error is ChannelError { return "\(error)" }
        return "\(error)"
    }
}
