/// Where a JSON-Lines log comes from.
package enum LogSource: Sendable, Hashable {
    /// A file, read from its start to its end.
    case file(String)
    /// Standard input (`-`), read as it comes: lines are judged as soon as
    /// they arrive, so `tail -f app.log | cvconform check-log -` is live.
    case standardInput
    /// Bytes in memory (tests, tools); `name` stands for the file in output.
    case bytes([UInt8], name: String)

    /// How output names it: the path, `<stdin>`, or the name given.
    package var name: String {
        switch self {
        case .file(let path): return path
        case .standardInput: return "<stdin>"
        case .bytes(_, let name): return name
        }
    }

    /// Whether lines should be handed on as soon as they are read rather
    /// than in large batches (standard input may be a live stream).
    var isLive: Bool {
        if case .standardInput = self { return true }
        return false
    }
}

/// A log that cannot be read (not one that reads badly: bad lines are
/// counted and skipped, bad segments judged malformed).
package struct LogReadError: Error, Hashable, Sendable, CustomStringConvertible {
    package var source: String
    package var reason: String

    package init(source: String, reason: String) {
        self.source = source
        self.reason = reason
    }

    package var description: String { "cannot read \(source): \(reason)" }
}
