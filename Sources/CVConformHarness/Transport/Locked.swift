import Synchronization

/// A value behind a lock, shared by reference: what tasks that outlive one
/// call (a process's readers, a connection's writer) and the calls
/// themselves both read and change.
package final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    package init(_ value: Value) { mutex = Mutex(value) }

    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try mutex.withLock { try body(&$0) }
    }

    package var value: Value { mutex.withLock { $0 } }
}
