import NIOCore
import NIOPosix

/// An implementation reached over TCP (`--connect HOST:PORT`), through
/// SwiftNIO: one connection, with Nagle's algorithm off (every line of the
/// protocol is small and awaited), read and written on NIO's event loops.
final class TCPTransport: LineTransport {
    let inbox: Inbox
    /// A connection has no log.
    let log = LogTail(ended: true)
    private let channel: any Channel
    private let writer: ChannelWriter

    init(host: String, port: Int, timeout: Duration, loop: any EventLoop) async throws(HarnessFailure) {
        let inbox = Inbox(loop: loop)
        self.inbox = inbox
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(.milliseconds(Int64(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            LineReadingHandler(feeding: inbox, closing: "the implementation closed the connection"))
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            throw HarnessFailure(.unavailable, Self.explain(error, host: host, port: port))
        }
        writer = ChannelWriter(channel: channel)
    }

    /// A failed connection in words: NIO's text names the errno deep inside
    /// a nested description ("SingleConnectionFailure(… (errno: 111))").
    static func explain(_ error: any Error, host: String, port: Int) -> String {
        let text = "\(error)"
        if text.contains("errno: 111") || text.contains("Connection refused") {
            return "nothing listens on \(host):\(port): connection refused"
        }
        if text.contains("connectTimeout") || text.contains("timed out") {
            return "no answer from \(host):\(port): the connection timed out"
        }
        if text.contains("errno: 113") || text.contains("No route") {
            return "\(host):\(port) cannot be reached: no route to host"
        }
        return "cannot connect to \(host):\(port): \(text)"
    }

    deinit {
        channel.close(promise: nil)
    }

    func write(_ text: String, timeout: Duration) async throws(HarnessFailure) {
        try await writer.write(text, timeout: timeout)
    }

    func close(grace: Duration) async {
        try? await channel.close().get()
    }

    func kill() async {
        try? await channel.close().get()
    }

    var hasEnded: Bool { inbox.isClosed }

    func ending(grace: Duration) async -> String? { "closed the connection" }
}
