/// Writes traces as XML, in the form the reader reads back to the same trace.
public enum TraceWriter {
    /// The whole trace file as text.
    public static func xml(_ trace: Trace) -> String {
        var out = header(trace.header)
        for entry in trace.entries {
            out += messageLine(entry.message, invalid: entry.invalid)
        }
        out += footer
        return out
    }

    /// Everything up to and including `</setup>`.
    public static func header(_ header: TraceHeader) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<trace xmlns=\"\(traceNamespace)\" id=\"\(escape(header.id))\" profile=\"\(header.profile.rawValue)\" expect=\"\(header.expect.rawValue)\">\n"
        if let title = header.title { out += "  <title>\(escape(title))</title>\n" }
        if let description = header.description { out += "  <description>\(escape(description))</description>\n" }
        if !header.covers.isEmpty { out += "  <covers>\(escape(header.covers.joined(separator: " ")))</covers>\n" }
        for tag in header.tags { out += "  <tag>\(escape(tag))</tag>\n" }
        let setup = header.setup
        if setup.agents.isEmpty && setup.stations.isEmpty && setup.vdns.isEmpty {
            out += "  <setup/>\n"
        } else {
            out += "  <setup>\n"
            for agent in setup.agents {
                out += "    <agent id=\"\(escape(agent.id))\" skills=\"\(escape(agent.skills.joined(separator: " ")))\"/>\n"
            }
            for station in setup.stations { out += "    <station extension=\"\(escape(station))\"/>\n" }
            for vdn in setup.vdns { out += "    <vdn number=\"\(escape(vdn.number))\" skill=\"\(escape(vdn.skill))\"/>\n" }
            out += "  </setup>\n"
        }
        return out
    }

    /// One `<msg>` line, parameters in the contract's order.
    public static func messageLine(_ message: Message, invalid: Bool = false) -> String {
        var out = "  <msg from=\"\(message.from.rawValue)\" to=\"\(message.to.rawValue)\" type=\"\(message.type.rawValue)\""
        for (name, value) in message.orderedParameters {
            out += " \(name)=\"\(escape(value))\""
        }
        if invalid { out += " invalid=\"true\"" }
        out += "/>\n"
        return out
    }

    public static let footer = "</trace>\n"

    /// Escapes text for an attribute or element; white space other than a
    /// plain space is written as a character reference so it survives
    /// attribute-value normalisation.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
