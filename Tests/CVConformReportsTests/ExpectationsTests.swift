import CVConformHarness
@testable import CVConformReports
import Testing

@Suite("Expectations: the file of known failures, and the statuses it gives")
struct ExpectationsTests {
    @Test("Entries: glob, verdict, the reason as written; '#' starts a comment only at the start of a line")
    func parsing() throws {
        let text = """
            # known failures of acme-icm
              # an indented comment
            release-close-*   fail   close reported as suspended (bug #1)

            ext-*\terror\textended profile: not   implemented
            login-basic fail
            """
        let expectations = try Expectations.parse(text, file: "known.txt")
        #expect(expectations.entries.map(\.glob) == ["release-close-*", "ext-*", "login-basic"])
        #expect(expectations.entries.map(\.verdict) == [.fail, .error, .fail])
        #expect(expectations.entries.map(\.reason) == ["close reported as suspended (bug #1)", "extended profile: not   implemented", ""])
        #expect(expectations.entries.map(\.line) == [3, 5, 6])
        #expect(expectations.file == "known.txt")
        #expect(expectations.entry(for: "release-close-messaging")?.line == 3)
        #expect(expectations.entry(for: "release-drop") == nil)
        #expect(expectations.unused(ids: ["release-close-messaging", "login-basic"]).map(\.glob) == ["ext-*"])
    }

    @Test("A line that is not 'ID-GLOB fail|error REASON' is an error naming file and line", arguments: [
        ("login-basic\n", 1), ("ok\nlogin-basic maybe why\n", 1), ("# c\nlogin-basic pass\n", 2), ("a fail\nb skip\n", 2),
    ])
    func errors(_ text: String, _ line: Int) {
        #expect(throws: Expectations.ParseError.self) { try Expectations.parse(text, file: "e.txt") }
        do {
            _ = try Expectations.parse(text, file: "e.txt")
        } catch let error as Expectations.ParseError {
            #expect(error.line == line)
            #expect(error.description.hasPrefix("e.txt:\(line): "))
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("Status from verdict and expectation", arguments: [
        (Verdict.pass, nil, Status.pass), (.fail, nil, .fail), (.error, nil, .error), (.skip, nil, .skip),
        (.fail, Verdict.fail, .expectedFail), (.error, .error, .expectedFail), (.pass, .fail, .unexpectedPass),
        (.pass, .error, .unexpectedPass), (.error, .fail, .error), (.fail, .error, .fail),
    ] as [(Verdict, Verdict?, Status)])
    func status(_ verdict: Verdict, _ expected: Verdict?, _ status: Status) {
        let entry = expected.map { Expectations.Entry(glob: "*", verdict: $0, reason: "r", line: 1) }
        #expect(Status(verdict: verdict, expectation: entry) == status)
    }
}
