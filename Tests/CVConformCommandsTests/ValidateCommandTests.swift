import CVConformJSON
import CVConformModel
import CVConformTestSupport
import Foundation
import Testing

@Suite("cvconform validate, end to end", .tags(.endToEnd))
struct ValidateCommandTests {
    @Test("The suite is judged ok, every clause is covered, exit 0")
    func suitePasses() async throws {
        let result = try await cvconform("validate", "traces")
        #expect(result.status == 0, "\(result.stdout.suffix(2000))")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.last?.hasSuffix(" passed, 0 failed") == true)
        #expect(!result.stdout.contains("not exercised"), "coverage gaps:\n\(lines.filter { $0.hasPrefix("clause") }.joined(separator: "\n"))")
        #expect(!result.stdout.contains("FAIL"))
    }

    @Test("The suite has what the core issue asks: 40 pass, 15 fail, 5 incomplete, core and extended")
    func suiteSize() async throws {
        let folder = try temporaryFolder()
        let json = folder + "/report.json"
        _ = try await cvconform("validate", "traces", "--json", json)
        let traces = try reportTraces(json)
        func count(_ expect: String) -> Int { traces.filter { $0["expect"] == .string(expect) }.count }
        #expect(count("pass") >= 40)
        #expect(count("fail") >= 15)
        #expect(count("incomplete") >= 5)
        let fails = traces.filter { $0["expect"] == .string("fail") }
        #expect(fails.allSatisfy { $0["outcome"] == .string("rejected") && $0["at"]?.intValue != nil })
    }

    @Test("JSON report: exactly the fields of contract section 6, null where there is no position")
    func jsonShape() async throws {
        let folder = try temporaryFolder()
        let json = folder + "/nested/report.json"
        let result = try await cvconform("validate", "traces/login/login-basic.xml", "traces/negative/fail-echoed-drop.xml",
                                   "Tests/Fixtures/malformed/setup-skill-letter.xml", "--json", json)
        #expect(result.status == 1)
        let root = try readJSON(json)
        #expect(root.members?.map(\.0) == ["traces"], "no shard field when unsharded")
        let traces = try #require(root["traces"]?.arrayValue)
        #expect(traces.count == 3)
        for trace in traces {
            #expect(trace.members?.map(\.0) == ["id", "file", "expect", "outcome", "at", "ok"])
        }
        #expect(traces[0]["outcome"] == .string("accepted"))
        #expect(traces[0]["at"] == .null)
        #expect(traces[0]["ok"] == .bool(true))
        #expect(traces[1]["outcome"] == .string("rejected"))
        #expect(traces[1]["at"]?.intValue == 22)
        #expect(traces[1]["ok"] == .bool(true))
        #expect(traces[2]["outcome"] == .string("malformed"))
        #expect(traces[2]["id"]?.stringValue != nil, "the root's id is known even though a message is malformed")
        #expect(traces[2]["ok"] == .bool(false))
        #expect(traces[2]["file"] == .string("Tests/Fixtures/malformed/setup-skill-letter.xml"))
    }

