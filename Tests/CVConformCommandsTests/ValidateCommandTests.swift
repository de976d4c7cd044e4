import Foundation
import Testing
import CVConformModel

@Suite("cvconform validate, end to end")
struct ValidateCommandTests {
    @Test("The suite is judged ok, every clause is covered, exit 0")
    func suitePasses() throws {
        let result = try cvconform("validate", "traces")
        #expect(result.status == 0, "\(result.stdout.suffix(2000))")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.last?.hasSuffix(" passed, 0 failed") == true)
        #expect(!result.stdout.contains("not exercised"), "coverage gaps:\n\(lines.filter { $0.hasPrefix("clause") }.joined(separator: "\n"))")
        #expect(!result.stdout.contains("FAIL"))
    }

    @Test("The suite has what the core issue asks: 40 pass, 15 fail, 5 incomplete, core and extended")
    func suiteSize() throws {
        let folder = try temporaryFolder()
        let json = folder + "/report.json"
        _ = try cvconform("validate", "traces", "--json", json)
        let root = try #require(try readJSON(json) as? [String: Any])
        let traces = try #require(root["traces"] as? [[String: Any]])
        func count(_ expect: String) -> Int { traces.filter { $0["expect"] as? String == expect }.count }
        #expect(count("pass") >= 40)
        #expect(count("fail") >= 15)
        #expect(count("incomplete") >= 5)
        let fails = traces.filter { $0["expect"] as? String == "fail" }
        #expect(fails.allSatisfy { $0["outcome"] as? String == "rejected" && $0["at"] is Int })
    }

    @Test("JSON report: exactly the fields of contract section 6, null where there is no position")
    func jsonShape() throws {
        let folder = try temporaryFolder()
        let json = folder + "/nested/report.json"
        let result = try cvconform("validate", "traces/login/login-basic.xml", "traces/negative/fail-echoed-drop.xml",
                                   "Tests/Fixtures/malformed/setup-skill-letter.xml", "--json", json)
        #expect(result.status == 1)
        let root = try #require(try readJSON(json) as? [String: Any])
        #expect(Array(root.keys) == ["traces"])
        let traces = try #require(root["traces"] as? [[String: Any]])
        #expect(traces.count == 3)
        for trace in traces {
            #expect(Set(trace.keys) == ["id", "file", "expect", "outcome", "at", "ok"])
        }
        #expect(traces[0]["outcome"] as? String == "accepted")
        #expect(traces[0]["at"] is NSNull)
        #expect(traces[0]["ok"] as? Bool == true)
        #expect(traces[1]["outcome"] as? String == "rejected")
        #expect(traces[1]["at"] as? Int == 22)
        #expect(traces[1]["ok"] as? Bool == true)
        #expect(traces[2]["outcome"] as? String == "malformed")
        #expect(traces[2]["id"] as? String != nil, "the root's id is known even though a message is malformed")
        #expect(traces[2]["ok"] as? Bool == false)
        #expect(traces[2]["file"] as? String == "Tests/Fixtures/malformed/setup-skill-letter.xml")
    }

    @Test("Every malformed and hostile fixture is malformed, with file:line:col")
    func fixturesMalformed() throws {
        let folder = try temporaryFolder()
        let json = folder + "/report.json"
        let result = try cvconform("validate", "Tests/Fixtures", "--json", json)
        #expect(result.status == 1)
        let traces = try #require((try readJSON(json) as? [String: Any])?["traces"] as? [[String: Any]])
        #expect(traces.count >= 40)
        for trace in traces {
            #expect(trace["outcome"] as? String == "malformed", "\(trace["file"] ?? "?")")
        }
        #expect(result.stdout.contains("Tests/Fixtures/malformed/param-missing.xml:10:3: message 1: message 'login' lacks parameter 'extension'"))
    }

    @Test("A trace that is not ok is explained: position, message, what was owed, state, clause")
    func explainsFailure() throws {
        let folder = try temporaryFolder()
        let text = try String(contentsOfFile: repositoryRoot + "/traces/negative/fail-echoed-drop.xml", encoding: .utf8)
            .replacingOccurrences(of: "expect=\"fail\"", with: "expect=\"pass\"")
            .replacingOccurrences(of: " invalid=\"true\"", with: "")
        try text.write(toFile: folder + "/echo.xml", atomically: true, encoding: .utf8)
        let result = try cvconform("validate", folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL rejected at 22"))
        #expect(result.stdout.contains("expected accepted, but message 22 was rejected"))
        #expect(result.stdout.contains("message 22 cvct→icm dropped(session="))
        #expect(result.stdout.contains("nothing is owed on cvct→icm"))
        #expect(result.stdout.contains("clause CVCT-7 (the rule that sends it)"))
        #expect(result.stdout.contains("cvct's last rule applied: CVCT-8"))
        #expect(result.stdout.hasSuffix("0 passed, 1 failed\n"))
    }

    @Test("Usage errors exit 2 with a message")
    func usageErrors() throws {
        let missing = try cvconform("validate", "no/such/folder")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such file or folder: no/such/folder"))
        let none = try cvconform("validate")
        #expect(none.status == 2)
        let unknown = try cvconform("frobnicate")
        #expect(unknown.status == 2)
        let help = try cvconform("--help")
        #expect(help.status == 0)
        #expect(help.stdout.contains("validate"))
    }
}

@Suite("Suite-level warnings")
struct SuiteWarningTests {
    @Test("Two files with one trace id are warned about by validate and run")
    func duplicateIDs() throws {
        let folder = try temporaryFolder()
        for name in ["a.xml", "b.xml"] {
            try FileManager.default.copyItem(atPath: repositoryRoot + "/traces/login/login-basic.xml", toPath: folder + "/" + name)
        }
        for command in ["validate", "run"] {
            let result = try cvconform(command, folder)
            #expect(result.stdout.contains("warning: trace id 'login-basic' of \(folder)/b.xml is also the id of \(folder)/a.xml"), "\(command)")
        }
    }
}
