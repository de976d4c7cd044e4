import CVConformTrace
import Foundation

/// Reads lines of a log again, by position, to show the messages before a
/// violation (see `LogWindows`). Used on the judging thread only; a file is
/// opened on first use and closed with the fetcher.
final class LogLineFetcher {
    private let source: LogSource
    private var descriptor: Int32 = -1

    init(source: LogSource) {
        self.source = source
    }

    /// Whether lines can be read again; if not, windows keep the messages.
    var canReadAgain: Bool {
        if case .standardInput = source { return false }
        return true
    }

    /// A window's message at its line: the one kept, or its line read and
    /// decoded again.
    func entry(_ slot: LogWindows.Slot) -> LogEntry? {
        if let message = slot.message { return LogEntry(line: slot.line, message: message) }
        guard let position = slot.position else { return nil }
        let decoded: LogItem? = withLine(at: position) { bytes in
            LogItem.decode(LogLineReader.Line(bytes: bytes, number: position.line, offset: position.offset, tooLong: false))
        }
        guard case .message(let message, _, _)? = decoded else { return nil }
        return LogEntry(line: position.line, message: message)
    }

    func entries(_ slots: [LogWindows.Slot]) -> [LogEntry] {
        slots.compactMap(entry)
    }

    private func withLine<Result>(at position: LogLinePosition, _ body: (UnsafeBufferPointer<UInt8>) -> Result?) -> Result? {
        switch source {
        case .bytes(let bytes, _):
            guard position.offset >= 0, position.offset + position.length <= bytes.count else { return nil }
            return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[position.offset..<position.offset + position.length])) }
        case .file(let path):
            if descriptor < 0 { descriptor = open(path, O_RDONLY) }
            guard descriptor >= 0 else { return nil }
            var buffer = [UInt8](repeating: 0, count: position.length)
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, position.length, off_t(position.offset)) }
            guard count == position.length else { return nil }
            return buffer.withUnsafeBufferPointer(body)
        case .standardInput:
            return nil
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }
}
