import Foundation

/// Writes a file piece by piece without a reader ever seeing half of it, for
/// output too long to hold in memory (a report of a long log, a trace cut
/// out of it): the text goes to a temporary file beside the target, renamed
/// over it by `commit`. Dropped without `commit`, the temporary file is
/// removed and the target left as it was. Used on one thread.
public final class AtomicFileStream {
    public let path: String
    private let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var failure: AtomicFile.WriteError?
    private var committed = false

    public init(path: String) throws(AtomicFile.WriteError) {
        self.path = path
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw AtomicFile.WriteError(path: path, reason: error.localizedDescription)
        }
        temporaryPath = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno)))
        }
        buffer.reserveCapacity(1 << 16)
    }

    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Everything written is on disk under `path`, all at once.
    public func commit() throws(AtomicFile.WriteError) {
        flush()
        close(descriptor)
        descriptor = -1
        if let failure {
            unlink(temporaryPath)
            throw failure
        }
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw AtomicFile.WriteError(path: path, reason: reason)
        }
        committed = true
    }

    private func flush() {
        guard failure == nil, !buffer.isEmpty else {
            buffer.removeAll(keepingCapacity: true)
            return
        }
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress?.advanced(by: offset), $0.count - offset) }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                failure = AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno)))
                break
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        if !committed { unlink(temporaryPath) }
    }
}
