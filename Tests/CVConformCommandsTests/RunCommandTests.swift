import CVConformJSON
import CVConformTestSupport
import Foundation
import Testing

@Suite("cvconform run and record, end to end", .tags(.endToEnd, .timing))
struct RunCommandTests {
    @Test("run traces passes every core pass trace against the reference; JSON of contract section 6")
    func suiteAgainstReference() async throws {
        let folder = try temporaryFolder()
        let expected = try SuiteCounts().count(expect: .pass, profile: .core)
        let result = try await cvconform("run", "traces", "--json", folder + "/run.json", "--junit", folder + "/junit.xml")
        #expect(result.status == 0, "\(result.stdout.suffix(3000))")
        #expect(result.stdout.split(separator: "\n").last == "\(expected) passed, 0 failed, 0 skipped")
        let root = try readJSON(folder + "/run.json")
        // The contract's fields, in its order; more may follow (RUN-26).
        #expect(root.members?.map(\.0) == ["implementation", "summary", "traces"])
        let summary = try #require(root["summary"]?.members)
        #expect(summary.map(\.0) == ["pass", "fail", "error", "skip"])
        #expect(summary.map { $0.1.intValue } == [expected, 0, 0, 0])
        let traces = try #require(root["traces"]?.arrayValue)
        #expect(traces.count == expected)
        for trace in traces {
            #expect(trace.members?.map(\.0) == ["id", "file", "verdict", "detail", "clause", "duration", "racy"])
            // Section 8: exactly the traces kept with the racy ones are racy.
            let file = trace["file"]?.stringValue ?? ""
            #expect(trace["racy"] == .bool(file.hasPrefix("traces/races/")), "\(file)")
            #expect(trace["clause"] == .null)
            #expect(trace["duration"].flatMap { if case .number(let n) = $0 { return n.double } else { return nil } }.map { $0 >= 0 } == true)
        }
    }

    @Test("--profile all adds the extended traces; extended alone replays only those")
    func profiles() async throws {
        let counts = try SuiteCounts()
        let all = try await cvconform("run", "traces", "--profile", "all", "--quiet")
        let extended = try await cvconform("run", "traces", "--profile", "extended", "--quiet")
        #expect(all.status == 0 && extended.status == 0)
        #expect(extended.stdout.contains("verdicts: \(counts.count(expect: .pass, profile: .extended)) passed, 0 failed, 0 errors, 0 skipped"))
        #expect(all.stdout.contains("verdicts: \(counts.count(expect: .pass)) passed, 0 failed, 0 errors, 0 skipped"))
    }

    @Test("The JUnit report validates against the XSD Jenkins publishes, failures included")
    func junitValidates() async throws {
        let folder = try temporaryFolder()
        let schema = repositoryRoot + "/Tests/Fixtures/junit-10.xsd"
        try #require(FileManager.default.fileExists(atPath: schema), "the JUnit XSD is in Tests/Fixtures")
        // A failing run: an implementation that forgets acw-open (fail), a
        // malformed trace (error), and a log with characters XML escapes.
        let forgetful = #"sh -c "echo 'a <log> & line' >&2; \#(cvconformBinary) serve | grep --line-buffered -v acw-open""#
        let result = try await cvconform("run", "traces/login/login-basic.xml", "Tests/Fixtures/malformed/param-missing.xml",
                                   "--exec", forgetful, "--timeout", "0.3", "--junit", folder + "/junit.xml")
        #expect(result.status == 1)
        #expect(xsdProblems(file: folder + "/junit.xml", schema: schema).isEmpty)
        let text = try String(contentsOfFile: folder + "/junit.xml", encoding: .utf8)
        #expect(text.contains("<failure"))
        #expect(text.contains("<error"))
        // A time on the suite and on every testcase (B2).
        #expect(text.components(separatedBy: "<testcase ").count - 1 == 2)
        #expect(text.components(separatedBy: "<testcase ").dropFirst().allSatisfy { $0.contains(" time=\"") })
        #expect(text.contains("<testsuite ") && text.split(separator: "\n").contains { $0.contains("<testsuite ") && $0.contains(" time=\"") })
        let passing = try await cvconform("run", "traces/login", "--junit", folder + "/pass.xml")
        #expect(passing.status == 0)
        #expect(xsdProblems(file: folder + "/pass.xml", schema: schema).isEmpty)
    }

    @Test("--exec with the reference over the wire, and a role subset")
    func execServe() async throws {
        let serve = cvconformBinary + " serve --roles icm,cvct"
        let result = try await cvconform("run", "traces/login", "traces/disconnect", "--exec", serve, "--quiet-period", "0.02", "--quiet")
        #expect(result.status == 0, "\(result.stdout)")
    }

