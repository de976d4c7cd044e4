import CVConformHarness
import CVConformTrace

extension RunReport {
    /// One line per trace for the terminal.
    package static func line(_ result: ReplayResult) -> String {
        let verdict = result.verdict.rawValue.uppercased().padding(5)
        return "\(verdict) \(result.id.padding(44)) \(result.file)"
    }

    /// The explanation under a trace that failed or erred.
    package static func details(_ result: ReplayResult) -> [String] {
        var lines: [String] = []
        if result.verdict == .error || (result.divergence == nil && result.verdict != .pass) {
            lines.append(result.detail)
        }
        if let divergence = result.divergence {
            lines += divergence.explanation
        }
        if result.verdict == .fail || result.verdict == .error, let trace = result.trace {
            let window = Self.window(result, trace: trace)
            if !window.isEmpty {
                lines.append("the trace up to there:")
                lines += window
            }
        }
        if !result.log.isEmpty && result.verdict != .pass {
            lines.append("implementation log since this trace's reset (last lines):")
            lines += result.log.suffix(10).map { "  | " + $0 }
        }
        if !result.startupLog.isEmpty && result.verdict != .pass {
            lines.append("implementation log before its first reset (start-up):")
            lines += result.startupLog.suffix(5).map { "  | " + $0 }
        }
        return lines
    }

    /// The last few messages of the trace before the divergence, marked as
    /// sent or observed (✓), the divergence (✗), or not reached. An output
    /// that stands at no place of the trace (one after its end, or one no
    /// interleaving of a racy trace allows) ends the window with its own ✗.
    static func window(_ result: ReplayResult, trace: Trace, size: Int = 6) -> [String] {
        var lines = traceWindow(result, trace: trace, size: size)
        if let divergence = result.divergence, divergence.expectedIndex == nil {
            switch divergence.kind {
            case .extra(let output), .unexpected(let output):
                lines.append("  ✗ \("".padding(4)) \(output)   (the implementation's, at no place of the trace)")
            case .missing:
                break
            }
        }
        return lines
    }

    private static func traceWindow(_ result: ReplayResult, trace: Trace, size: Int) -> [String] {
        var done = Set<Int>()
        for event in result.events {
            switch event {
            case .sent(let index), .observed(let index): done.insert(index)
            case .unexpected: break
            }
        }
        let end = result.divergence?.expectedIndex.map { $0 + 1 }
            ?? (done.max().map { $0 + 1 } ?? 0)
        let start = max(0, end - size)
        guard start < end else { return [] }
        return (start..<end).map { index in
            let mark: String
            if index == result.divergence?.expectedIndex {
                mark = "✗"
            } else if done.contains(index) {
                mark = "✓"
            } else {
                mark = " "
            }
            return "  \(mark) \(String(index + 1).padding(4)) \(trace.entries[index].message)"
        }
    }

    /// Every message of the replay in order: → sent, ← observed, ✗ unexpected.
    package static func exchange(_ result: ReplayResult) -> [String] {
        guard let trace = result.trace else { return [] }
        return result.events.map { event in
            switch event {
            case .sent(let index): return "→ \(trace.entries[index].message)"
            case .observed(let index): return "← \(trace.entries[index].message)"
            case .unexpected(let message): return "✗ \(message)"
            }
        }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
