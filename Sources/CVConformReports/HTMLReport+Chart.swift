import CVConformHarness
import CVConformTrace
import CVConformWire

extension HTMLReport {
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

}
