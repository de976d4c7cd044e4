import Foundation

/// A short bounded queue between two threads: one puts, one takes. Either
/// side can stop the other: `finish` after the last item, `cancel` when the
/// taker gives up (then `put` returns false at once). The condition's lock
/// guards every field. Package-wide: the trace reader and the log checker
/// both use it.
package final class HandOffQueue<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Item] = []
    private var finished = false
    private var cancelled = false
    private let capacity: Int

    package init(capacity: Int) { self.capacity = capacity }

    /// Waits while the queue is full; false once the taker has cancelled.
    @discardableResult
    package func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The next item, or nil once the putter has finished and all is taken.
    package func take() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished && !cancelled { condition.wait() }
        guard !items.isEmpty, !cancelled else { return nil }
        condition.broadcast()
        return items.removeFirst()
    }

    /// The next item if there is one, without waiting.
    package func poll() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        guard !items.isEmpty else { return nil }
        condition.broadcast()
        return items.removeFirst()
    }

    /// No more items will come.
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
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