    @Test("Usage errors exit 2: both --exec and --connect, a bad address, a number where a path belongs")
    func usageErrors() async throws {
        #expect(try await cvconform("run", "traces", "--exec", "x", "--connect", "localhost:1").status == 2)
        let address = try await cvconform("run", "traces", "--connect", "nowhere")
        #expect(address.status == 2)
        #expect(address.stderr.contains("HOST:PORT"))
        let quiet = try await cvconform("run", "traces", "--quiet", "0.05")
        #expect(quiet.status == 2)
        #expect(quiet.stderr.contains("--quiet-period 0.05"))
        #expect(try await cvconform("run", "traces", "--profile", "nonsense").status == 2)
    }

    @Test("record fills in a stimuli-only trace; validate accepts the result")
    func recordStimuliOnly() async throws {
        let folder = try temporaryFolder()
        let stimuli = """
            <?xml version="1.0" encoding="UTF-8"?>
            <trace xmlns="urn:cvconform:trace:1" id="written-by-hand" profile="core" expect="pass">
              <title>Only the stimuli</title>
              <setup>
                <agent id="1001" skills="10"/><agent id="1002" skills="10"/>
                <station extension="4001"/><station extension="4002"/>
                <vdn number="5000" skill="10"/>
              </setup>
              <msg from="browser" to="icm" type="login" agent="1001" extension="4001"/>
              <msg from="browser" to="icm" type="login" agent="1002" extension="4002"/>
              <msg from="customer" to="icm" type="session-request" session="s1" media="messaging" vdn="5000"/>
              <msg from="phone" to="ecs" type="answer" extension="4001"/>
              <msg from="browser" to="icm" type="release" agent="1001" session="s1" button="suspend"/>
              <msg from="phone" to="ecs" type="logout-feature" extension="4002"/>
            </trace>
            """
        try stimuli.write(toFile: folder + "/stimuli.xml", atomically: true, encoding: .utf8)
        let recorded = try await cvconform("record", folder + "/stimuli.xml", "--output", folder + "/recorded.xml")
        #expect(recorded.status == 0, "\(recorded.stderr)")
        // Success is not silent: the file written is named.
        #expect(recorded.stdout.hasPrefix("wrote \(folder)/recorded.xml ("))
        let validated = try await cvconform("validate", folder + "/recorded.xml")
        #expect(validated.status == 0, "\(validated.stdout)")
        let text = try String(contentsOfFile: folder + "/recorded.xml", encoding: .utf8)
        #expect(text.contains(#"type="disconnect" agent="1001" session="s1" reason="suspended""#))
        #expect(text.contains("<title>Only the stimuli</title>"))
    }

    @Test("record says what it made of an input: extended when it enters an EXT clause, pass from a fail input, <covers> from the model")
    func recordAnnotates() async throws {
        let folder = try temporaryFolder()
        let stimuli = """
            <?xml version="1.0" encoding="UTF-8"?>
            <trace xmlns="urn:cvconform:trace:1" id="enters-ext" profile="core" expect="fail">
              <setup><agent id="1001" skills="10"/><station extension="4001"/><vdn number="5000" skill="10"/></setup>
              <msg from="browser" to="icm" type="login" agent="1001" extension="4001"/>
              <msg from="customer" to="icm" type="session-request" session="s1" media="realtime" vdn="5999"/>
              <msg from="icm" to="browser" type="acw-close" agent="1001" invalid="true"/>
            </trace>
            """
        try stimuli.write(toFile: folder + "/in.xml", atomically: true, encoding: .utf8)
        let recorded = try await cvconform("record", folder + "/in.xml", "--output", folder + "/out.xml")
        #expect(recorded.status == 0)
        #expect(recorded.stderr.contains("recorded as profile=\"extended\""), "\(recorded.stderr)")
        #expect(recorded.stderr.contains("EXT-1"))
        #expect(recorded.stderr.contains("the input expects fail; recorded what the system does for its stimuli, as expect=\"pass\""))
        let text = try String(contentsOfFile: folder + "/out.xml", encoding: .utf8)
        #expect(text.contains(#"profile="extended" expect="pass""#))
        #expect(text.contains("<covers>") && text.contains("EXT-1") && text.contains("ICM-LOGIN-1"))
        let validated = try await cvconform("validate", folder + "/out.xml")
        #expect(validated.status == 0, "\(validated.stdout)")
        #expect(!validated.stdout.contains("note:"), "no note about a core trace in an unspecified situation, nor about <covers>")
    }

