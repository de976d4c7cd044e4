import CVConformHarness
import CVConformModel
import CVConformTestSupport
import CVConformTrace
import Testing
@testable import CVConformReports

@Suite("HTML report: what QA reads, self-contained")
struct HTMLReportTests {
    /// The chart of a card: the SVG up to the "whole trace" expander.
    func focusedChart(_ html: String, card id: String) throws -> String {
        let start = try #require(html.range(of: "<details id=\"\(id)\""))
        let rest = html[start.upperBound...]
        let chart = try #require(rest.range(of: "<svg class=\"msc\""))
        let end = try #require(rest[chart.lowerBound...].range(of: "</svg>"))
        return String(rest[chart.lowerBound..<end.upperBound])
    }

    @Test("Sections in reading order; a card only for what did not pass; each trace listed once")
    func structure() throws {
        let long = try suiteTrace("disconnect/hangup-after-release-ignored.xml")
        let login = try suiteTrace("login/login-basic.xml")
        let report = RunReport(implementation: "impl", results: [result(login), result(long, missingAt: 20), result(login, verdict: .skip, detail: "no role")])
        let html = HTMLReport.render(report)
        let order = ["<section id=\"summary\">", "<section id=\"by-clause\">", "<section id=\"failures\">",
                     "<section id=\"coverage\">", "<section id=\"list\">"]
        let positions = try order.map { try #require(html.range(of: $0), "\($0)").lowerBound }
        #expect(positions == positions.sorted())
        #expect(html.components(separatedBy: "<details id=\"t").count - 1 == 1, "one card: the failure")
        #expect(html.components(separatedBy: "<tr id=\"r").count - 1 == 3, "every trace once in the table")
        #expect(html.contains("<details id=\"t1\" class=\"trace fail\" open>"))
        #expect(html.components(separatedBy: ">hangup-after-release-ignored<").count - 1 >= 1)
    }

    @Test("The chart around a divergence ends there: no message after it, the whole trace one click away")
    func chartEndsAtDivergence() throws {
        let trace = try suiteTrace("disconnect/hangup-after-release-ignored.xml")
        let divergence = 20
        let html = HTMLReport.render(RunReport(implementation: "impl", results: [result(trace, missingAt: divergence)]))
        let chart = try focusedChart(html, card: "t0")
        let rows = chart.components(separatedBy: "<g class=\"msg ").dropFirst().map { String($0.prefix(while: { $0 != "\"" })) }
        #expect(rows.last == "expected", "the last row is the divergence: \(rows)")
        #expect(rows.first == "elided", "earlier messages are summarised")
        #expect(!rows.contains("pending"), "nothing after the divergence")
        #expect(html.contains("the whole trace (\(trace.entries.count) messages)"))
    }

    @Test("Failures by clause name the clause, its words, how many and which traces")
    func byClause() throws {
        let login = try suiteTrace("login/login-basic.xml")
        var results: [ReplayResult] = []
        for index in 0..<3 {
            var failing = result(login, missingAt: 5)
            failing.id = "login-\(index)"
            results.append(failing)
        }
        let html = HTMLReport.render(RunReport(implementation: "impl", results: results))
        #expect(html.contains("<td class=\"clause\">ICM-LOGIN-2</td><td>\(HTMLReport.escape(Clause.icmLoginConfirmed.summary))</td><td class=\"num\">3</td>"))
        #expect(html.contains("<a href=\"#t2\">login-2</a>"))
        #expect(html.components(separatedBy: "class=\"fail culprit\"").count - 1 == 3, "the culprit is marked in the matrix")
    }

    @Test("A core-only run shows no EXT rows; a run with extended traces does")
    func profilesInMatrix() throws {
        let core = try suiteTrace("login/login-basic.xml")
        let extended = try suiteTrace("extended/ext-duplicate-session-id-ignored.xml")
        #expect(!HTMLReport.render(RunReport(implementation: "x", results: [result(core)])).contains(">EXT-"))
        #expect(HTMLReport.render(RunReport(implementation: "x", results: [result(core), result(extended)])).contains(">EXT-"))
    }

    @Test("The matrix wraps into blocks of at most matrixColumns traces")
    func matrixBlocks() throws {
        let login = try suiteTrace("login/login-basic.xml")
        let count = HTMLReport.matrixColumns + 6
        let html = HTMLReport.render(RunReport(implementation: "x", results: Array(repeating: result(login), count: count)))
        #expect(html.components(separatedBy: "<table class=\"coverage\">").count - 1 == 2)
        for table in html.components(separatedBy: "<table class=\"coverage\">").dropFirst() {
            let header = table.prefix(while: { $0 != "\n" })
            #expect(header.components(separatedBy: "<th><a ").count - 1 <= HTMLReport.matrixColumns)
        }
    }

    @Test("An unexpected pass says why it is red; a known failure shows its reason")
    func expectations() throws {
        let login = try suiteTrace("login/login-basic.xml")
        let long = try suiteTrace("disconnect/hangup-after-release-ignored.xml")
        let expectations = try Expectations.parse("login-basic fail forgets acw-open (bug #1)\nhangup-* fail known (ACME-2)\n", file: "known.txt")
        let html = HTMLReport.render(RunReport(implementation: "x", results: [result(login), result(long, missingAt: 20)], expectations: expectations))
        #expect(html.contains("<h3>Why this is red</h3><p>passed, but known.txt:1 lists it as a known fail (forgets acw-open (bug #1))"))
        #expect(html.contains("<section id=\"known\">"))
        #expect(html.contains("known failure (known.txt:2): known (ACME-2)"))
    }

    @Test("Self-contained and escaped: nothing fetched, nothing injected")
    func selfContained() throws {
        let login = try suiteTrace("login/login-basic.xml")
        var hostile = result(login, missingAt: 5, log: ["<script>alert(1)</script>", "<img src=\"http://x/y.png\">"])
        hostile.detail = "</table><script src=\"http://evil/x.js\"></script>"
        let html = HTMLReport.render(RunReport(implementation: "<b>impl</b>", results: [hostile]))
        for pattern in ["<script", "<link ", "src=\"http", "href=\"http", "@import", "url(http", "<img", "<b>impl"] {
            #expect(!html.contains(pattern), "\(pattern)")
        }
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }
}
