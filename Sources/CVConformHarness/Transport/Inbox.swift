import NIOCore
import Synchronization

/// Lines read from an implementation, waiting for the harness. A reading
/// task pushes; the harness awaits the next line with a deadline, so no wait
/// is ever unbounded. Bounded too in size: an implementation that floods is
/// cut off rather than allowed to fill memory.
final class Inbox: Sendable {
    enum Event: Sendable, Equatable {
        case line(String)
        case closed(HarnessFailure)
        case timeout
    }

    private struct State: ~Copyable {
        var lines: [String] = []
        var head = 0
        var closed: HarnessFailure?
        var waiter: (token: UInt64, continuation: CheckedContinuation<Event, Never>)?
        var lastToken: UInt64 = 0
        var expiredUpTo: UInt64 = 0
        /// Every byte the implementation wrote, and every line.
        var bytes = 0
        var linesEver = 0

        var buffered: Int { lines.count - head }

        mutating func pop() -> String? {
            guard head < lines.count else { return nil }
            let line = lines[head]
            head += 1
            if head > 4096 && head * 2 > lines.count {
                lines.removeFirst(head)
                head = 0
            }
            return line
        }
    }

    private let state = Mutex(State())
    private let capacity: Int
    /// The event loop that fills this inbox: deadlines are kept there, on
    /// the thread that delivers the lines.
    private let loop: any EventLoop

    init(loop: any EventLoop, capacity: Int = 200_000) {
        self.loop = loop
        self.capacity = capacity
    }

