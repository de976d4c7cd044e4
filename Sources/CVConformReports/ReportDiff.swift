/// What changed between two runs of the same suite (or two validations).
///
/// A trace that passed and now fails or errs is a regression; a trace in
/// the earlier report but not in the later one counts as a regression too
/// unless removals are allowed (RUN-28), so a shard that uploaded nothing
/// cannot pass for a clean run.
package struct ReportDiff: Sendable {
    package struct Change: Sendable {
        package var id: String
        package var file: String
        package var old: String
        package var new: String
    }

    package var regressions: [Change] = []
    package var fixes: [Change] = []
    package var otherChanges: [Change] = []
    package var added: [ReportFile.Entry] = []
    package var removed: [ReportFile.Entry] = []
    /// Whether removed traces are accepted (`--allow-removed`).
    package var allowRemoved: Bool
    /// Whether a trace that passed and now fails as the expectations file
    /// says it would is accepted (`--allow-expected`); by default it is a
    /// regression: the trace did pass.
    package var allowExpected: Bool
    /// The shard both reports were compared within, when one of them is a
    /// shard of the other's selection.
    package var comparedShard: Shard?

    /// unexpected-pass is good here: the trace passes; only the expectations
    /// file is behind.
    static let good: Set<String> = ["pass", "ok", "unexpected-pass"]
    static let bad: Set<String> = ["fail", "error", "not-ok"]

    package init(old: ReportFile, new: ReportFile, allowRemoved: Bool = false, allowExpected: Bool = false) {
        self.allowRemoved = allowRemoved
        self.allowExpected = allowExpected
        // A shard's report against a whole run's: compare within the shard.
        comparedShard = new.shard ?? old.shard
        let admitted = { (entry: ReportFile.Entry) in self.comparedShard?.admits(entry.id) ?? true }
        let oldEntries = old.entries.filter(admitted)
        let newEntries = new.entries.filter(admitted)
        let bad = allowExpected ? Self.bad : Self.bad.union(["expected-fail"])
        let before = Dictionary(oldEntries.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(newEntries.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for entry in newEntries {
            guard let previous = before[entry.id] else {
                added.append(entry)
                continue
            }
            guard previous.result != entry.result else { continue }
            let change = Change(id: entry.id, file: entry.file, old: previous.result, new: entry.result)
            if Self.good.contains(previous.result) && bad.contains(entry.result) {
                regressions.append(change)
            } else if bad.contains(previous.result) && Self.good.contains(entry.result) {
                fixes.append(change)
            } else {
                otherChanges.append(change)
            }
        }
        removed = oldEntries.filter { after[$0.id] == nil }
    }

    /// True when the later report is worse: a regression, or a trace gone
    /// missing (unless that is allowed).
    package var isRegression: Bool { !regressions.isEmpty || (!allowRemoved && !removed.isEmpty) }

    package var lines: [String] {
        var lines: [String] = []
        if let comparedShard { lines.append("compared within shard \(comparedShard): the traces of the other shards are left out") }
        func section(_ title: String, _ changes: [Change]) {
            guard !changes.isEmpty else { return }
            lines.append("\(title) (\(changes.count)):")
            lines += changes.map { change in
                let note = change.new == "expected-fail" && title == "regressions"
                    ? "  (it passed before; the expectations file now excuses it: --allow-expected accepts that)" : ""
                return "  \(change.id): \(change.old) → \(change.new)  \(change.file)" + note
            }
        }
        section("regressions", regressions)
        section("fixes", fixes)
        section("other changes", otherChanges)
        if !added.isEmpty {
            lines.append("new traces (\(added.count)):")
            lines += added.map { "  \($0.id): \($0.result)  \($0.file)" }
        }
        if !removed.isEmpty {
            let verdict = allowRemoved ? "allowed by --allow-removed" : "a regression: a trace that is not run is not checked (--allow-removed accepts it)"
            lines.append("removed traces (\(removed.count)), \(verdict):")
            lines += removed.map { "  \($0.id): was \($0.result)  \($0.file)" }
        }
        lines.append("\(regressions.count) regressions, \(fixes.count) fixes, \(otherChanges.count) other changes, "
                     + "\(added.count) new, \(removed.count) removed")
        return lines
    }
}
