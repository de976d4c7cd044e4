import Foundation

/// What the terminal can show: a progress line and colour only on a TTY,
/// and colour never when NO_COLOR is set (no-color.org).
struct Terminal {
    let isInteractive: Bool
    let usesColor: Bool
    private var progressShown = false

    init() {
        isInteractive = isatty(STDOUT_FILENO) == 1
        let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        usesColor = isInteractive && !noColor
    }

    enum Color: String {
        case green = "32", red = "31", yellow = "33", magenta = "35", dim = "2"
    }

    func paint(_ text: String, _ color: Color) -> String {
        usesColor ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// Overwrites the progress line (TTY only).
    mutating func progress(_ text: String) {
        guard isInteractive else { return }
        writeAll("\r\u{1B}[K\(text.prefix(120))", to: STDOUT_FILENO)
        progressShown = true
    }

    /// Clears the progress line before ordinary output.
    mutating func clearProgress() {
        guard progressShown else { return }
        writeAll("\r\u{1B}[K", to: STDOUT_FILENO)
        progressShown = false
    }
}
