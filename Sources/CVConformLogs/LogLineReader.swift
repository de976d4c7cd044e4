import Foundation

/// Splits a log into lines, streaming: one buffer that grows only while a
/// single line is longer than it (up to `maximumLineLength`), so memory does
/// not depend on the log's length. Lines are numbered from 1; the newline is
/// not part of a line; a last line without one still counts.
package struct LogLineReader {
    /// A line longer than this is reported as too long and skipped; its
    /// bytes are never held.
    static let maximumLineLength = 16 << 20
    static let chunkSize = 1 << 16

    /// One line: its bytes (valid only during the call), its number, the
    /// offset of its first byte in the source, and whether it was cut off
    /// for being too long (then `bytes` is empty).
    package struct Line {
        var bytes: UnsafeBufferPointer<UInt8>
        var number: Int
        var offset: Int
        var tooLong: Bool
    }

    /// Reads `source` to its end, calling `line` for each line and
    /// `afterRead` after each read from a descriptor (so a live reader can
    /// hand on what it has before waiting for more). Returns how many lines
    /// there were.
    @discardableResult
    package static func read(
        _ source: LogSource, line: (Line) -> Void, afterRead: () -> Void = {}
    ) throws(LogReadError) -> Int {
        switch source {
        case .bytes(let bytes, _):
            var splitter = Splitter()
            bytes.withUnsafeBufferPointer { splitter.feed($0, line: line) }
            splitter.finish(line: line)
            return splitter.lineNumber
        case .file(let path):
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else { throw LogReadError(source: path, reason: String(cString: strerror(errno))) }
            defer { close(descriptor) }
            return try read(descriptor: descriptor, name: path, line: line, afterRead: afterRead)
        case .standardInput:
            return try read(descriptor: STDIN_FILENO, name: source.name, line: line, afterRead: afterRead)
        }
    }

    private static func read(
        descriptor: Int32, name: String, line: (Line) -> Void, afterRead: () -> Void
    ) throws(LogReadError) -> Int {
        var splitter = Splitter()
        let chunk = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunkSize)
        defer { chunk.deallocate() }
        while true {
            let count = Foundation.read(descriptor, chunk.baseAddress, chunkSize)
            if count < 0 {
                if errno == EINTR { continue }
                throw LogReadError(source: name, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            splitter.feed(UnsafeBufferPointer(rebasing: chunk[..<count]), line: line)
            afterRead()
        }
        splitter.finish(line: line)
        return splitter.lineNumber
    }

    /// Cuts bytes into lines across chunk boundaries. Bytes of an unfinished
    /// line are kept in `pending`; a line that outgrows the limit is dropped
    /// and its remaining bytes skipped up to its newline.
    struct Splitter {
        /// Lines longer than this are reported too long.
        let limit: Int
        private var pending: [UInt8] = []
        private var skippingLongLine = false
        private(set) var lineNumber = 0
        /// Bytes consumed before the current chunk, and where the line
        /// being read starts.
        private var consumed = 0
        private var lineStart = 0

        init(limit: Int = LogLineReader.maximumLineLength) {
            self.limit = limit
        }

        mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, line: (Line) -> Void) {
            guard let base = bytes.baseAddress else { return }
            defer { consumed += bytes.count }
            var start = 0
            while start < bytes.count {
                let rest = bytes.count - start
                guard let found = memchr(base + start, 0x0A, rest) else {
                    keep(UnsafeBufferPointer(start: base + start, count: rest), line: line)
                    return
                }
                let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                let piece = UnsafeBufferPointer(start: base + start, count: end - start)
                finishLine(with: piece, line: line)
                start = end + 1
                lineStart = consumed + start
            }
        }

        /// The end of the input: a last line without a newline.
        mutating func finish(line: (Line) -> Void) {
            if !pending.isEmpty || skippingLongLine {
                finishLine(with: UnsafeBufferPointer(start: nil, count: 0), line: line)
            }
        }

        private mutating func keep(_ piece: UnsafeBufferPointer<UInt8>, line: (Line) -> Void) {
            guard !skippingLongLine else { return }
            if pending.count + piece.count > limit {
                pending = []
                skippingLongLine = true
                return
            }
            pending.append(contentsOf: piece)
        }

        private mutating func finishLine(with piece: UnsafeBufferPointer<UInt8>, line: (Line) -> Void) {
            lineNumber += 1
            if skippingLongLine || pending.count + piece.count > limit {
                skippingLongLine = false
                pending = []
                line(Line(bytes: UnsafeBufferPointer(start: nil, count: 0), number: lineNumber, offset: lineStart, tooLong: true))
                return
            }
            if pending.isEmpty {
                line(Line(bytes: piece, number: lineNumber, offset: lineStart, tooLong: false))
                return
            }
            pending.append(contentsOf: piece)
            pending.withUnsafeBufferPointer { line(Line(bytes: $0, number: lineNumber, offset: lineStart, tooLong: false)) }
            // Give back a buffer grown for one long line.
            if pending.capacity > LogLineReader.chunkSize { pending = [] } else { pending.removeAll(keepingCapacity: true) }
        }
    }
}
