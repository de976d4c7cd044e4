import CVConformHarness
import CVConformModel
import CVConformTrace

/// The HTML report of a run: one self-contained file (no network assets)
/// with a summary, a message sequence chart per trace drawn as SVG with the
/// first divergence highlighted, the implementation's log, and a clause ×
/// trace coverage matrix.
public enum HTMLReport {
    public static func render(_ report: RunReport, title: String = "cvconform run") -> String {
        var out = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)): \(escape(report.implementation))</title>
        <style>\(style)</style></head><body>
        <header><h1>\(escape(title))</h1><p class="impl">implementation: <b>\(escape(report.implementation))</b></p></header>

        """
        // What a person (or a screenshot) sees first: the counts, the first
        // failure open with its chart, the coverage matrix; then the rest.
        out += counts(report)
        let failing = report.results.indices.filter { [.fail, .error, .unexpectedPass].contains(report.status(of: report.results[$0])) }
        if let first = failing.first {
            out += "<section id=\"failures\"><h2>Failures (\(failing.count))</h2>\n"
            out += legend
            out += traceSection(report.results[first], status: report.status(of: report.results[first]), index: first, open: true)
            out += "</section>\n"
        }
        out += coverage(report)
        if failing.count > 1 {
            out += "<section id=\"more-failures\"><h2>More failures</h2>\n"
            for index in failing.dropFirst() {
                out += traceSection(report.results[index], status: report.status(of: report.results[index]), index: index, open: false)
            }
            out += "</section>\n"
        }
        out += list(report)
        out += "<section id=\"traces\"><h2>Other traces</h2>\n"
        for (index, result) in report.results.enumerated() where !failing.contains(index) {
            out += traceSection(result, status: report.status(of: result), index: index, open: false)
        }
        out += "</section>\n"
        out += "</body></html>\n"
        return out
    }

    // MARK: - Summary

    private static func counts(_ report: RunReport) -> String {
        var statuses: [Status] = [.pass, .fail, .error, .skip]
        if report.expectations != nil { statuses += [.expectedFail, .unexpectedPass] }
        var out = "<section id=\"summary\"><div class=\"counts\">"
        for status in statuses {
            out += "<div class=\"count \(status.rawValue)\"><span>\(report.count(status))</span>\(status.rawValue)</div>"
        }
        return out + "</div></section>\n"
    }

    private static func list(_ report: RunReport) -> String {
        var out = "<section id=\"list\"><h2>All traces</h2>"
        out += "<table class=\"list\"><thead><tr><th>verdict</th><th>trace</th><th>file</th><th>detail</th></tr></thead><tbody>\n"
        for (index, result) in report.results.enumerated() {
            let status = report.status(of: result)
            out += "<tr class=\"\(status.rawValue)\"><td><span class=\"badge \(status.rawValue)\">\(status.rawValue)</span></td>"
            out += "<td><a href=\"#t\(index)\">\(escape(result.id))</a></td><td>\(escape(result.file))</td><td>\(escape(result.detail))</td></tr>\n"
        }
        out += "</tbody></table></section>\n"
        return out
    }

    private static let legend = """
        <p class="legend"><svg width="640" height="22" role="img" aria-label="legend">
        <line x1="4" y1="11" x2="44" y2="11" class="stimulus" marker-end="url(#arrow)"/><text x="50" y="15">stimulus sent</text>
        <line x1="150" y1="11" x2="190" y2="11" class="output"/><text x="196" y="15">output observed</text>
        <line x1="310" y1="11" x2="350" y2="11" class="idle"/><text x="356" y="15">not observed (not involved)</text>
        <line x1="520" y1="11" x2="560" y2="11" class="expected"/><text x="566" y="15">divergence</text></svg></p>

        """

    // MARK: - One trace

    private static func traceSection(_ result: ReplayResult, status: Status, index: Int, open isOpen: Bool) -> String {
        let open = isOpen ? " open" : ""
        var out = "<details id=\"t\(index)\" class=\"trace \(status.rawValue)\"\(open)><summary>"
        out += "<span class=\"badge \(status.rawValue)\">\(status.rawValue)</span> <b>\(escape(result.id))</b> "
        out += "<span class=\"file\">\(escape(result.file))</span></summary>\n"
        if let title = result.trace?.header.title { out += "<p class=\"title\">\(escape(title))</p>\n" }
        if let divergence = result.divergence {
            out += "<div class=\"divergence\"><h3>First divergence</h3><table>"
            out += "<tr><th>expected</th><td>\(escape(divergence.expected.map { "\($0)" } ?? "nothing (more)"))</td></tr>"
            let observed: String
            switch divergence.kind {
            case .unexpected(let message), .extra(let message): observed = "\(message)"
            case .missing: observed = "nothing within \(divergence.waited.map { "\($0)" } ?? "the timeout")"
            }
            out += "<tr><th>observed</th><td class=\"bad\">\(escape(observed))</td></tr>"
            if let stimulus = divergence.lastStimulus { out += "<tr><th>after stimulus</th><td>\(escape("\(stimulus)"))</td></tr>" }
            if let state = divergence.modelState { out += "<tr><th>reference model</th><td>\(escape(state))</td></tr>" }
            if let clause = divergence.clause { out += "<tr><th>clause</th><td>\(clause.id): \(escape(clause.summary))</td></tr>" }
            out += "</table></div>\n"
        } else if result.verdict != .pass {
            out += "<p class=\"detail\">\(escape(result.detail))</p>\n"
        }
        if let trace = result.trace {
            // Around a divergence, the chart shows the messages that lead to
            // it; the whole trace is one click away.
            if let focus = result.divergence.map({ $0.expectedIndex ?? trace.entries.count }), trace.entries.count > 20 {
                let window = max(0, focus - 14)..<min(trace.entries.count, focus + 4)
                out += chart(result, trace: trace, window: window)
                out += "<details class=\"whole\"><summary>the whole trace (\(trace.entries.count) messages)</summary>"
                out += chart(result, trace: trace) + "</details>\n"
            } else {
                out += chart(result, trace: trace)
            }
        }
        if !result.log.isEmpty {
            out += "<h3>Implementation log</h3><pre class=\"log\">\(escape(result.log.joined(separator: "\n")))</pre>\n"
        }
        out += "</details>\n"
        return out
    }

    /// The message sequence chart: the six roles as lifelines, each message an
    /// arrow from its sender to its receiver.
    static func chart(_ result: ReplayResult, trace: Trace, window: Range<Int>? = nil) -> String {
        let roles: [Role] = Role.allCases.sorted()
        let spacing = 150.0
        let left = 80.0
        let top = 40.0
        let rowHeight = 26.0
        func x(_ role: Role) -> Double { left + Double(roles.firstIndex(of: role) ?? 0) * spacing }

        var sent = Set<Int>()
        var observed = Set<Int>()
        var unexpected: [Message] = []
        for event in result.events {
            switch event {
            case .sent(let index): sent.insert(index)
            case .observed(let index): observed.insert(index)
            case .unexpected(let message): unexpected.append(message)
            }
        }
        let expectedIndex = result.divergence?.expectedIndex
        // Rows: every trace message; the unexpected output goes right where
        // the divergence happened.
        var rows: [(message: Message, kind: String, label: String)] = []
        let divergenceRow = expectedIndex ?? (result.divergence != nil ? trace.entries.count : nil)
        for (index, entry) in trace.entries.enumerated() where window?.contains(index) ?? true {
            if index == divergenceRow { rows += unexpected.map { ($0, "observed-bad", "observed: ") } }
            let kind: String
            if index == expectedIndex {
                kind = "expected"
            } else if sent.contains(index) {
                kind = "stimulus"
            } else if observed.contains(index) {
                kind = "output"
            } else if result.verdict == .pass || result.roles.map({ ReplayRole.of(entry.message, greeting: Greeting(
                implementation: "", roles: $0.played, reportsInternal: $0.reportsInternal)) == .notInvolved }) ?? true {
                kind = "idle"
            } else {
                kind = "pending"
            }
            rows.append((entry.message, kind, index == expectedIndex ? "expected: " : ""))
        }
        if divergenceRow == trace.entries.count { rows += unexpected.map { ($0, "observed-bad", "observed: ") } }
        if let window, window.lowerBound > 0 {
            rows.insert((trace.entries[window.lowerBound - 1].message, "elided", "… \(window.lowerBound) earlier messages; last: "), at: 0)
        }

        let width = left * 2 + spacing * Double(roles.count - 1)
        let height = top + rowHeight * Double(rows.count) + 20
        var svg = "<svg class=\"msc\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
        svg += "viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"message sequence chart of \(escape(trace.header.id))\">\n"
        svg += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"context-stroke\"/></marker></defs>\n"
        for role in roles {
            let position = x(role)
            svg += "<text x=\"\(position)\" y=\"18\" class=\"role\(role.isSystem ? " system" : "")\">\(role.rawValue)</text>"
            svg += "<line x1=\"\(position)\" y1=\"26\" x2=\"\(position)\" y2=\"\(height - 6)\" class=\"lifeline\"/>\n"
        }
        for (row, item) in rows.enumerated() {
            let y = top + rowHeight * Double(row) + 12
            let from = x(item.message.from)
            let to = x(item.message.to)
            let direction = to >= from ? 1.0 : -1.0
            let parameters = item.message.orderedParameters.map(\.value).joined(separator: " ")
            let label = item.label + item.message.type.rawValue + (parameters.isEmpty ? "" : " " + parameters)
            svg += "<g class=\"msg \(item.kind)\"><title>\(escape(item.label + item.message.description))</title>"
            svg += "<line x1=\"\(from + 3 * direction)\" y1=\"\(y)\" x2=\"\(to - 3 * direction)\" y2=\"\(y)\" class=\"\(item.kind)\" marker-end=\"url(#arrow)\"/>"
            svg += "<text x=\"\((from + to) / 2)\" y=\"\(y - 4)\">\(escape(label))</text></g>\n"
        }
        svg += "</svg>\n"
        return "<div class=\"chart\">\(svg)</div>"
    }

    // MARK: - Coverage

    /// Clause × trace: which clauses each replayed trace exercises (by the
    /// reference model), coloured by the trace's verdict. Clauses are rows and
    /// traces columns, so the matrix stays one screen tall; past 150 traces it
    /// becomes one row of counts per clause.
    static func coverage(_ report: RunReport) -> String {
        let clauses = Clause.allCases.filter { !$0.isRaceOnly }
        var exercisedBy: [Set<Clause>] = []
        for result in report.results {
            guard let trace = result.trace else {
                exercisedBy.append([])
                continue
            }
            var monitor = Monitor(administration: trace.header.setup)
            for entry in trace.entries { _ = monitor.observe(entry.message) }
            exercisedBy.append(Set(monitor.clausesApplied))
        }
        var out = "<section id=\"coverage\"><h2>Clause coverage</h2>\n"
        guard report.results.count <= 150 else {
            out += "<table class=\"list\"><thead><tr><th>clause</th><th>traces exercising it</th><th>of which not passing</th></tr></thead><tbody>\n"
            for clause in clauses {
                let using = report.results.indices.filter { exercisedBy[$0].contains(clause) }
                let bad = using.filter { report.results[$0].verdict == .fail || report.results[$0].verdict == .error }
                let style = using.isEmpty ? " class=\"uncovered\"" : ""
                out += "<tr\(style)><td title=\"\(escape(clause.summary))\">\(clause.id)</td><td>\(using.count)</td><td>\(bad.count)</td></tr>\n"
            }
            return out + "</tbody></table></section>\n"
        }
        out += "<p>A mark: the trace exercises the clause, as the reference model judges it; its colour is the trace's verdict. "
        out += "Highlighted clauses are exercised by no trace of this run.</p>\n"
        out += "<div class=\"matrix\"><table class=\"coverage\"><thead><tr><th>clause</th>"
        for (index, result) in report.results.enumerated() {
            out += "<th><a href=\"#t\(index)\" title=\"\(escape(result.id))\"><span>\(escape(result.id))</span></a></th>"
        }
        out += "</tr></thead><tbody>\n"
        for clause in clauses {
            let covered = exercisedBy.contains { $0.contains(clause) }
            out += "<tr\(covered ? "" : " class=\"uncovered\"")><th title=\"\(escape(clause.summary))\">\(clause.id)</th>"
            for (index, result) in report.results.enumerated() {
                out += exercisedBy[index].contains(clause) ? "<td class=\"\(report.status(of: result).rawValue)\">●</td>" : "<td></td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody></table></div></section>\n"
        return out
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    private static let style = """
        body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2330;background:#fff}
        h1{margin:0 0 4px}h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
        .counts{display:flex;gap:12px;margin:12px 0}.count{padding:8px 14px;border-radius:6px;background:#f2f4f7;text-align:center}
        .count span{display:block;font-size:24px;font-weight:600}
        .count.pass span{color:#1a7f37}.count.fail span,.count.unexpected-pass span{color:#cf222e}.count.error span{color:#8250df}
        .count.skip span,.count.expected-fail span{color:#9a6700}
        table.list{border-collapse:collapse;width:100%}table.list td,table.list th{border-bottom:1px solid #eee;padding:3px 8px;text-align:left;vertical-align:top}
        .badge{display:inline-block;min-width:60px;text-align:center;border-radius:10px;padding:0 8px;color:#fff;font-size:12px;font-weight:600}
        .badge.pass{background:#1a7f37}.badge.fail,.badge.unexpected-pass{background:#cf222e}.badge.error{background:#8250df}
        .badge.skip,.badge.expected-fail{background:#bf8700}
        details.trace{border:1px solid #ddd;border-radius:6px;margin:10px 0;padding:6px 12px}
        details.trace>summary{cursor:pointer}.file{color:#667;font-size:12px}
        .divergence{background:#fff5f5;border:1px solid #f3b7b7;border-radius:6px;padding:6px 12px;margin:8px 0}
        .divergence h3{margin:2px 0 6px;color:#cf222e}.divergence th{text-align:left;padding-right:12px;vertical-align:top}
        .bad{color:#cf222e;font-weight:600}
        .chart{overflow-x:auto}svg.msc text{font:11px ui-monospace,monospace;text-anchor:middle;fill:#1d2330}
        svg.msc text.role{font:bold 13px system-ui,sans-serif}svg.msc text.role.system{fill:#0550ae}
        svg line.lifeline{stroke:#c9ced6;stroke-dasharray:4 4}
        svg line.stimulus{stroke:#0969da;stroke-width:2}svg line.output{stroke:#1a7f37;stroke-width:2}
        svg line.idle{stroke:#b8bec8;stroke-width:1.5}svg g.idle text{fill:#9aa1ad}
        svg line.pending{stroke:#b8bec8;stroke-width:1.5;stroke-dasharray:5 3}svg g.pending text{fill:#9aa1ad}
        svg line.elided{stroke:#d0d4da;stroke-width:1;stroke-dasharray:2 4}svg g.elided text{fill:#9aa1ad;font-style:italic}
        details.whole{margin:6px 0 10px}details.whole>summary{cursor:pointer;color:#0969da}
        svg line.expected{stroke:#cf222e;stroke-width:2.5;stroke-dasharray:6 3}svg g.expected text{fill:#cf222e;font-weight:bold}
        svg line.observed-bad{stroke:#cf222e;stroke-width:2.5}svg g.observed-bad text{fill:#cf222e;font-weight:bold}
        svg g.expected,svg g.observed-bad{paint-order:stroke}
        pre.log{background:#0d1117;color:#e6edf3;padding:8px;border-radius:6px;overflow-x:auto;font-size:12px}
        .legend svg text{font:12px system-ui,sans-serif}
        .matrix{overflow-x:auto}table.coverage{border-collapse:collapse;font-size:11px}
        table.coverage th,table.coverage td{border:1px solid #e4e7ec;padding:1px 3px;text-align:center}
        table.coverage tbody th{text-align:left;white-space:nowrap;font-weight:normal}
        table.coverage thead th{height:110px;vertical-align:bottom;white-space:nowrap}
        table.coverage thead th span{writing-mode:vertical-rl;transform:rotate(180deg)}
        table.coverage tr.uncovered th,tr.uncovered td{background:#fff0c2}
        table.coverage thead th{height:150px}table.coverage thead th a{color:#1d2330;text-decoration:none}
        td.pass{color:#1a7f37}td.fail,td.unexpected-pass{color:#cf222e}td.error{color:#8250df}td.skip,td.expected-fail{color:#bf8700}
        """
}
