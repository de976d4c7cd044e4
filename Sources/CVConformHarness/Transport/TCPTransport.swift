import NIOCore
import NIOPosix

/// An implementation reached over TCP (`--connect HOST:PORT`), through
/// SwiftNIO: one connection, with Nagle's algorithm off (every line of the
/// protocol is small and awaited), read and written on NIO's event loops.
final class TCPTransport: LineTransport {
    let inbox: Inbox
    let log = LogTail()
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
            throw HarnessFailure(.unavailable, "cannot connect to \(host):\(port): \(error)")
        }
        writer = ChannelWriter(channel: channel)
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

    func ending(grace: Duration) async -> String? { "closed the connection" }
}
