import Foundation

/// Runs blocking work (reading a log to its end, waiting on a queue between
/// two threads) on a thread of its own and awaits its result, so no thread
/// of the cooperative pool ever blocks.
package func onDedicatedThread<Result: Sendable>(_ name: String, _ body: @escaping @Sendable () -> Result) async -> Result {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.name = name
        thread.start()
    }
}
