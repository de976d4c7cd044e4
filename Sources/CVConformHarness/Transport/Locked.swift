import Synchronization

/// A value behind a lock, shared by reference: what tasks that outlive one
/// call (a process's readers, a connection's writer) and the calls
/// themselves both read and change.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try mutex.withLock { try body(&$0) }
    }

    var value: Value { mutex.withLock { $0 } }
}