    @Test("Every malformed and hostile fixture is malformed, with file:line:col")
    func fixturesMalformed() async throws {
        let folder = try temporaryFolder()
        let json = folder + "/report.json"
        let result = try await cvconform("validate", "Tests/Fixtures", "--json", json)
        #expect(result.status == 1)
        let traces = try reportTraces(json)
        let fixtures = FileManager.default.enumerator(atPath: repositoryRoot + "/Tests/Fixtures")?.allObjects
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".xml") } ?? []
        #expect(traces.count == fixtures.count)
        for trace in traces {
            #expect(trace["outcome"] == .string("malformed"), "\(trace["file"] ?? .null)")
        }
        #expect(result.stdout.contains("Tests/Fixtures/malformed/param-missing.xml:10:3: message 1: message 'login' lacks parameter 'extension'"))
    }

    @Test("A trace that is not ok is explained: position, message, what was owed, state, clause")
    func explainsFailure() async throws {
        let folder = try temporaryFolder()
        let text = try String(contentsOfFile: repositoryRoot + "/traces/negative/fail-echoed-drop.xml", encoding: .utf8)
            .replacingOccurrences(of: "expect=\"fail\"", with: "expect=\"pass\"")
            .replacingOccurrences(of: " invalid=\"true\"", with: "")
        try text.write(toFile: folder + "/echo.xml", atomically: true, encoding: .utf8)
        let result = try await cvconform("validate", folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL rejected at 22"))
        #expect(result.stdout.contains("expected accepted, but message 22 was rejected"))
        #expect(result.stdout.contains("message 22 cvct→icm dropped(session="))
        #expect(result.stdout.contains("nothing is owed on cvct→icm"))
        #expect(result.stdout.contains("clause CVCT-7 (the rule that sends it)"))
        #expect(result.stdout.contains("cvct's last rule applied: CVCT-8"))
        #expect(result.stdout.hasSuffix("0 passed, 1 failed\n"))
    }

    @Test("An input error in another encoding is reported in the report, and nothing reaches stderr (libxml2's generic errors are silenced)")
    func encodingErrorQuiet() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cvconform-utf7-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("utf7.xml").path
        // UTF-7 has no bytes above 0x7F.
        let text = #"<?xml version="1.0" encoding="UTF-7"?>"# + "\n<trace xmlns=\"urn:cvconform:trace:1\" id=\"u\" profile=\"core\" expect=\"pass\"><title>caf\u{E9}</title></trace>\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await cvconform("validate", path)
        #expect(result.status == 1)
        #expect(result.stdout.contains("input conversion failed"), "\(result.stdout)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test("Usage errors exit 2 with a message")
    func usageErrors() async throws {
        let missing = try await cvconform("validate", "no/such/folder")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such file or folder: no/such/folder"))
        let none = try await cvconform("validate")
        #expect(none.status == 2)
        let unknown = try await cvconform("frobnicate")
        #expect(unknown.status == 2)
        let help = try await cvconform("--help")
        #expect(help.status == 0)
        #expect(help.stdout.contains("validate"))
    }
}

@Suite("Suite-level errors", .tags(.endToEnd))
struct SuiteErrorTests {
    @Test("Two files with one trace id: validate fails both, naming the other; run reports the id once, as error (RUN-29)")
    func duplicateIDs() async throws {
        let folder = try temporaryFolder()
        for name in ["a.xml", "b.xml"] {
            try FileManager.default.copyItem(atPath: repositoryRoot + "/traces/login/login-basic.xml", toPath: folder + "/" + name)
        }
        let validated = try await cvconform("validate", folder, "--json", folder + "/v.json")
        #expect(validated.status == 1)
        #expect(validated.stdout.contains("trace id 'login-basic' is also the id of \(folder)/b.xml; ids must be unique in a suite"))
        #expect(try reportTraces(folder + "/v.json").map { $0["ok"] } == [.bool(false), .bool(false)])

        let run = try await cvconform("run", folder, "--json", folder + "/r.json")
        #expect(run.status == 1)
        let traces = try reportTraces(folder + "/r.json")
        #expect(traces.count == 1, "each id once in the run report")
        #expect(traces.first?["verdict"] == .string("error"))
        #expect(traces.first?["detail"]?.stringValue?.contains("\(folder)/a.xml and \(folder)/b.xml") == true)
    }

    @Test("An unknown clause id in <covers> makes the trace not ok in validate and an error in run")
    func unknownCovers() async throws {
        let folder = try temporaryFolder()
        let text = try String(contentsOfFile: repositoryRoot + "/traces/login/login-basic.xml", encoding: .utf8)
        let changed = text.replacingOccurrences(of: "<covers>", with: "<covers>NO-SUCH-9 ")
        try #require(changed != text, "login-basic has a <covers>")
        try changed.write(toFile: folder + "/t.xml", atomically: true, encoding: .utf8)
        let validated = try await cvconform("validate", folder + "/t.xml", "--json", folder + "/v.json")
        #expect(validated.status == 1)
        #expect(validated.stdout.contains("<covers> names clause ids that spec/requirements.md does not have: NO-SUCH-9"))
        #expect(try reportTraces(folder + "/v.json").first?["ok"] == .bool(false))
        #expect(try reportTraces(folder + "/v.json").first?["outcome"] == .string("accepted"), "the model's outcome is unchanged")
        let run = try await cvconform("run", folder + "/t.xml", "--json", folder + "/r.json")
        #expect(run.status == 1)
        #expect(try reportTraces(folder + "/r.json").first?["verdict"] == .string("error"))
        #expect(try await cvconform("validate", "traces", "--clause", "NO-SUCH-9").status == 2, "as --clause with that id is")
    }
}