    @Test("record --update leaves an unchanged suite alone and re-records a broken trace, printing the change")
    func recordUpdate() async throws {
        let folder = try temporaryFolder()
        try FileManager.default.copyItem(atPath: repositoryRoot + "/traces", toPath: folder + "/traces")
        let before = try snapshot(folder + "/traces")
        let passing = try SuiteCounts().count(expect: .pass)
        let unchanged = try await cvconform("record", "--update", folder + "/traces")
        #expect(unchanged.status == 0, "\(unchanged.stderr)")
        #expect(unchanged.stdout.contains("0 of \(passing) pass traces re-recorded, \(passing) unchanged"), "\(unchanged.stdout)")
        #expect(try snapshot(folder + "/traces") == before)

        let file = folder + "/traces/login/login-basic.xml"
        let broken = try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: #"<msg from="icm" to="browser" type="acw-open" agent="1001"/>"#, with: "")
        try broken.write(toFile: file, atomically: true, encoding: .utf8)
        let updated = try await cvconform("record", "--update", file)
        #expect(updated.stdout.contains("updated \(file)"))
        #expect(updated.stdout.contains("+ "))
        #expect(updated.stdout.contains("acw-open"))
        #expect(try await cvconform("run", file).status == 0)
    }

    private func snapshot(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".xml") else { continue }
            files[relative] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + relative))
        }
        return files
    }
}

@Suite("Output to a reader that goes away", .tags(.endToEnd))
struct ClosedOutputTests {
    /// `cvconform run traces | head -1`, without a shell: read one line of
    /// its output, close the pipe, and see how it ends. Dying of SIGPIPE is
    /// how `| head` ends a Unix program; a trap (a Swift runtime crash) or a
    /// non-zero exit other than 1 is not. A hang fails the time limit.
    @Test("run piped into head neither crashes nor hangs", .timeLimit(.minutes(2)))
    func pipedIntoHead() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cvconformBinary)
        process.arguments = ["run", "traces", "--exec", cvconformBinary + " serve", "--quiet-period", "0.01"]
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var first = Data()
        while !first.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            first.append(chunk)
        }
        try output.fileHandleForReading.close()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(String(decoding: first, as: UTF8.self).hasPrefix("PASS "), "it printed its first line before the reader left")
        switch process.terminationReason {
        case .exit:
            #expect(process.terminationStatus == 0, "\(stderr.prefix(500))")
        case .uncaughtSignal:
            #expect(process.terminationStatus == SIGPIPE, "killed by signal \(process.terminationStatus): \(stderr.prefix(500))")
        @unknown default:
            Issue.record("unknown termination")
        }
        #expect(!stderr.contains("Fatal error"), "\(stderr.prefix(500))")
    }

    @Test("An implementation that cannot be reached or started is said once, in words, and nothing is replayed")
    func startupFailureSaidOnce() async throws {
        let refused = try await cvconform("run", "traces", "--connect", "127.0.0.1:1", "--quiet")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("error: the implementation did not start: nothing listens on 127.0.0.1:1: connection refused"), "\(refused.stderr)")
        #expect(!refused.stdout.contains("ERROR"), "\(refused.stdout.prefix(500))")
        let missing = try await cvconform("run", "traces", "--exec", "/nonexistent/implementation", "--quiet")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("status 127 (the shell found no such command)"), "\(missing.stderr)")
        #expect(!missing.stdout.contains("ERROR"))
        // What it wrote on stderr before it exited says why.
        let refusing = try await cvconform("run", "traces", "--exec", "sh -c 'echo no such option: --frobnicate >&2; exit 2'",
                                           "--quiet")
        #expect(refusing.status == 1)
        #expect(refusing.stderr.contains("exited with status 2; its log (stderr) ended: no such option: --frobnicate"), "\(refusing.stderr)")
        // Its log is read to the end even when the exit is seen first: here
        // a child it left behind writes to stderr after the exit (a bug that
        // made a CI run fail when stderr was read late).
        let late = try await cvconform("run", "traces", "--exec", "sh -c 'exec >&-; (sleep 0.3; echo lock taken >&2) & exit 3'", "--quiet")
        #expect(late.status == 1)
        #expect(late.stderr.contains("exited with status 3; its log (stderr) ended: lock taken"), "\(late.stderr)")
        let explore = try await cvconform("explore", "--steps", "10", "--exec", "sh -c 'exit 2'", "--output", try temporaryFolder())
        #expect(explore.status == 1)
        #expect(explore.stdout.contains("nothing explored: the implementation did not start"), "\(explore.stdout)")
        #expect(!explore.stdout.contains("divergence found"))
    }
}
