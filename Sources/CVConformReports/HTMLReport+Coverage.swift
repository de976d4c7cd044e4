import CVConformHarness
import CVConformModel
import CVConformTrace

extension HTMLReport {
    /// Traces per block of the matrix: a block stays narrower than a
    /// 1400-pixel screen (16 px a column beside the clause names).
    static let matrixColumns = 64
    /// Past this many traces the matrix becomes one row of counts per clause.
    static let matrixTraces = 200

    /// Clause × trace: which clauses each replayed trace exercises (its
    /// `clauses`, judged once by the reference model when it was replayed).
    /// A mark's colour is the trace's verdict; ✗ marks the clause of a
    /// failing trace's divergence, so the culprit stands out from the
    /// clauses the trace merely passed through. Rows are the clauses of the
    /// profiles replayed: a core-only run shows no EXT rows.
    static func coverage(_ report: RunReport) -> String {
        let profiles = Set(report.results.compactMap { $0.trace?.header.profile })
        let clauses = Clause.allCases.filter { !$0.isRaceOnly && profiles.contains($0.profile) }
        guard !clauses.isEmpty else { return "" }
        let exercised = report.results.map { Set($0.clauses) }
        let shown = profiles.sorted { $0.rawValue < $1.rawValue }.map(\.rawValue).joined(separator: " and ")
        var out = "<section id=\"coverage\"><h2>Clause coverage</h2>\n"
        guard report.results.count <= matrixTraces else {
            out += "<p>Clauses of the \(shown) profile\(profiles.count > 1 ? "s" : ""), and how many traces of this run exercise each.</p>\n"
            out += "<table class=\"list\"><thead><tr><th>clause</th><th>traces exercising it</th><th>of which not passing</th><th>diverging on it</th></tr></thead><tbody>\n"
            for clause in clauses {
                let using = report.results.indices.filter { exercised[$0].contains(clause) }
                let bad = using.filter { [.fail, .error].contains(report.status(of: report.results[$0])) }
                let culprit = report.results.filter { $0.clause == clause }
                out += "<tr\(using.isEmpty ? " class=\"uncovered\"" : "")><td title=\"\(escape(clause.summary))\">\(clause.id)</td>"
                out += "<td>\(using.count)</td><td>\(bad.count)</td><td>\(culprit.count)</td></tr>\n"
            }
            return out + "</tbody></table></section>\n"
        }
        out += "<p>● the trace exercises the clause, as the reference model judges it; ✗ the clause of its divergence; "
        out += "the colour is the trace's verdict. Rows: the clauses of the \(shown) profile\(profiles.count > 1 ? "s" : ""); "
        out += "highlighted rows are exercised by no trace of this run.</p>\n"
        for start in stride(from: 0, to: report.results.count, by: matrixColumns) {
            let block = start..<min(report.results.count, start + matrixColumns)
            if report.results.count > matrixColumns {
                out += "<h3 class=\"block\">traces \(block.lowerBound + 1)–\(block.upperBound) of \(report.results.count)</h3>\n"
            }
            out += "<table class=\"coverage\"><thead><tr><th class=\"corner\">clause</th>"
            for index in block {
                let result = report.results[index]
                let target = hasCard(report.status(of: result)) ? "t\(index)" : "r\(index)"
                out += "<th><a href=\"#\(target)\" title=\"\(escape(result.id))\"><span>\(escape(result.id))</span></a></th>"
            }
            out += "</tr></thead><tbody>\n"
            for clause in clauses {
                let covered = exercised.contains { $0.contains(clause) }
                out += "<tr\(covered ? "" : " class=\"uncovered\"")><th title=\"\(escape(clause.summary))\">\(clause.id)</th>"
                for index in block {
                    let result = report.results[index]
                    let status = report.status(of: result).rawValue
                    if result.clause == clause && result.verdict != .pass {
                        out += "<td class=\"\(status) culprit\" title=\"\(escape(result.id)) diverged on \(clause.id)\">✗</td>"
                    } else if exercised[index].contains(clause) {
                        out += "<td class=\"\(status)\">●</td>"
                    } else {
                        out += "<td></td>"
                    }
                }
                out += "</tr>\n"
            }
            out += "</tbody></table>\n"
        }
        return out + "</section>\n"
    }
}
