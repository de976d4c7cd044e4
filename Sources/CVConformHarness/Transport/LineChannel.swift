import NIOCore

/// Reads lines on a NIO event loop: bytes are framed into lines right where
/// they arrive and handed over at once (to the inbox, or to the log), so an
/// answer costs one hand-over from the event loop to the waiting task.
final class LineReadingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let line: @Sendable (String) -> Void
    private let bytes: @Sendable (Int) -> Void
    private let ended: @Sendable (_ overlong: Bool) -> Void
    private var framer = LineFramer()
    private var overlong = false

    init(line: @escaping @Sendable (String) -> Void, bytes: @escaping @Sendable (Int) -> Void = { _ in },
         ended: @escaping @Sendable (Bool) -> Void) {
        self.line = line
        self.bytes = bytes
        self.ended = ended
    }

    /// Lines into `inbox`, which closes with the reason the output ended:
    /// an overlong line, or `closing` (e.g. "the implementation closed its
    /// output").
    convenience init(feeding inbox: Inbox, closing: String) {
        self.init(line: { inbox.push($0) }, bytes: { inbox.noteBytes($0) }, ended: { overlong in
            inbox.close(overlong
                ? HarnessFailure(.protocolViolation, "the implementation wrote a line longer than 1 MiB")
                : HarnessFailure(.exited, closing))
        })
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !overlong else { return }
        let buffer = unwrapInboundIn(data)
        bytes(buffer.readableBytes)
        let line = self.line
        let fits = buffer.withUnsafeReadableBytes { framer.feed($0) { line($0) } }
        if !fits {
            overlong = true
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !overlong { framer.finish { line($0) } }
        ended(overlong)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Writes to a NIO channel without waiting (the event loop writes), keeping
/// count of what is not written yet, so a writer can tell an implementation
/// that has stopped reading.
struct ChannelWriter: Sendable {
    let channel: any Channel
    let unwritten = Locked(0)
    let failure = Locked<HarnessFailure?>(nil)
    /// Bytes that may wait unwritten before `write` waits too.
    static let backlog = 1 << 22

    func write(_ text: String, timeout: Duration) async throws(HarnessFailure) {
        if let failure = failure.value { throw failure }
        let buffer = channel.allocator.buffer(string: text)
        let count = buffer.readableBytes
        let backlog = unwritten.withLock { value -> Int in
            value += count
            return value
        }
        let (unwritten, failure) = (self.unwritten, self.failure)
        let promise = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(buffer, promise: promise)
        let written = promise.futureResult
        written.whenComplete { result in
            unwritten.withLock { $0 -= count }
            if case .failure(let error) = result {
                failure.withLock { $0 = $0 ?? HarnessFailure(.exited, "cannot write to the implementation (\(error))") }
            }
        }
        guard backlog > Self.backlog else { return }
        // A great deal is still unwritten: the implementation may have
        // stopped reading. Writes complete in order, so once this one is
        // written the backlog is gone; wait for that, at most `timeout`.
        let done = await firstOf(timeout: timeout, on: channel.eventLoop) { resume in written.whenComplete { _ in resume(true) } }
        if done == nil {
            throw HarnessFailure(.timeout, "the implementation stopped reading its input (a write waited \(timeout))")
        }
    }
}
