import CVConformHarness
import CVConformJSON
import CVConformModel
import CVConformTestSupport
import Foundation
import Testing
@testable import CVConformReports

@Suite("Run report: JSON, JUnit, failures by clause")
struct RunReportTests {
    func sample() throws -> RunReport {
        let login = try suiteTrace("login/login-basic.xml")
        let hangup = try suiteTrace("disconnect/hangup-after-release-ignored.xml")
        let failing = result(login, missingAt: 5, log: ["a <log> & \"line\"", "\u{1B}[31mred\u{1B}[0m \u{1}"])
        let passing = result(hangup)
        var erred = result(hangup, verdict: .error, detail: "the implementation exited\nwith status 3")
        erred.id = "erred"
        return RunReport(implementation: "impl \"quoted\" <x>", results: [failing, passing, erred], shard: Shard("2/3"),
                         elapsed: .milliseconds(300))
    }

    @Test("The trace up to there: a missing output is the ✗ at its place; an output at no place of the trace ends the window with its own ✗")
    func windowMarks() throws {
        let login = try suiteTrace("login/login-basic.xml")
        let missing = RunReport.window(result(login, missingAt: 5), trace: login)
        #expect(missing.last?.hasPrefix("  ✗ 6 ") == true, "\(missing)")
        #expect(missing.filter { $0.contains("✗") }.count == 1)
        // Every message observed, then one more: an extra output.
        var extra = result(login)
        extra.verdict = .fail
        let output = try #require(login.entries.last?.message)
        extra.divergence = Divergence(kind: .extra(output))
        extra.events.append(.unexpected(output))
        let window = RunReport.window(extra, trace: login)
        #expect(window.dropLast().allSatisfy { $0.hasPrefix("  ✓ ") }, "\(window)")
        #expect(window.last == "  ✗      \(output)   (the implementation's, at no place of the trace)")
    }

    @Test("JSON: the contract's fields in order, then shard, clause and duration; text escaped so it reads back")
    func json() throws {
        let report = try sample()
        let text = report.json().serialized(pretty: true)
        let back = try JSONValue(parsing: text)
        #expect(back.members?.map(\.0) == ["implementation", "shard", "summary", "traces"])
        #expect(back["implementation"] == .string("impl \"quoted\" <x>"))
        #expect(back["shard"] == .string("2/3"))
        #expect(back["summary"] == .object([("pass", .integer(1)), ("fail", .integer(1)), ("error", .integer(1)), ("skip", .integer(0))]))
        let traces = try #require(back["traces"]?.arrayValue)
        #expect(traces.map { $0["clause"] } == [.string("ICM-LOGIN-2"), .null, .null])
        #expect(traces.map { $0["duration"]?.serialized() } == ["0.125", "0.125", "0.125"])
        #expect(traces[2]["detail"] == .string("the implementation exited\nwith status 3"))
        #expect(!text.contains("exited\nwith"), "a newline in a string is escaped")
        #expect(RunReport(implementation: "x", results: []).json()["shard"] == nil)
    }

    @Test("JUnit: a time on the suite and every testcase, the shard as a property, text escaped (control characters too)")
    func junit() throws {
        let xml = try sample().junit()
        #expect(xml.contains(#"time="0.300">"#))
        #expect(xml.components(separatedBy: "<testcase ").dropFirst().allSatisfy { $0.contains(#" time="0.125""#) })
        #expect(xml.contains(#"<property name="shard" value="2/3"/>"#))
        #expect(xml.contains("a &lt;log&gt; &amp; &quot;line&quot;"))
        #expect(xml.contains("\\u{1B}[31mred"))
        #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }

    @Test("JUnit validates against Jenkins' junit-10.xsd (with xmllint, where present)")
    func junitSchema() async throws {
        let schema = repositoryRoot + "/Tests/Fixtures/junit-10.xsd"
        let xmllint = "/usr/bin/xmllint"
        guard FileManager.default.fileExists(atPath: schema), FileManager.default.isExecutableFile(atPath: xmllint) else { return }
        let folder = try temporaryFolder()
        var known = try sample()
        known.expectations = try Expectations.parse("login-basic fail known (bug #1)\nhangup-* fail stale\n", file: "k.txt")
        for (name, report) in [("plain", try sample()), ("known", known), ("empty", RunReport(implementation: "x", results: []))] {
            let file = folder + "/\(name).xml"
            try report.junit().write(toFile: file, atomically: true, encoding: .utf8)
            let checked = try await runProcess(xmllint, ["--noout", "--schema", schema, file])
            #expect(checked.status == 0, "\(name): \(checked.stderr)")
        }
    }

    @Test("Failures group under the clause of their divergence, largest group first, errors last")
    func byClause() throws {
        let login = try suiteTrace("login/login-basic.xml")
        var results: [ReplayResult] = []
        for (index, missing) in [5, 5, 1].enumerated() {
            var failing = result(login, missingAt: missing)
            failing.id = "f\(index)"
            results.append(failing)
        }
        results.append(result(login, verdict: .error, detail: "crashed"))
        results.append(result(login))
        let report = RunReport(implementation: "x", results: results)
        let failures = ClauseFailures(report)
        #expect(failures.groups.map { $0.clause?.id } == ["ICM-LOGIN-2", "ICM-LOGIN-1", nil])
        #expect(failures.groups.map(\.results) == [[0, 1], [2], [3]])
        let lines = failures.lines(report)
        #expect(lines.contains("  ICM-LOGIN-2 (2 traces): \(Clause.icmLoginConfirmed.summary)"))
        #expect(lines.contains("      f0, f1"))
        #expect(ClauseFailures(RunReport(implementation: "x", results: [result(login)])).isEmpty)
    }

    @Test("An expected failure and a stale expectation say why, with file and line")
    func expectationNotes() throws {
        let login = try suiteTrace("login/login-basic.xml")
        let expectations = try Expectations.parse("login-basic fail close reported as suspended (bug #1)\n", file: "known.txt")
        let failed = RunReport(implementation: "x", results: [result(login, missingAt: 5)], expectations: expectations)
        #expect(failed.expectationNote(failed.results[0]) == "known failure (known.txt:1): close reported as suspended (bug #1)")
        let passed = RunReport(implementation: "x", results: [result(login)], expectations: expectations)
        #expect(passed.status(of: passed.results[0]) == .unexpectedPass)
        #expect(passed.expectationNote(passed.results[0])?.hasPrefix("passed, but known.txt:1 lists it as a known fail (close reported as suspended (bug #1))") == true)
    }
}
