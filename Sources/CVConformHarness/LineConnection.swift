import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// JSON Lines over file descriptors: a thread reads complete lines into an
/// `Inbox`; writes wait for the descriptor at most a deadline, so an
/// implementation that stops reading cannot hang the harness.
final class LineConnection: Sendable {
    let inbox = Inbox()
    private let writeDescriptor: Int32
    static let maximumLineLength = 1 << 20

    /// Starts reading `readDescriptor` at once; `ended` says what its end means.
    init(readDescriptor: Int32, writeDescriptor: Int32, ended: @escaping @Sendable () -> HarnessFailure) {
        self.writeDescriptor = writeDescriptor
        let flags = fcntl(writeDescriptor, F_GETFL)
        _ = fcntl(writeDescriptor, F_SETFL, flags | O_NONBLOCK)
        let inbox = self.inbox
        Self.readLines(from: readDescriptor, name: "cvconform-stdout") { line in
            inbox.push(line)
        } end: { overlong in
            inbox.close(overlong
                ? HarnessFailure(.protocolViolation, "the implementation wrote a line longer than 1 MiB")
                : ended())
        }
    }

    /// Writes one line (a newline is added), waiting at most `timeout`.
    func write(_ line: String, timeout: Duration) throws(HarnessFailure) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        let deadline = ContinuousClock.now + timeout
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(writeDescriptor, $0.baseAddress, $0.count) }
            if written > 0 {
                offset += written
                continue
            }
            let code = errno
            if written < 0 && code != EAGAIN && code != EWOULDBLOCK && code != EINTR {
                throw HarnessFailure(.exited, "cannot write to the implementation (\(String(cString: strerror(code))))")
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero else {
                throw HarnessFailure(.timeout, "the implementation stopped reading its input (a write waited \(timeout))")
            }
            var poller = pollfd(fd: writeDescriptor, events: Int16(POLLOUT), revents: 0)
            _ = poll(&poller, 1, Int32(min(left.components.seconds * 1000 + 1, 1000)))
        }
    }

    /// Reads lines on a thread of its own until the end of input.
    static func readLines(
        from descriptor: Int32, name: String,
        line: @escaping @Sendable (String) -> Void, end: @escaping @Sendable (_ overlong: Bool) -> Void
    ) {
        let thread = Thread {
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var overlong = false
            reading: while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    // A socket shares its flags with the writer's non-blocking copy.
                    var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                    _ = poll(&poller, 1, -1)
                    continue
                }
                if count <= 0 { break }
                var start = 0
                for index in 0..<count where buffer[index] == UInt8(ascii: "\n") {
                    pending.append(contentsOf: buffer[start..<index])
                    if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
                    // A blank line carries nothing; tolerated rather than
                    // failing an implementation over a stray newline.
                    if pending.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) {
                        line(String(decoding: pending, as: UTF8.self))
                    }
                    pending.removeAll(keepingCapacity: true)
                    start = index + 1
                }
                pending.append(contentsOf: buffer[start..<count])
                if pending.count > maximumLineLength {
                    overlong = true
                    break reading
                }
            }
            if !pending.isEmpty && !overlong { line(String(decoding: pending, as: UTF8.self)) }
            close(descriptor)
            end(overlong)
        }
        thread.name = name
        thread.start()
    }
}
