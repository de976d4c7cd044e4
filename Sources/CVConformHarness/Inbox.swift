import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Lines read from an implementation, waiting for the harness. A reader
/// thread pushes; the harness awaits the next line with a deadline, so no
/// wait is ever unbounded. Bounded too in size: an implementation that
/// floods is cut off rather than allowed to fill memory.
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
    private static let spins = 256
    private let capacity: Int

    init(capacity: Int = 200_000) {
        self.capacity = capacity
    }

    /// Called by the reader thread for each complete line.
    func push(_ line: String) {
        let waiter: CheckedContinuation<Event, Never>? = state.withLock { state in
            guard state.closed == nil else { return nil }
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
        // A fast implementation answers within microseconds: look again a
        // few times before paying for a timer and a suspension.
        for _ in 0..<Self.spins {
            sched_yield()
            if let ready = state.withLock({ Self.ready(&$0) }) { return ready }
        }
        let token = state.withLock { state -> UInt64 in
            state.lastToken += 1
            return state.lastToken
        }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.expire(token)
        }
        let event = await withCheckedContinuation { (continuation: CheckedContinuation<Event, Never>) in
            let ready: Event? = state.withLock { state in
                if let ready = Self.ready(&state) { return ready }
                if token <= state.expiredUpTo { return .timeout }
                state.waiter = (token, continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        timer.cancel()
        return event
    }

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

/// The last lines an implementation wrote to its log (stderr).
final class LogTail: Sendable {
    private let lines = Mutex<[String]>([])
    private let keep: Int

    init(keep: Int = 40) {
        self.keep = keep
    }

    func append(_ line: String) {
        lines.withLock { lines in
            lines.append(line.count > 500 ? String(line.prefix(500)) + "…" : line)
            if lines.count > keep { lines.removeFirst(lines.count - keep) }
        }
    }

    var snapshot: [String] { lines.withLock { $0 } }
}
