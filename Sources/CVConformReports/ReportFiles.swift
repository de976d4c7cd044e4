import CVConformHarness
import Foundation

/// A JSON report read back from disk: a run report (`verdict` per trace) or
/// a validate report (`ok` per trace). For `merge` and `diff`.
public struct ReportFile: Sendable {
    public enum Kind: String, Sendable { case run, validate }

    public struct Entry: Sendable {
        public var id: String
        public var file: String
        /// run: the verdict word; validate: "ok" or "not-ok".
        public var result: String
        /// The entry as written, kept for merging.
        public var fields: [(String, JSONValue)]
    }

    public var path: String
    public var kind: Kind
    public var implementation: String?
    public var entries: [Entry]

    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func read(_ path: String) throws(ReadError) -> ReportFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(description: "cannot read \(path)")
        }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let traces = root["traces"] as? [[String: Any]]
        else {
            throw ReadError(description: "\(path) is not a cvconform JSON report (no \"traces\" list)")
        }
        let kind: Kind = root["summary"] != nil ? .run : .validate
        var entries: [Entry] = []
        for trace in traces {
            let file = trace["file"] as? String ?? ""
            let id = trace["id"] as? String ?? file
            let result: String
            switch kind {
            case .run: result = trace["verdict"] as? String ?? "?"
            case .validate: result = (trace["ok"] as? Bool ?? false) ? "ok" : "not-ok"
            }
            let order = kind == .run ? ["id", "file", "verdict", "detail"] : ["id", "file", "expect", "outcome", "at", "ok"]
            let fields = order.map { ($0, Self.value(trace[$0], key: $0)) }
            entries.append(Entry(id: id, file: file, result: result, fields: fields))
        }
        return ReportFile(path: path, kind: kind, implementation: root["implementation"] as? String, entries: entries)
    }

    /// The fields are strings but for validate's `ok` (a boolean) and `at`
    /// (a number or null).
    private static func value(_ any: Any?, key: String) -> JSONValue {
        switch (key, any) {
        case (_, let text as String): return .string(text)
        case ("ok", let flag as Bool): return .bool(flag)
        case ("at", let number as Int): return .number(number)
        default: return .null
        }
    }

    /// Joins the reports of the shards of one suite into the report one
    /// unsharded run would have written (traces in file order).
    public static func merge(_ reports: [ReportFile]) throws(ReadError) -> JSONValue {
        guard let first = reports.first else { throw ReadError(description: "nothing to merge") }
        for report in reports where report.kind != first.kind {
            throw ReadError(description: "\(report.path) is a \(report.kind.rawValue) report, \(first.path) a \(first.kind.rawValue) report")
        }
        var seen = Set<String>()
        var entries: [Entry] = []
        for report in reports {
            for entry in report.entries {
                guard seen.insert(entry.file + "\u{0}" + entry.id).inserted else {
                    throw ReadError(description: "trace \(entry.id) (\(entry.file)) is in more than one report: were the shards distinct?")
                }
                entries.append(entry)
            }
        }
        entries.sort { ($0.file, $0.id) < ($1.file, $1.id) }
        let traces = JSONValue.array(entries.map { JSONValue.object($0.fields) })
        guard first.kind == .run else { return .object([("traces", traces)]) }
        var counts: [(String, JSONValue)] = []
        for word in ["pass", "fail", "error", "skip", "expected-fail", "unexpected-pass"] {
            let count = entries.filter { $0.result == word }.count
            if count > 0 || ["pass", "fail", "error", "skip"].contains(word) { counts.append((word, .number(count))) }
        }
        return .object([
            ("implementation", .string(first.implementation ?? "")),
            ("summary", .object(counts)),
            ("traces", traces),
        ])
    }
}

/// What changed between two runs of the same suite.
public struct ReportDiff: Sendable {
    public struct Change: Sendable {
        public var id: String
        public var file: String
        public var old: String
        public var new: String
    }

    public var regressions: [Change] = []
    public var fixes: [Change] = []
    public var otherChanges: [Change] = []
    public var added: [ReportFile.Entry] = []
    public var removed: [ReportFile.Entry] = []

    /// unexpected-pass is good here: the trace passes; only the expectations
    /// file is behind.
    static let good: Set<String> = ["pass", "ok", "unexpected-pass"]
    static let bad: Set<String> = ["fail", "error", "not-ok"]

    public init(old: ReportFile, new: ReportFile) {
        let before = Dictionary(old.entries.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.entries.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for entry in new.entries {
            guard let previous = before[entry.id] else {
                added.append(entry)
                continue
            }
            guard previous.result != entry.result else { continue }
            let change = Change(id: entry.id, file: entry.file, old: previous.result, new: entry.result)
            if Self.good.contains(previous.result) && Self.bad.contains(entry.result) {
                regressions.append(change)
            } else if Self.bad.contains(previous.result) && Self.good.contains(entry.result) {
                fixes.append(change)
            } else {
                otherChanges.append(change)
            }
        }
        removed = old.entries.filter { after[$0.id] == nil }
    }

    public var lines: [String] {
        var lines: [String] = []
        func section(_ title: String, _ changes: [Change]) {
            guard !changes.isEmpty else { return }
            lines.append("\(title) (\(changes.count)):")
            lines += changes.map { "  \($0.id): \($0.old) → \($0.new)  \($0.file)" }
        }
        section("regressions", regressions)
        section("fixes", fixes)
        section("other changes", otherChanges)
        if !added.isEmpty {
            lines.append("new traces (\(added.count)):")
            lines += added.map { "  \($0.id): \($0.result)  \($0.file)" }
        }
        if !removed.isEmpty {
            lines.append("removed traces (\(removed.count)):")
            lines += removed.map { "  \($0.id): was \($0.result)  \($0.file)" }
        }
        lines.append("\(regressions.count) regressions, \(fixes.count) fixes, \(otherChanges.count) other changes, "
                     + "\(added.count) new, \(removed.count) removed")
        return lines
    }
}
