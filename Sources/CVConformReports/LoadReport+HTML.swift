import CVConformHarness
import CVConformLoad
import CVConformTrace

extension LoadReport {
    /// One self-contained page: the figures, plots over time (throughput,
    /// latency percentiles, violations), and the first violations with the
    /// sequence chart of their cell's last messages.
    package static func html(_ result: LoadResult) -> String {
        var out = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>cvconform load: \(HTMLReport.escape(result.implementation))</title>
        <style>\(HTMLReport.style)\(style)</style></head><body>
        <header><h1>cvconform load</h1><p class="impl">implementation: <b>\(HTMLReport.escape(result.implementation))</b>,
        \(result.cells) cells, \(result.rate.map { "open loop at \($0) stimuli/s" } ?? "closed loop"), seed \(result.seed), \(judgedIn(result))</p></header>
        <section id="summary"><div class="counts">
        <div class="count"><span>\(String(format2: result.duration)) s</span>duration</div>
        <div class="count"><span>\(result.stimuli)</span>stimuli</div>
        <div class="count"><span>\(Int(result.throughput.rounded()))</span>messages/s</div>
        <div class="count"><span>\(milliseconds(result.p50))</span>p50</div>
        <div class="count"><span>\(milliseconds(result.p99))</span>p99</div>
        <div class="count"><span>\(milliseconds(result.max))</span>max</div>
        <div class="count \(result.violationCount == 0 ? "pass" : "fail")"><span>\(result.violationCount)</span>violations</div>
        </div>
        """
        if let failure = result.failure { out += "<p class=\"bad\">The implementation broke down: \(HTMLReport.escape(failure.message))</p>" }
        out += "</section>\n<section id=\"plots\"><h2>Over time</h2>\n"
        let seconds = result.timeline.map { Double($0.second) }
        out += plot(title: "Throughput (messages per second)", x: seconds,
                    series: [("messages/s", "#0969da", result.timeline.map { Double($0.messages) })], unit: "")
        out += plot(title: "Latency from stimulus to output (ms)", x: seconds, series: [
            ("p50", "#1a7f37", result.timeline.map { $0.p50 * 1000 }),
            ("p90", "#bf8700", result.timeline.map { $0.p90 * 1000 }),
            ("p99", "#cf222e", result.timeline.map { $0.p99 * 1000 }),
        ], unit: "ms")
        out += plot(title: "Violations", x: seconds, series: [("violations", "#cf222e", result.timeline.map { Double($0.violations) })],
                    unit: "", bars: true)
        out += "</section>\n"
        if !result.violations.isEmpty {
            out += "<section id=\"violations\"><h2>Violations (\(result.violationCount))</h2>\n"
            for (index, violation) in result.violations.prefix(5).enumerated() {
                out += "<details class=\"trace fail\"\(index == 0 ? " open" : "")><summary><span class=\"badge fail\">violation</span> <b>"
                    + (violation.cell.map { "cell \($0)" } ?? "no cell") + "</b> at \(String(format2: violation.at)) s: "
                    + HTMLReport.escape(violation.detail) + "</summary>\n"
                out += "<pre class=\"explanation\">\(HTMLReport.escape(violation.explanation.joined(separator: "\n")))</pre>\n"
                if let (trace, replay) = chartInput(violation) { out += HTMLReport.chart(replay, trace: trace) }
                out += "</details>\n"
            }
            if result.violations.count > 5 {
                out += "<table class=\"list\"><tbody>\n"
                for violation in result.violations.dropFirst(5) {
                    out += "<tr><td>" + (violation.cell.map { "cell \($0)" } ?? "no cell") + "</td><td>\(String(format2: violation.at)) s</td><td>"
                        + HTMLReport.escape(violation.detail) + "</td></tr>\n"
                }
                out += "</tbody></table>\n"
            }
            out += "</section>\n"
        }
        return out + "</body></html>\n"
    }

    /// A violation's window as the sequence chart of a replay: what was sent
    /// and observed, the output expected in red, the one that came instead.
    static func chartInput(_ violation: LoadViolation) -> (Trace, ReplayResult)? {
        guard !violation.window.isEmpty else { return nil }
        var entries: [TraceEntry] = []
        var events: [ReplayEvent] = []
        var expectedIndex: Int?
        var unexpected: [Message] = []
        for item in violation.window {
            switch item.mark {
            case .sent: events.append(.sent(entries.count)); entries.append(TraceEntry(message: item.message))
            case .observed: events.append(.observed(entries.count)); entries.append(TraceEntry(message: item.message))
            case .expected: expectedIndex = entries.count; entries.append(TraceEntry(message: item.message))
            case .unexpected: unexpected.append(item.message)
            }
        }
        events += unexpected.map(ReplayEvent.unexpected)
        let trace = Trace(header: TraceHeader(id: "cell-\(violation.cell ?? 0)"), entries: entries)
        var replay = ReplayResult(id: trace.header.id, file: "", verdict: .fail, detail: violation.detail, trace: trace)
        replay.events = events
        let kind: Divergence.Kind = unexpected.first.map { .unexpected($0) } ?? .missing
        replay.divergence = Divergence(kind: kind, expectedIndex: expectedIndex, expected: expectedIndex.map { entries[$0].message })
        return (trace, replay)
    }

    /// A line (or bar) plot of per-second values, in SVG.
    static func plot(title: String, x: [Double], series: [(String, String, [Double])], unit: String, bars: Bool = false) -> String {
        let width = 900.0, height = 220.0, left = 60.0, right = 20.0, top = 30.0, bottom = 30.0
        // Each value stands for its second, [s, s + 1): a bar covers it, a
        // line passes through its middle, and every plot's axis reaches one
        // past the last second, so the plots of one run line up.
        let maxX = max((x.max() ?? 0) + 1, 1)
        // A lone spike (a slow first second) would set the scale and flatten
        // every other line: past three times the 90th percentile of the
        // values, the scale is clipped there, and the plot says so.
        let all = series.flatMap(\.2).sorted()
        let highest = max(all.last ?? 1, 1e-9)
        let ordinary = all.isEmpty ? highest : all[(all.count - 1) * 9 / 10]
        let clipped = !bars && ordinary > 0 && highest > 3 * ordinary
        let maxY = clipped ? 3 * ordinary : highest
        func px(_ value: Double) -> Double { left + value / maxX * (width - left - right) }
        func py(_ value: Double) -> Double { height - bottom - min(value, maxY) / maxY * (height - top - bottom) }
        var svg = "<figure class=\"plot\"><figcaption>\(HTMLReport.escape(title))</figcaption>"
        svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(HTMLReport.escape(title))\">"
        svg += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - right)\" y2=\"\(height - bottom)\" class=\"axis\"/>"
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(height - bottom)\" class=\"axis\"/>"
        for fraction in [0.0, 0.5, 1.0] {
            let value = maxY * fraction
            svg += "<text x=\"\(left - 6)\" y=\"\(py(value) + 4)\" class=\"tick\" text-anchor=\"end\">\(format(value))\(unit.isEmpty ? "" : " " + unit)</text>"
        }
        svg += "<text x=\"\(width - right)\" y=\"\(height - 8)\" class=\"tick\" text-anchor=\"end\">\(Int(maxX)) s</text>"
        if clipped {
            svg += "<text x=\"\(width - right)\" y=\"\(top - 10)\" class=\"tick\" text-anchor=\"end\">scale clipped at \(format(maxY))"
                + "\(unit.isEmpty ? "" : " " + unit): the highest value is \(format(highest))\(unit.isEmpty ? "" : " " + unit)</text>"
        }
        svg += "<text x=\"\(left)\" y=\"\(height - 8)\" class=\"tick\">0 s</text>"
        for (index, (name, color, values)) in series.enumerated() {
            if bars {
                let barWidth = max(1, (width - left - right) / maxX - 2)
                for (position, value) in zip(x, values) where value > 0 {
                    svg += "<rect x=\"\(px(position) + 1)\" y=\"\(py(value))\" width=\"\(barWidth)\" height=\"\(height - bottom - py(value))\" fill=\"\(color)\"/>"
                }
            } else if !values.isEmpty {
                let points = zip(x, values).map { "\(px($0 + 0.5)),\(py($1))" }.joined(separator: " ")
                svg += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            }
            svg += "<text x=\"\(left + 10 + Double(index) * 90)\" y=\"\(top - 10)\" class=\"tick\" fill=\"\(color)\">■ \(name)</text>"
        }
        return svg + "</svg></figure>\n"
    }

    static func format(_ value: Double) -> String {
        value >= 100 || value == value.rounded() ? String(Int(value.rounded())) : String(format2: value)
    }

    static let style = """
        figure.plot{margin:12px 0}figure.plot figcaption{font-weight:600;margin-bottom:4px}
        svg line.axis{stroke:#8c959f}svg text.tick{font:11px system-ui,sans-serif;fill:#57606a}
        table.list td:nth-child(-n+2){white-space:nowrap}
        pre.explanation{background:#fff5f5;border:1px solid #f3b7b7;border-radius:6px;padding:6px 12px;white-space:pre-wrap}
        """
}
