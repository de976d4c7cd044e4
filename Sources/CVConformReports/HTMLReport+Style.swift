extension HTMLReport {
    static let style = """
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
        table.coverage{border-collapse:collapse;font-size:11px;table-layout:fixed;margin-bottom:12px}
        table.coverage th,table.coverage td{border:1px solid #e4e7ec;padding:0;text-align:center;width:15px;height:15px;line-height:14px}
        table.coverage tbody th,table.coverage th.corner{text-align:left;white-space:nowrap;font-weight:normal;width:130px;padding:0 4px}
        table.coverage thead th{height:150px;vertical-align:bottom;overflow:hidden}
        table.coverage thead th span{writing-mode:vertical-rl;transform:rotate(180deg);display:inline-block;max-height:146px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
        table.coverage thead th a{color:#1d2330;text-decoration:none}
        table.coverage tr.uncovered th,tr.uncovered td{background:#fff0c2}
        table.coverage td.culprit{font-weight:bold;background:#cf222e;color:#fff}h3.block{font-size:13px;color:#667;margin:8px 0 4px}
        table.byclause td.clause{font-weight:600;white-space:nowrap}table.byclause td:nth-child(2){min-width:280px}td.num{text-align:right;font-variant-numeric:tabular-nums}
        table.list td.id{white-space:nowrap}table.list td.file{color:#667;font-size:12px}
        summary span.clause{font-size:12px;font-weight:600;color:#cf222e;margin-right:6px}
        .why{background:#fff5f5;border:1px solid #f3b7b7;border-radius:6px;padding:6px 12px;margin:8px 0}.why h3{margin:2px 0 4px;color:#cf222e}
        p.expectation{background:#fff8e1;border:1px solid #f0d58a;border-radius:6px;padding:6px 12px}
        td.pass{color:#1a7f37}td.fail,td.unexpected-pass{color:#cf222e}td.error{color:#8250df}td.skip,td.expected-fail{color:#bf8700}
        """
}
