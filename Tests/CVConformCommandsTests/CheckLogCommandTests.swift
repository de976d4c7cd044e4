import CVConformJSON
import CVConformTestSupport
import Foundation
import Testing

/// One line of `Tests/Fixtures/logs/expected.txt`.
struct ExpectedSegment: Sendable, CustomStringConvertible {
    var file: String
    var line: Int
    var outcome: String
    var at: Int?
    var cell: Int?

    var description: String { "\(file):\(line)" }

    static func all() throws -> [ExpectedSegment] {
        let text = try String(contentsOfFile: repositoryRoot + "/Tests/Fixtures/logs/expected.txt", encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let first = words.first, !first.hasPrefix("#"), words.count == 5, let number = Int(words[1]) else { return nil }
            return ExpectedSegment(file: first, line: number, outcome: words[2], at: Int(words[3]), cell: Int(words[4]))
        }
    }
}

@Suite("cvconform check-log, end to end", .tags(.endToEnd))
struct CheckLogCommandTests {
    static let fixtures = "Tests/Fixtures/logs/"

    @Test("Every hand-written log is judged as expected.txt says, segment by segment; exit 1 exactly when one fails")
    func fixtures() async throws {
        let expected = try ExpectedSegment.all()
        #expect(expected.count >= 15)
        let folder = try temporaryFolder()
        for file in Set(expected.map(\.file)).sorted() {
            let json = folder + "/\(file).json"
            let result = try await cvconform("check-log", Self.fixtures + file, "--json", json)
            let wanted = expected.filter { $0.file == file }
            let segments = try #require(try readJSON(json)["segments"]?.arrayValue)
            #expect(segments.map { $0["line"]?.intValue } == wanted.map(\.line), "\(file)")
            #expect(segments.map { $0["outcome"]?.stringValue } == wanted.map(\.outcome), "\(file)")
            #expect(segments.map { $0["at"]?.intValue } == wanted.map(\.at), "\(file)")
            #expect(segments.map { $0["cell"]?.intValue } == wanted.map(\.cell), "\(file)")
            let fails = wanted.contains { $0.outcome == "rejected" || $0.outcome == "malformed" }
            #expect(result.status == (fails ? 1 : 0), "\(file): \(result.stdout)\(result.stderr)")
        }
    }

