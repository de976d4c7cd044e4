import CVConformHarness
import CVConformModel
import CVConformTrace

/// The HTML report of a run, for QA reading a nightly run (RUN-31): one
/// self-contained file (nothing fetched from the network) that reads top
/// down:
/// 1. the counts (and the shard, the time taken);
/// 2. failures grouped by the clause of their divergence;
/// 3. a card per trace that failed, erred or passed unexpectedly (the first
///    open) with its divergence, the expectation that applies, a sequence
///    chart of the messages leading to the divergence and the
///    implementation's log; then known failures (expected-fail), closed;
/// 4. the clause × trace coverage matrix, in blocks no wider than a screen;
/// 5. one table of every trace (passing traces get no card and no chart).
package enum HTMLReport {
    package static func render(_ report: RunReport, title: String = "cvconform run") -> String {
        var out = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)): \(escape(report.implementation))</title>
        <style>\(style)</style></head><body>
        <header><h1>\(escape(title))</h1><p class="impl">implementation: <b>\(escape(report.implementation))</b>\(about(report))</p></header>

        """
        out += counts(report)
        let cards = report.results.indices.filter { hasCard(report.status(of: report.results[$0])) }
        let failing = cards.filter { report.status(of: report.results[$0]) != .expectedFail }
        let known = cards.filter { report.status(of: report.results[$0]) == .expectedFail }
        out += clauseFailures(report)
        if !failing.isEmpty {
            out += "<section id=\"failures\"><h2>Failures (\(failing.count))</h2>\n" + (report.isMerged ? "" : legend)
            for (position, index) in failing.enumerated() {
                out += card(report, index: index, open: position == 0)
            }
            out += "</section>\n"
        }
        if !known.isEmpty {
            out += "<section id=\"known\"><h2>Known failures (\(known.count), expected-fail)</h2>\n"
            out += "<p>Listed in the expectations file with the verdict they got: they do not fail the run.</p>\n"
            for index in known { out += card(report, index: index, open: false) }
            out += "</section>\n"
        }
        out += coverage(report)
        out += list(report, cards: Set(cards))
        out += "</body></html>\n"
        return out
    }

    /// Statuses that get a card: the ones a reader must look into.
    static func hasCard(_ status: Status) -> Bool {
        [.fail, .error, .unexpectedPass, .expectedFail].contains(status)
    }

    // MARK: - Summary

    private static func about(_ report: RunReport) -> String {
        var parts: [String] = []
        if let shard = report.shard { parts.append("shard <b>\(shard)</b> of the suite") }
        parts.append("\(report.results.count) traces in \(RunReport.seconds(report.totalDuration)) s")
        if let expectations = report.expectations { parts.append("expectations: \(escape(expectations.file))") }
        return " · " + parts.joined(separator: " · ")
    }

    private static func counts(_ report: RunReport) -> String {
        var out = "<section id=\"summary\"><div class=\"counts\">"
        for status in report.statuses {
            out += "<div class=\"count \(status.rawValue)\"><span>\(report.count(status))</span>\(status.rawValue)</div>"
        }
        return out + "</div></section>\n"
    }

    /// Failures grouped by the clause of their divergence: one culprit,
    /// many traces, said once.
    private static func clauseFailures(_ report: RunReport) -> String {
        let failures = ClauseFailures(report)
        guard !failures.isEmpty else { return "" }
        var out = "<section id=\"by-clause\"><h2>Failures by clause</h2>\n"
        out += "<p>Each failing trace under the clause of its divergence: the rule the implementation broke first.</p>\n"
        out += "<table class=\"list byclause\"><thead><tr><th>clause</th><th>what it says</th><th>traces</th><th>which</th></tr></thead><tbody>\n"
        for group in failures.groups {
            let links = group.results.map { "<a href=\"#t\($0)\">\(escape(report.results[$0].id))</a>" }.joined(separator: ", ")
            if let clause = group.clause {
                out += "<tr><td class=\"clause\">\(clause.id)</td><td>\(escape(clause.summary))</td>"
            } else {
                out += "<tr><td class=\"clause\">none</td><td>errors before any divergence: see each trace's detail</td>"
            }
            out += "<td class=\"num\">\(group.results.count)</td><td>\(links)</td></tr>\n"
        }
        return out + "</tbody></table></section>\n"
    }

    private static func list(_ report: RunReport, cards: Set<Int>) -> String {
        var out = "<section id=\"list\"><h2>All traces (\(report.results.count))</h2>"
        out += "<table class=\"list\"><thead><tr><th>verdict</th><th>trace</th><th>file</th><th>time</th><th>clause</th><th>detail</th></tr></thead><tbody>\n"
        for (index, result) in report.results.enumerated() {
            let status = report.status(of: result)
            let name = cards.contains(index) ? "<a href=\"#t\(index)\">\(escape(result.id))</a>" : escape(result.id)
            let detail = [report.expectationNote(result), result.detail.isEmpty ? nil : result.detail].compactMap { $0 }.joined(separator: " — ")
            out += "<tr id=\"r\(index)\" class=\"\(status.rawValue)\"><td><span class=\"badge \(status.rawValue)\">\(status.rawValue)</span></td>"
            out += "<td class=\"id\">\(name)</td><td class=\"file\">\(escape(result.file))</td>"
            out += "<td class=\"num\">\(RunReport.seconds(result.duration))</td><td>\(result.clause?.id ?? "")</td>"
            out += "<td>\(escape(detail))</td></tr>\n"
        }
        out += "</tbody></table></section>\n"
        return out
    }

    private static let legend = """
        <p class="legend"><svg width="900" height="22" role="img" aria-label="legend">
        <line x1="4" y1="11" x2="44" y2="11" class="stimulus" marker-end="url(#arrow)"/><text x="50" y="15">stimulus sent</text>
        <line x1="160" y1="11" x2="200" y2="11" class="output"/><text x="206" y="15">output observed</text>
        <line x1="330" y1="11" x2="370" y2="11" class="idle"/><text x="376" y="15">not involved</text>
        <line x1="480" y1="11" x2="520" y2="11" class="pending"/><text x="526" y="15">not reached</text>
        <line x1="630" y1="11" x2="670" y2="11" class="expected"/><text x="676" y="15">divergence (expected / observed)</text></svg></p>

        """

    // MARK: - One trace

    private static func card(_ report: RunReport, index: Int, open isOpen: Bool) -> String {
        let result = report.results[index]
        let status = report.status(of: result)
        var out = "<details id=\"t\(index)\" class=\"trace \(status.rawValue)\"\(isOpen ? " open" : "")><summary>"
        out += "<span class=\"badge \(status.rawValue)\">\(status.rawValue)</span> <b>\(escape(result.id))</b> "
        if let clause = result.clause { out += "<span class=\"clause\">\(clause.id)</span> " }
        out += "<span class=\"file\">\(escape(result.file)) · \(RunReport.seconds(result.duration)) s</span></summary>\n"
        if let title = result.trace?.header.title { out += "<p class=\"title\">\(escape(title))</p>\n" }
        if status == .unexpectedPass {
            out += "<div class=\"why\"><h3>Why this is red</h3><p>\(escape(report.expectationNote(result) ?? ""))</p></div>\n"
        } else if let note = report.expectationNote(result) {
            out += "<p class=\"expectation\">\(escape(note))</p>\n"
        }
        if let divergence = result.divergence {
            out += divergenceTable(divergence)
        } else if result.verdict != .pass {
            out += "<p class=\"detail\">\(escape(result.detail))</p>\n"
        }
        if report.isMerged {
            out += "<p class=\"detail\">What was observed (the sequence chart, the implementation's log) is in the shard's own report.</p>\n"
        } else if let trace = result.trace {
            if result.verdict == .pass {
                // An unexpected pass: every message as expected, one click away.
                out += "<details class=\"whole\"><summary>the trace as replayed: every message as expected (\(trace.entries.count) messages)</summary>"
                out += chart(result, trace: trace) + "</details>\n"
            } else {
                let window = chartWindow(result, trace: trace)
                out += chart(result, trace: trace, window: window)
                if window != 0..<trace.entries.count {
                    out += "<details class=\"whole\"><summary>the whole trace (\(trace.entries.count) messages)</summary>"
                    out += chart(result, trace: trace) + "</details>\n"
                }
            }
        }
        if !result.log.isEmpty {
            out += "<h3>Implementation log since this trace's reset</h3><pre class=\"log\">\(escape(result.log.joined(separator: "\n")))</pre>\n"
        }
        if !result.startupLog.isEmpty {
            out += "<h3>Implementation log before its first reset (start-up)</h3><pre class=\"log\">\(escape(result.startupLog.joined(separator: "\n")))</pre>\n"
        }
        out += "</details>\n"
        return out
    }

    private static func divergenceTable(_ divergence: Divergence) -> String {
        var out = "<div class=\"divergence\"><h3>First divergence</h3><table>"
        out += "<tr><th>expected</th><td>\(escape(divergence.expected.map { "\($0)" } ?? "nothing (more)"))</td></tr>"
        let observed: String
        switch divergence.kind {
        case .unexpected(let message), .extra(let message): observed = "\(message)"
        case .missing: observed = "nothing within \(divergence.waited.map { "\($0)" } ?? "the timeout")"
        }
        out += "<tr><th>observed</th><td class=\"bad\">\(escape(observed))</td></tr>"
        if divergence.candidateStimuli.count > 1 {
            let listed = zip(divergence.candidateStimulusIndexes, divergence.candidateStimuli).map { "message \($0 + 1): \($1)" }
            out += "<tr><th>after stimuli</th><td>sent back to back, any of which may have caused it:<br>"
                + listed.map { escape($0) }.joined(separator: "<br>") + "</td></tr>"
        } else if let stimulus = divergence.lastStimulus {
            let place = divergence.lastStimulusIndex.map { "message \($0 + 1): " } ?? ""
            out += "<tr><th>after stimulus</th><td>\(escape(place + "\(stimulus)"))</td></tr>"
        }
        if let state = divergence.modelState { out += "<tr><th>reference model</th><td>\(escape(state))</td></tr>" }
        if let clause = divergence.clause { out += "<tr><th>clause</th><td>\(clause.id): \(escape(clause.summary))</td></tr>" }
        return out + "</table></div>\n"
    }

    /// The messages leading to the divergence (or to where an error
    /// stopped the replay): at most 16 before it, none after.
    static func chartWindow(_ result: ReplayResult, trace: Trace) -> Range<Int> {
        var reached = 0
        for event in result.events {
            switch event {
            case .sent(let index), .observed(let index): reached = max(reached, index + 1)
            case .unexpected: break
            }
        }
        let end: Int
        if let divergence = result.divergence {
            end = divergence.expectedIndex.map { $0 + 1 } ?? trace.entries.count
        } else {
            end = min(trace.entries.count, max(reached, 1))
        }
        return max(0, end - 16)..<end
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
}