    /// Called by the reading task for each complete line.
    func push(_ line: String) {
        let waiter: CheckedContinuation<Event, Never>? = state.withLock { state in
            guard state.closed == nil else { return nil }
            state.linesEver += 1
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter.continuation
            }
            if state.buffered >= capacity {
                state.closed = HarnessFailure(.flood, "the implementation wrote more than \(capacity) lines that nobody asked for")
                state.lines.removeAll()
                state.head = 0
                return nil
            }
            state.lines.append(line)
            return nil
        }
        waiter?.resume(returning: .line(line))
    }

    /// Called by the reading task for every chunk it reads.
    func noteBytes(_ count: Int) {
        state.withLock { $0.bytes += count }
    }

    /// What has arrived at all: bytes, and complete lines.
    var received: (bytes: Int, lines: Int) { state.withLock { ($0.bytes, $0.linesEver) } }

    /// Called once when the input ends or breaks; buffered lines stay readable.
    func close(_ failure: HarnessFailure) {
        let waiter: CheckedContinuation<Event, Never>? = state.withLock { state in
            if state.closed == nil { state.closed = failure }
            let waiter = state.waiter
            state.waiter = nil
            return waiter?.continuation
        }
        waiter?.resume(returning: .closed(failure))
    }

    /// The next line, `.closed` once everything is read and the input ended,
    /// or `.timeout` when nothing arrives within `timeout`.
    func next(timeout: Duration) async -> Event {
        if let ready = state.withLock({ Self.ready(&$0) }) { return ready }
        if timeout <= .zero { return .timeout }
        let token = state.withLock { state -> UInt64 in
            state.lastToken += 1
            return state.lastToken
        }
        let timer = loop.scheduleTask(in: timeout.timeAmount) { [weak self] in
            self?.expire(token)
        }
        let event = await withCheckedContinuation { (continuation: CheckedContinuation<Event, Never>) in
            let ready: Event? = state.withLock { state in
                if let ready = Self.ready(&state) { return ready }
                if token <= state.expiredUpTo { return .timeout }
                // One reader at a time: a second waiter would take the first's place and leave it waiting forever.
                precondition(state.waiter == nil, "Inbox.next: a second reader waits while another does")
                state.waiter = (token, continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        timer.cancel()
        return event
    }

    /// Every line buffered now, at most `limit` (no waiting).
    func drain(limit: Int) -> [String] {
        state.withLock { state in
            var taken: [String] = []
            while taken.count < limit, let line = state.pop() { taken.append(line) }
            return taken
        }
    }

    /// Whether the input has ended and everything was read.
    var isFinished: Bool { state.withLock { $0.closed != nil && $0.buffered == 0 } }

    /// The output has ended (lines may still wait to be taken).
    var isClosed: Bool { state.withLock { $0.closed != nil } }

    /// Drops every buffered line (between traces).
    func discardBuffered() -> Int {
        state.withLock { state in
            let count = state.buffered
            state.lines.removeAll()
            state.head = 0
            return count
        }
    }

    private func expire(_ token: UInt64) {
        let waiter: CheckedContinuation<Event, Never>? = state.withLock { state in
            state.expiredUpTo = max(state.expiredUpTo, token)
            guard let waiter = state.waiter, waiter.token == token else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume(returning: .timeout)
    }

    private static func ready(_ state: inout State) -> Event? {
        if let line = state.pop() { return .line(line) }
        if let closed = state.closed { return .closed(closed) }
        return nil
    }
}

/// The lines an implementation wrote to its log (stderr), the last few kept,
/// with a mark at each reset so a trace's report shows only what was written
/// since its own reset.
final class LogTail: Sendable {
    private struct State {
        var lines: [String] = []
        /// Lines written before the first reset (start-up), the last few.
        var startup: [String] = []
        var resets = 0
        /// How many of `lines` came after the last reset.
        var sinceReset = 0
        /// The log reached its end (the implementation closed stderr).
        var ended = false
        var waitingForEnd: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())
    private let keep: Int

    /// `ended`: a transport without a log (TCP) has one that has ended.
    init(keep: Int = 40, ended: Bool = false) {
        self.keep = keep
        if ended { markEnded() }
    }

    func append(_ line: String) {
        let shown = line.count > 500 ? String(line.prefix(500)) + "…" : line
        state.withLock { state in
            if state.resets == 0 {
                state.startup.append(shown)
                if state.startup.count > keep { state.startup.removeFirst(state.startup.count - keep) }
                return
            }
            state.lines.append(shown)
            state.sinceReset += 1
            if state.lines.count > keep { state.lines.removeFirst(state.lines.count - keep) }
        }
    }

    /// A reset was sent: what follows belongs to the next trace.
    func markReset() {
        state.withLock { state in
            state.resets += 1
            state.lines.removeAll()
            state.sinceReset = 0
        }
    }

    /// The log has ended: nothing more will be appended.
    func markEnded() {
        let waiting = state.withLock { state in
            state.ended = true
            defer { state.waitingForEnd = [] }
            return state.waitingForEnd
        }
        for callback in waiting { callback() }
    }

    /// Calls `callback` once the log has ended (at once if it has).
    func whenEnded(_ callback: @escaping @Sendable () -> Void) {
        let ended = state.withLock { state in
            if !state.ended { state.waitingForEnd.append(callback) }
            return state.ended
        }
        if ended { callback() }
    }

    /// The last lines since the last reset.
    var sinceReset: [String] { state.withLock { $0.lines } }

    /// The last lines written before the first reset.
    var startup: [String] { state.withLock { $0.startup } }
}

/// Splits bytes into lines: `\n` ends a line, a `\r` before it is dropped,
/// blank lines are skipped (a stray newline is tolerated rather than failing
/// an implementation), and a line longer than the limit is refused.
struct LineFramer {
    static let maximumLineLength = 1 << 20
    private var pending: [UInt8] = []

    /// Feeds bytes; calls `line` for each complete one. False when a line
    /// has grown past the limit.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, line: (String) -> Void) -> Bool {
        var start = 0
        for index in 0..<bytes.count where bytes[index] == UInt8(ascii: "\n") {
            pending.append(contentsOf: bytes[start..<index])
            emit(line)
            start = index + 1
        }
        pending.append(contentsOf: bytes[start..<bytes.count])
        return pending.count <= Self.maximumLineLength
    }

    /// The end of input: a last line without its newline still counts.
    mutating func finish(line: (String) -> Void) {
        emit(line)
    }

    private mutating func emit(_ line: (String) -> Void) {
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        if pending.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) {
            line(String(decoding: pending, as: UTF8.self))
        }
        pending.removeAll(keepingCapacity: true)
    }
}
