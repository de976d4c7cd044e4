import CVConformHarness
import CVConformPlatform
import CVConformTrace
import CVConformWire
import Foundation

/// The JSON-Lines log of a load run (contract section 7): the reset, with
/// the cells' ids, then every message in the order load's cells judged it
/// (LOAD-15), so check-log judges the log as load judged the run.
/// Lines are written on a thread of their own (a file write may block a
/// thread; it never blocks one of the cooperative pool) and the file is
/// flushed as it grows, so what was logged before an interruption stays
/// readable. A caller that gets ahead of the disk by `capacity` batches
/// suspends until the writer catches up.
package final class LoadLog: Sendable {
    private static let capacity = 64
    private let queue = HandOffQueue<[String]>(capacity: LoadLog.capacity)
    /// Batches the queue can still take without blocking, and the callers
    /// suspended until it can.
    private let room = Locked<(free: Int, waiting: [CheckedContinuation<Void, Never>])>((LoadLog.capacity, []))
    /// Whether the writing thread is done, and who waits for it.
    private let ending = Locked<(done: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))
    private let descriptor: Int32

    /// Opens (truncates) the file; nil with a reason when it cannot.
    package static func open(_ path: String) -> Result<LoadLog, HarnessFailure> {
        let descriptor = CVConformPlatform.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            return .failure(HarnessFailure(.unavailable, "cannot write \(path): \(String(cString: strerror(errno)))"))
        }
        return .success(LoadLog(descriptor: descriptor))
    }

    private init(descriptor: Int32) {
        self.descriptor = descriptor
        let (queue, ending, room) = (self.queue, self.ending, self.room)
        let thread = Thread {
            while let lines = queue.take() {
                let waiter = room.withLock { room -> CheckedContinuation<Void, Never>? in
                    if room.waiting.isEmpty { room.free += 1; return nil }
                    return room.waiting.removeFirst()
                }
                waiter?.resume()
                var text = lines.joined(separator: "\n")
                text += "\n"
                text.withUTF8 { bytes in
                    var offset = 0
                    while offset < bytes.count {
                        let written = CVConformPlatform.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                        if written > 0 { offset += written } else if written < 0 && errno == EINTR { continue } else { break }
                    }
                }
            }
            let waiter = ending.withLock { state -> CheckedContinuation<Void, Never>? in
                state.done = true
                return state.waiter
            }
            waiter?.resume()
        }
        thread.name = "cvconform-load-log"
        thread.start()
    }

    /// The reset that starts the run. `observed` says how its messages
    /// were seen (RACE-22): "reports" when the implementation reports its
    /// internal messages (each is logged when read, not when its receiver
    /// took it), "external" when it is a black box; nil for an
    /// implementation that plays only some roles (the harness plays the
    /// others, and the log is judged in its order).
    package func reset(setup: Administration, cells: [[String]], observed: String? = nil) async {
        await write([WireProtocol.reset(trace: "load", setup: setup, cells: cells, observed: observed)])
    }

    /// Messages, in the order the cells judged them.
    package func messages(_ messages: [Message]) async {
        guard !messages.isEmpty else { return }
        await write([String(WireProtocol.messages(messages).dropLast())])
    }

    /// Hands lines to the writer once the queue has room for them, so that
    /// `put` never blocks.
    private func write(_ lines: [String]) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let reserved = room.withLock { room -> Bool in
                guard room.free > 0 else {
                    room.waiting.append(continuation)
                    return false
                }
                room.free -= 1
                return true
            }
            if reserved { continuation.resume() }
        }
        _ = queue.put(lines)
    }

    /// Writes what is left and closes the file.
    package func close() async {
        queue.finish()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = ending.withLock { state -> Bool in
                if !state.done { state.waiter = continuation }
                return state.done
            }
            if done { continuation.resume() }
        }
        _ = CVConformPlatform.close(descriptor)
    }
}
