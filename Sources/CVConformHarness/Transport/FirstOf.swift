import NIOCore

extension Duration {
    /// The same length as NIO's `TimeAmount`.
    var timeAmount: TimeAmount {
        .nanoseconds(Int64(components.seconds) * 1_000_000_000 + Int64(components.attoseconds / 1_000_000_000))
    }
}

/// Awaits whichever comes first: a value `start` hands to its `resume`
/// callback, or `timeout` on the event loop (nil). Nothing polls: the
/// timer is the loop's, and the later of the two is ignored.
func firstOf<Value: Sendable>(timeout: Duration, on loop: any EventLoop,
                              _ start: @escaping @Sendable (_ resume: @escaping @Sendable (Value?) -> Void) -> Void) async -> Value? {
    let pending = Locked<CheckedContinuation<Value?, Never>?>(nil)
    return await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
        pending.withLock { $0 = continuation }
        let resume: @Sendable (Value?) -> Void = { value in
            pending.withLock { slot -> CheckedContinuation<Value?, Never>? in
                defer { slot = nil }
                return slot
            }?.resume(returning: value)
        }
        let timer = loop.scheduleTask(in: timeout.timeAmount) { resume(nil) }
        start { value in
            timer.cancel()
            resume(value)
        }
    }
}
