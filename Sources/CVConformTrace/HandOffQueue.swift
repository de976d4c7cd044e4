import Foundation

/// A short bounded queue of batches between two threads: one puts, one
/// takes. Either side can stop the other: `finish` after the last batch,
/// `cancel` when the taker gives up (then `put` returns false at once).
/// Package-wide: the trace reader and the log checker both use it.
package final class HandOffQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [[Element]] = []
    private var finished = false
    private var cancelled = false
    private let capacity: Int

    package init(capacity: Int) { self.capacity = capacity }

    /// Waits while the queue is full; false once the taker has cancelled.
    @discardableResult
    package func put(_ batch: [Element]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        batches.append(batch)
        condition.broadcast()
        return true
    }

    /// The next batch, or nil once the putter has finished and all is taken.
    package func take() -> [Element]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished && !cancelled { condition.wait() }
        guard !batches.isEmpty, !cancelled else { return nil }
        condition.broadcast()
        return batches.removeFirst()
    }

    /// The next batch if there is one, without waiting.
    package func poll() -> [Element]? {
        condition.lock()
        defer { condition.unlock() }
        guard !batches.isEmpty else { return nil }
        condition.broadcast()
        return batches.removeFirst()
    }

    /// No more batches will come.
    package func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The taker gives up: the putter stops at its next `put`.
    package func cancel() {
        condition.lock()
        cancelled = true
        batches.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
