@_exported import CVConformTestSupport
import CVConformTrace
import Foundation

/// A trace document around the given message lines, with a small setup.
func traceText(expect: String = "pass", id: String = "t", profile: String = "core", _ body: String...) -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <trace xmlns="urn:cvconform:trace:1" id="\(id)" profile="\(profile)" expect="\(expect)">
      <setup>
        <agent id="1001" skills="10 20"/>
        <station extension="4001"/>
        <vdn number="5000" skill="10"/>
      </setup>
    \(body.map { "  " + $0 }.joined(separator: "\n"))
    </trace>

    """
}

/// Reads the whole text; returns the error, or nil when it reads.
func readError(_ text: String) -> TraceError? {
    do {
        _ = try Trace.read(text: text, name: "t.xml")
        return nil
    } catch {
        return error
    }
}


