import CVConformJSON
import CVConformTestSupport
import CVConformTrace
import Foundation
import Testing

/// `cvconform explore` as a user runs it, against the example implementation
/// (written apart from the model) and its deliberate mistakes.
@Suite("cvconform explore, end to end", .tags(.endToEnd, .slow))
struct ExploreCommandTests {
    static let example: String = {
        URL(fileURLWithPath: cvconformBinary).deletingLastPathComponent().appendingPathComponent("cvconform-example").path
    }()

    /// Every mistake in the system's behaviour, except the one only load shows.
    static let faults = ["echo-drop", "no-most-idle", "wrong-cause-order", "no-quiet", "ignore-wrong-button", "extra-output",
                         "leak-on-hangup", "later-skills", "numeric-ids", "prefix-extensions", "clock-wrap", "short-queue"]

    @Test("Each mistake of the example is found and shrunk to no more messages than the shortest suite trace that catches it",
          arguments: faults)
    func findsEachFault(_ fault: String) async throws {
        let folder = try temporaryFolder()
        let faulty = "\(Self.example) --fault \(fault)"
        let explored = try await cvconform(["explore", "--seed", "1", "--time", "60", "--exec", faulty, "--output", folder,
                                      "--json", folder + "/explore.json", "--quiet", "--confirmations", "2"])
        #expect(explored.status == 1, "\(explored.stdout)\(explored.stderr)")
        let json = try readJSON(folder + "/explore.json")
        let found = try #require(json["found"], "\(explored.stdout)")
        let file = try #require(found["file"]?.stringValue)
        let messages = try #require(found["messages"]?.intValue)
        #expect(found["flaky"]?.boolValue == false)
        #expect(explored.stdout.contains("replay it: cvconform run \(file)"))

        // The trace is ready for traces/: it validates, fails against the
        // faulty implementation and passes against the reference.
        #expect(try await cvconform("validate", file).status == 0)
        #expect(try await cvconform("run", file, "--exec", faulty).status == 1)
        #expect(try await cvconform("run", file).status == 0)
        let trace = try Trace.read(file: file)
        #expect(trace.header.expect == .pass && !trace.header.covers.isEmpty && trace.header.tags.contains("explore"))
        #expect(trace.header.description?.contains("seed 1") == true)

        // No longer than the shortest hand-written trace that catches it.
        let suite = try await cvconform(["run", "traces", "--exec", faulty, "--json", folder + "/suite.json", "--quiet"])
        let failing = try reportTraces(folder + "/suite.json").filter { $0["verdict"]?.stringValue != "pass" }
        let lengths = try failing.compactMap { $0["file"]?.stringValue }.map { try Trace.read(file: repositoryRoot + "/" + $0).entries.count }
        if let shortest = lengths.min() {
            #expect(messages <= shortest, "explore: \(messages) messages; shortest suite trace: \(shortest)")
        } else {
            #expect(suite.status == 0) // a mistake only a deep run shows
        }
    }

    @Test("No false alarm against the example, sequential or concurrent", arguments: ["", " --concurrent", " --no-sync"])
    func noFalseAlarm(_ flags: String) async throws {
        let folder = try temporaryFolder()
        let result = try await cvconform(["explore", "--seed", "9", "--steps", "3000", "--exec", Self.example + flags, "--output", folder, "--quiet"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("nothing found"))
    }

    @Test("--jobs changes nothing in the JSON but jobs and elapsed; a job that does not start is a note, and the others go on")
    func jobs() async throws {
        let folder = try temporaryFolder()
        // The example starts once: a second start finds the lock taken.
        let once = "mkdir '\(folder)/lock' 2>/dev/null || { echo 'already running' >&2; exit 3; }; exec \(Self.example)"
        var reports: [JSONValue] = []
        for (jobs, exec) in [("1", Self.example), ("2", Self.example), ("2", once)] {
            let result = try await cvconform(["explore", "--seed", "4", "--steps", "3000", "--jobs", jobs, "--exec", exec,
                                              "--output", folder, "--json", folder + "/x.json", "--quiet"])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            reports.append(try readJSON(folder + "/x.json"))
        }
        #expect(reports.map { $0["jobs"]?.intValue } == [1, 2, 1])
        for report in reports {
            for field in ["stimuli", "runs", "coverage", "found"] { #expect(report[field] == reports[0][field], "\(field)") }
        }
        let notes = reports[2]["notes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(notes.count == 1 && notes.first?.contains("job 2 did not start") == true && notes.first?.contains("already running") == true,
                "\(notes)")
        #expect(reports[1]["notes"] == nil)
    }

    @Test("Nonsensical limits and an unwritable folder are usage errors", arguments: [
        ["--time", "0"], ["--time", "-3"], ["--time", "soon"], ["--steps", "0"], ["--profile", "all"],
        ["--output", "/proc/cvconform-cannot-write-here"], ["--jobs", "0"], ["--jobs", "9"],
    ])
    func badInput(_ arguments: [String]) async throws {
        let result = try await cvconform(["explore", "--steps", "10"] + arguments)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test("An implementation that crashes, hangs or floods mid-exploration ends it with a clear error",
          arguments: ["exit-mid-trace", "hang", "flood", "garbage", "crash-after-hello"])
    func misbehaving(_ fault: String) async throws {
        let folder = try temporaryFolder()
        let result = try await cvconform(["explore", "--seed", "1", "--time", "20", "--timeout", "0.5", "--startup-timeout", "2",
                                    "--confirmations", "1", "--shrink-time", "10", "--exec", "\(Self.example) --fault \(fault)",
                                    "--output", folder, "--quiet", "--json", folder + "/x.json"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("divergence found") || result.stdout.contains("did not start"))
        #expect(FileManager.default.fileExists(atPath: folder + "/x.json"))
    }
}
