// Lines in and out of a file descriptor (stdin/stdout, or a TCP connection),
// and the TCP listener for `--listen`. Plain POSIX calls: the protocol is one
// line at a time, so nothing fancier is needed.

import Foundation
import CVConformPlatform

/// Writes whole lines to a descriptor at once: each line leaves the process as
/// soon as it is written (no buffering, so no flush to forget). The lock keeps
/// lines whole if two writers ever overlap.
final class LineWriter: Sendable {
    private let descriptor: Int32
    private let lock = NSLock()

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func write(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        lock.lock()
        defer { lock.unlock() }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { buffer in
                CVConformPlatform.write(descriptor, buffer.baseAddress, buffer.count)
            }
            if written < 0 {
                if errno == EINTR { continue }
                // The harness has gone away; the end of our input will follow.
                return
            }
            offset += written
        }
    }
}

/// Reads lines (without their `\n` or `\r\n`) from a descriptor, blocking.
/// Used only from the main actor, which runs on the main thread, outside the
/// pool the server actors run on: a blocked read never starves them.
final class LineReader {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var atEnd = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// The next line, or nil at the end of input.
    func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            if atEnd {
                // A last line without its newline still counts.
                guard !buffer.isEmpty else { return nil }
                defer { buffer = [] }
                return String(decoding: buffer, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                atEnd = true
            } else if count == 0 {
                atEnd = true
            } else {
                buffer.append(contentsOf: chunk[..<count])
            }
        }
    }
}

/// A TCP socket listening on 127.0.0.1 only: the protocol has no
/// authentication, so it is never offered beyond this machine.
struct Listener {
    let descriptor: Int32
    let port: UInt16

    static func bind(port: UInt16) -> Result<Listener, WireError> {
        let descriptor = socket(AF_INET, streamSocket, 0)
        guard descriptor >= 0 else { return .failure(WireError("socket: \(String(cString: strerror(errno)))")) }
        var yes: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                CVConformPlatform.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(descriptor, 1) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            return .failure(WireError("cannot listen on 127.0.0.1:\(port): \(reason)"))
        }

        // With port 0 the system chose one: ask which.
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getsockname(descriptor, $0, &length)
            }
        }
        return .success(Listener(descriptor: descriptor, port: UInt16(bigEndian: actual.sin_port)))
    }

    /// Waits for the next connection.
    func accept() -> Int32? {
        while true {
            let connection = CVConformPlatform.accept(descriptor, nil, nil)
            if connection >= 0 { return connection }
            if errno == EINTR { continue }
            return nil
        }
    }
}

/// Diagnostics go to stderr only: stdout belongs to the protocol.
func diagnose(_ text: String) {
    FileHandle.standardError.write(Data("cvconform-example: \(text)\n".utf8))
}