    @Test("JSON: the contract's fields first (trace null without one, detail \"\" when accepted, at null unless rejected), then the project's")
    func jsonShape() async throws {
        let folder = try temporaryFolder()
        let json = folder + "/nested/report.json"
        let result = try await cvconform("check-log", Self.fixtures + "several-segments.jsonl", "--json", json)
        #expect(result.status == 1)
        let root = try readJSON(json)
        #expect(root.members?.map(\.0) == ["segments", "file", "lines", "messages", "summary", "skipped", "ignored"])
        let segments = try #require(root["segments"]?.arrayValue)
        for segment in segments {
            #expect(Array(segment.members?.map(\.0).prefix(5) ?? []) == ["trace", "line", "outcome", "at", "detail"])
            #expect(segment.members?.map(\.0) == ["trace", "line", "outcome", "at", "detail", "cell", "cells", "last_line",
                                                  "messages", "malformed_at", "skipped_lines", "violation_count", "violations"])
        }
        #expect(segments[0]["detail"] == .string(""))
        #expect(segments[0]["at"] == .null)
        #expect(segments[1]["at"]?.intValue == 7)
        #expect(segments[1]["detail"]?.stringValue?.hasPrefix("line 7 ecs→cvct login-denied(") == true)
        #expect(segments[1]["violations"]?.arrayValue?.first?["clause"] == .string("ECS-LOGIN-5"))
        #expect(segments[2]["detail"]?.stringValue?.hasPrefix("still owed at the end: ecs→cvct progress(") == true)

        let noTrace = folder + "/no-trace.json"
        _ = try await cvconform("check-log", Self.fixtures + "rejected-echoed-drop.jsonl", "--json", noTrace)
        #expect(try readJSON(noTrace)["segments"]?.arrayValue?.first?["trace"] == .null)
    }

    @Test("The terminal: one line per segment as validate prints one per trace, the explanation, a summary")
    func terminal() async throws {
        let result = try await cvconform("check-log", Self.fixtures + "cells-mixed-up.jsonl")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "FAIL rejected at 12   two-cells-mixed-up                   Tests/Fixtures/logs/cells-mixed-up.jsonl:1")
        #expect(lines.contains("     line 12 icm→browser acw-open(agent=2001) is not allowed in cell 2"))
        #expect(lines.contains("     nothing is owed on icm→browser"))
        #expect(lines.contains("     before it in cell 2 on any channel:"))
        #expect(lines.contains("       line 8       ecs→cvct logged-in(agent=2001, extension=4002)"))
        #expect(lines.last == "0 ok, 1 failed (1 segment: 0 accepted, 0 incomplete, 1 rejected, 0 malformed; 12 messages on 13 lines)")
        let skipped = try await cvconform("check-log", Self.fixtures + "garbage.jsonl")
        #expect(skipped.stdout.contains("6 lines skipped: line 1 (msg before any reset), line 2 (not JSON"))
    }

    @Test("Standard input (-) is judged as the file is, and each violation is printed as soon as it is found")
    func standardInput() async throws {
        let text = try String(contentsOfFile: repositoryRoot + "/" + Self.fixtures + "several-segments.jsonl", encoding: .utf8)
        let folder = try temporaryFolder()
        let result = try await cvconform(["check-log", "-", "--json", folder + "/stdin.json"], input: text)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let found = try #require(lines.firstIndex { $0.hasPrefix("FAIL line 7 ecs→cvct login-denied(") })
        let segment = try #require(lines.firstIndex { $0.hasPrefix("FAIL rejected at 7    second") })
        #expect(found < segment, "the violation comes before its segment's line")
        #expect(lines[found].hasSuffix("[segment second, <stdin>:3]"))
        #expect(lines[segment + 1] == "     1 violation, explained above")
        let file = folder + "/file.json"
        _ = try await cvconform("check-log", Self.fixtures + "several-segments.jsonl", "--json", file)
        let fromStdin = try readJSON(folder + "/stdin.json")["segments"]
        #expect(fromStdin == (try readJSON(file)["segments"]))
    }

    @Test("Live: a violation is on standard output while the log is still being written")
    func live() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cvconformBinary)
        process.arguments = ["check-log", "-"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let lines = [
            #"{"op":"reset","setup":{"agents":[{"id":"1001","skills":["10"]}],"stations":["4001"],"vdns":[]}}"#,
            #"{"op":"msg","from":"icm","to":"browser","type":"acw-open","params":{"agent":"1001"}}"#,
        ]
        try input.fileHandleForWriting.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
        // Standard input stays open: the violation must come before the end.
        // (A guard against hanging, not a time limit under test: if nothing
        // comes, the process is ended and the expectation below fails.)
        let guardProcess = process
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { if guardProcess.isRunning { guardProcess.terminate() } }
        var bytes = Data()
        let reader = output.fileHandleForReading
        while !bytes.contains(0x0A), let chunk = try reader.read(upToCount: 1), !chunk.isEmpty {
            bytes += chunk
        }
        let seen = String(decoding: bytes, as: UTF8.self)
        #expect(seen.hasPrefix("FAIL line 2 icm→browser acw-open(agent=1001) is not allowed"))
        try input.fileHandleForWriting.close()
        _ = try reader.readToEnd()
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
    }

    @Test("Usage errors exit 2: no such file, a folder, options that do not fit, stdin read twice", arguments: [
        ["check-log", "Tests/Fixtures/logs/no-such.jsonl"],
        ["check-log", "Tests/Fixtures/logs"],
        ["check-log", "-", "--trace-out", "/tmp/x"],
        ["check-log", "Tests/Fixtures/logs/garbage.jsonl", "--cell", "2"],
        ["check-log", "Tests/Fixtures/logs/garbage.jsonl", "--extract", "5"],
        ["check-log", "Tests/Fixtures/logs/garbage.jsonl", "--window", "99"],
        ["check-log", "Tests/Fixtures/logs/garbage.jsonl", "--frobnicate"],
        ["check-log"],
    ])
    func usage(_ arguments: [String]) async throws {
        let result = try await cvconform(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stdout)\(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test("--trace-out writes each rejection as a fail trace of its cell that validate judges rejected at the marked message")
    func traceOut() async throws {
        let folder = try temporaryFolder()
        for file in ["cells-mixed-up.jsonl", "rejected-echoed-drop.jsonl", "several-segments.jsonl", "cells-two-cells.jsonl"] {
            let result = try await cvconform("check-log", Self.fixtures + file, "--trace-out", folder, "--quiet")
            #expect(result.status == 1)
            if file == "cells-two-cells.jsonl" {
                #expect(result.stdout.contains("note: no trace for line 4: a message naming two cells or none belongs to no one cell's trace"))
            }
        }
        let written = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(written == ["log-segment1-line23.xml", "second-line7.xml", "two-cells-mixed-up-cell2-line12.xml"])
        let json = folder + "/validate.json"
        let validated = try await cvconform(["validate", folder, "--json", json])
        #expect(validated.status == 0, "\(validated.stdout)")
        let traces = try reportTraces(json)
        #expect(traces.allSatisfy { $0["outcome"] == .string("rejected") && $0["ok"] == .bool(true) && $0["expect"] == .string("fail") })
        let cell = try String(contentsOfFile: folder + "/two-cells-mixed-up-cell2-line12.xml", encoding: .utf8)
        #expect(cell.contains(#"<agent id="2001" skills="20"/>"#))
        #expect(!cell.contains("1001"), "only the rejected message's cell")
        #expect(cell.contains(#"<msg from="icm" to="browser" type="acw-open" agent="2001" invalid="true"/>"#))
        #expect(!cell.contains("login-confirmed"), "cut after the violation")
    }

    @Test("--extract writes a whole segment or cell as a trace whose expect is what check-log found")
    func extract() async throws {
        let folder = try temporaryFolder()
        let cases: [(String, [String], String)] = [
            ("cells-session-by-vdn.jsonl", ["--extract", "1", "--cell", "2"], "accepted"),
            ("cells-mixed-up.jsonl", ["--extract", "1", "--cell", "2"], "rejected"),
            ("several-segments.jsonl", ["--extract", "8"], "incomplete"),
            ("accepted-login-logout.jsonl", ["--extract", "2"], "accepted"),
        ]
        for (index, (file, options, outcome)) in cases.enumerated() {
            let path = folder + "/extract-\(index).xml"
            _ = try await cvconform(["check-log", Self.fixtures + file, "--output", path] + options)
            let json = folder + "/extract-\(index).json"
            let validated = try await cvconform(["validate", path, "--json", json])
            #expect(validated.status == 0, "\(file): \(validated.stdout)")
            #expect(try reportTraces(json).first?["outcome"] == .string(outcome), "\(file)")
        }
        let session = try String(contentsOfFile: folder + "/extract-0.xml", encoding: .utf8)
        #expect(session.contains(#"<msg from="cvct" to="icm" type="dropped" session="s1"/>"#), "the message naming only its session")
        #expect(!session.contains("1009"), "cell 1's decoy login is not in cell 2's trace")

        let needsCell = try await cvconform("check-log", Self.fixtures + "cells-mixed-up.jsonl", "--extract", "1", "--output", folder + "/x.xml")
        #expect(needsCell.status == 2)
        #expect(needsCell.stderr.contains("has 2 cells: choose one with --cell 1…2"))
        let noSegment = try await cvconform("check-log", Self.fixtures + "several-segments.jsonl", "--extract", "2", "--output", folder + "/y.xml")
        #expect(noSegment.status == 2)
        #expect(noSegment.stderr.contains("no segment starts at line 2"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/x.xml"))
    }
}
