import CVConformExploration
import CVConformHarness
import CVConformModel
import CVConformMutation

extension MutationReport {
    /// A self-contained page: the score, a clause × operator matrix (each
    /// cell the mutants killed of those counted; survivors in red,
    /// equivalent ones grey), and the survivors and equivalent mutants.
    package func html() -> String {
        let operators = MutationOperator.allCases.filter { op in results.contains { $0.mutant.mutation == op } }
        var out = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>cvconform mutate: \(percent(score))</title>
        <style>\(HTMLReport.style)\(Self.style)</style></head><body>
        <header><h1>cvconform mutate</h1><p class="impl">mutation score <b>\(percent(score))</b>: \(killed) of \(mutants - equivalent) mutants killed
        (\(equivalent) equivalent left out) by \(traces.count) traces, profile \(profile.rawValue)</p></header>
        <section id="summary"><div class="counts">
        <div class="count pass"><span>\(killed)</span>killed</div>
        <div class="count fail"><span>\(survivors.count)</span>surviving</div>
        <div class="count skip"><span>\(equivalent)</span>equivalent</div>
        <div class="count"><span>\(mutants)</span>mutants</div></div></section>
        <section id="matrix"><h2>Clause × operator</h2>
        <p>Each cell: mutants killed / mutants of that clause and operator. <span class="k">green</span>: all killed;
        <span class="s">red</span>: a mistake no trace notices; <span class="e">grey</span>: equivalent to the reference.
        Hover a cell for its mutants.</p>
        <div class="matrix"><table class="mutants"><thead><tr><th class="corner">clause</th>
        """
        for op in operators { out += "<th><span>\(HTMLReport.escape(op.rawValue))</span></th>" }
        out += "</tr></thead><tbody>\n"
        for (clause, group) in byClause() {
            out += "<tr><th title=\"\(HTMLReport.escape(clause.summary))\">\(clause.id)</th>"
            for op in operators {
                let cell = group.filter { $0.mutant.mutation == op }
                guard !cell.isEmpty else { out += "<td></td>"; continue }
                let counted = cell.filter { !$0.equivalent }
                let dead = counted.filter(\.killed).count
                let kind = counted.isEmpty ? "e" : (dead == counted.count ? "k" : "s")
                let tip = cell.map { "\($0.mutant.id): \($0.killed ? "killed" : ($0.equivalent ? "equivalent" : "SURVIVES"))" }
                    .joined(separator: "\n")
                out += "<td class=\"\(kind)\" title=\"\(HTMLReport.escape(tip))\">\(counted.isEmpty ? "≡" : "\(dead)/\(counted.count)")</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody></table></div></section>\n"
        out += section("Surviving mutants", survivors, note: "No trace of the suite notices these mistakes. `--augment DIR` writes a trace that kills each.")
        out += section("Equivalent mutants", results.filter(\.equivalent), note: "No run tells these from the reference. Searched: \(bound).")
        out += "</body></html>\n"
        return out
    }

    private func section(_ title: String, _ items: [MutantResult], note: String) -> String {
        guard !items.isEmpty else { return "" }
        var out = "<section><h2>\(title) (\(items.count))</h2><p>\(HTMLReport.escape(note))</p><table class=\"list\"><tbody>\n"
        for item in items {
            out += "<tr><td class=\"id\">\(HTMLReport.escape(item.mutant.id))</td><td>\(HTMLReport.escape(item.mutant.summary))</td>"
                + (invariantsChecked ? "<td>\(item.breaks.map { "breaks \($0.id)" } ?? "")</td>" : "") + "</tr>\n"
        }
        return out + "</tbody></table></section>\n"
    }

    static let style = """
        .matrix{overflow-x:auto}table.mutants{border-collapse:collapse;font-size:12px}
        table.mutants th,table.mutants td{border:1px solid #e4e7ec;padding:2px 6px;text-align:center;min-width:34px}
        table.mutants tbody th{text-align:left;white-space:nowrap;font-weight:normal}
        table.mutants thead th{height:110px;vertical-align:bottom}table.mutants thead th span{writing-mode:vertical-rl;transform:rotate(180deg)}
        td.k,span.k{background:#dafbe1;color:#1a7f37}td.s,span.s{background:#cf222e;color:#fff;font-weight:bold}
        td.e,span.e{background:#eaeef2;color:#57606a}span.k,span.s,span.e{padding:0 4px;border-radius:3px}
        """
}
