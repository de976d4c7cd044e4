import CVConformJSON

/// Joins the reports of the shards of one suite (`--shard I/N`) into the
/// report one unsharded run would have written: traces in file order, the
/// summary recounted (RUN-27).
///
/// It refuses what would give a wrong picture: reports of different kinds,
/// shards of different splits, a shard given twice, a trace in two reports,
/// and (unless `allowIncomplete`) a set with a shard missing. Reports
/// without a shard are whole runs (of different folders, say) and are
/// joined as long as no trace is in two of them.
package enum ReportMerge {
    package static func merge(_ reports: [ReportFile], allowIncomplete: Bool = false) throws(ReportError) -> JSONValue {
        guard let first = reports.first else { throw ReportError("nothing to merge") }
        for report in reports where report.kind != first.kind {
            throw ReportError("\(report.path) is a \(report.kind.rawValue) report, \(first.path) a \(first.kind.rawValue) report")
        }
        let missing = try missingShards(reports, allowIncomplete: allowIncomplete)
        var seen: [String: String] = [:]
        var entries: [ReportFile.Entry] = []
        for report in reports {
            for entry in report.entries {
                let key = entry.file + "\u{0}" + entry.id
                if let earlier = seen[key] {
                    throw ReportError("trace \(entry.id) (\(entry.file)) is in \(earlier) and in \(report.path): were the shards distinct?")
                }
                seen[key] = report.path
                entries.append(entry)
            }
        }
        entries.sort { ($0.file, $0.id) < ($1.file, $1.id) }
        let traces = JSONValue.array(entries.map { JSONValue.object($0.fields) })
        var root: [(String, JSONValue)] = []
        if first.kind == .run {
            root.append(("implementation", .string(first.implementation ?? "")))
            var words = ["pass", "fail", "error", "skip"]
            for extra in [Status.expectedFail.rawValue, Status.unexpectedPass.rawValue]
            where reports.contains(where: { $0.summaryWords.contains(extra) }) || entries.contains(where: { $0.result == extra }) {
                words.append(extra)
            }
            root.append(("summary", .object(words.map { word in (word, .integer(entries.filter { $0.result == word }.count)) })))
        }
        if !missing.isEmpty { root.append(("missing_shards", .array(missing.map { .string($0.description) }))) }
        root.append(("traces", traces))
        return .object(root)
    }

    /// The shards missing from a set; throws when the set is mixed, split
    /// differently, has a shard twice, or is incomplete without leave.
    static func missingShards(_ reports: [ReportFile], allowIncomplete: Bool) throws(ReportError) -> [Shard] {
        let sharded = reports.filter { $0.shard != nil }
        guard let model = sharded.first, let split = model.shard else { return [] }
        if let whole = reports.first(where: { $0.shard == nil }) {
            throw ReportError("\(whole.path) is a whole run (no shard) and \(model.path) is shard \(split): merge joins the shards of one run")
        }
        var byIndex: [Int: String] = [:]
        for report in sharded {
            guard let shard = report.shard else { continue }
            guard shard.count == split.count else {
                throw ReportError("\(report.path) is shard \(shard) but \(model.path) is shard \(split): these are not shards of one split")
            }
            if let earlier = byIndex[shard.index] {
                throw ReportError("shard \(shard) is given twice: \(earlier) and \(report.path)")
            }
            byIndex[shard.index] = report.path
        }
        let missing = (1...split.count).filter { byIndex[$0] == nil }.compactMap { Shard(index: $0, count: split.count) }
        if !missing.isEmpty && !allowIncomplete {
            let names = missing.map { "shard \($0)" }.joined(separator: ", ")
            throw ReportError("the set is incomplete: \(names) \(missing.count == 1 ? "is" : "are") missing "
                              + "(give every shard's report, or --allow-incomplete to merge what there is)")
        }
        return missing
    }
}
