import CVConformHarness
import Foundation

/// Known failures of one implementation, kept in a file beside its CI job so
/// that a red run means something new. A trace marked as failing that passes
/// becomes an `unexpected-pass`, so the list cannot go stale quietly.
///
/// Format: one trace per line, `ID-GLOB  VERDICT  REASON…`, where VERDICT is
/// `fail` or `error` and the reason runs to the end of the line. A line
/// whose first character other than white space is `#` is a comment; a `#`
/// anywhere else is text, so `(bug #1)` stays in the reason (RUN-24).
///
///     # acme-icm 2.3
///     login-basic        fail   ACME-123: acw-open is sent twice
///     ext-*              error  extended profile not implemented (#12)
package struct Expectations: Sendable {
    package struct Entry: Hashable, Sendable {
        package var glob: String
        package var verdict: Verdict
        package var reason: String
        package var line: Int
    }

    package struct ParseError: Error, CustomStringConvertible {
        package var file: String
        package var line: Int
        package var message: String
        package var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
    }

    package var entries: [Entry]
    /// The file the entries came from, for messages (`file:line`).
    package var file: String

    package init(entries: [Entry] = [], file: String = "<expectations>") {
        self.entries = entries
        self.file = file
    }

    package static func read(file: String) throws -> Expectations {
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw ParseError(file: file, line: 0, message: "no such file, or it cannot be read")
        }
        return try parse(text, file: file)
    }

    package static func parse(_ text: String, file: String = "<expectations>") throws -> Expectations {
        var entries: [Entry] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            // Two words, then the reason as written (inner spacing kept).
            var rest = Substring(line)
            var words: [String] = []
            while words.count < 2, let end = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? (rest.isEmpty ? nil : rest.endIndex) {
                words.append(String(rest[..<end]))
                rest = rest[end...].drop(while: { $0 == " " || $0 == "\t" })
            }
            guard words.count == 2, let verdict = Verdict(rawValue: words[1]), verdict == .fail || verdict == .error else {
                throw ParseError(file: file, line: offset + 1, message: "expected 'ID-GLOB fail|error REASON', got '\(line)'")
            }
            entries.append(Entry(glob: words[0], verdict: verdict, reason: String(rest), line: offset + 1))
        }
        return Expectations(entries: entries, file: file)
    }

    /// The first entry whose glob matches the trace id.
    package func entry(for id: String) -> Entry? {
        entries.first { fnmatch($0.glob, id, 0) == 0 }
    }

    /// Entries that matched none of the ids.
    package func unused(ids: [String]) -> [Entry] {
        entries.filter { entry in !ids.contains { fnmatch(entry.glob, $0, 0) == 0 } }
    }
}

/// A verdict as reported once expectations are applied.
package enum Status: String, CaseIterable, Hashable, Sendable {
    case pass, fail, error, skip
    /// Failed (or erred) as the expectations file says it would.
    case expectedFail = "expected-fail"
    /// Marked as failing, but passed: the expectation is stale.
    case unexpectedPass = "unexpected-pass"

    package init(verdict: Verdict, expectation: Expectations.Entry?) {
        switch (verdict, expectation) {
        case (.pass, _?): self = .unexpectedPass
        case (let verdict, let entry?) where verdict == entry.verdict: self = .expectedFail
        case (.pass, nil): self = .pass
        case (.fail, _): self = .fail
        case (.error, _): self = .error
        case (.skip, _): self = .skip
        }
    }
}
