import CVConformJSON
import CVConformTestSupport
import Foundation
import Testing

@Suite("cvconform load, end to end", .tags(.endToEnd, .slow, .timing))
struct LoadCommandTests {
    let example = exampleBinary

    @Test("Against the built-in reference: exit 0, the JSON of section 7, an HTML page, a log check-log accepts")
    func reference() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await cvconform("load", "--cells", "10", "--duration", "0.5", "--rate", "4000", "--seed", "4",
                                   "--json", folder + "/load.json", "--html", folder + "/load.html", "--log", folder + "/load.log")
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("no violation"))
        let json = try readJSON(folder + "/load.json")
        for field in ["implementation", "duration", "cells", "stimuli", "messages", "throughput", "latency", "violations"] {
            #expect(json[field] != nil, "no \(field)")
        }
        for field in ["p50", "p90", "p99", "max"] { if case .number = json["latency"]?[field] {} else { Issue.record("no latency \(field)") } }
        #expect(json["cells"]?.intValue == 10)
        #expect(json["violations"]?.arrayValue?.isEmpty == true)
        #expect((json["messages"]?.intValue ?? 0) > (json["stimuli"]?.intValue ?? 0))
        let html = try String(contentsOfFile: folder + "/load.html", encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("Throughput") && !html.contains("<script"))
        let checked = try await cvconform("check-log", folder + "/load.log")
        #expect(checked.status == 0, "\(checked.stdout)")
        #expect(checked.stdout.contains("10 cells"))
    }

    @Test("An implementation that interleaves the work of different agents gets no violation")
    func concurrentExampleConforms() async throws {
        // Judged on two cores: the driver runs on the connection's executor,
        // the other core's task on the global one.
        let result = try await cvconform("load", "--cells", "40", "--duration", "1", "--seed", "2", "--jobs", "2", "--quiet",
                                         "--exec", "\(example) --concurrent")
        #expect(result.status == 0, "\(result.stdout.prefix(3000))")
        #expect(result.stdout.contains("no violation"))
    }

    @Test("A race on state agents share passes every serial trace, but load finds it and check-log flags load's log")
    func raceFoundUnderLoad() async throws {
        let racy = "\(example) --concurrent --fault shared-login-slot"
        let serial = try await cvconform("run", "traces", "--exec", racy, "--quiet-period", "0.03", "--jobs", "2", "--quiet")
        #expect(serial.status == 0, "run should miss the race: \(serial.stdout.suffix(1500))")
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await cvconform("load", "--cells", "50", "--duration", "5", "--seed", "1", "--timeout", "1", "--quiet",
                                   "--exec", racy, "--json", folder + "/load.json", "--log", folder + "/load.log")
        #expect(result.status == 1, "load missed the race: \(result.stdout.suffix(1500))")
        #expect(result.stdout.contains("VIOLATION in cell"))
        #expect(result.stdout.contains("the cell's last messages:"))
        #expect(result.stdout.contains("clause "))
        // Nearly every cell fails at once: the run stops and says why,
        // rather than measuring the last few cells for the whole duration.
        #expect(result.stdout.contains("stopped early: "), "\(result.stdout.suffix(800))")
        #expect(try readJSON(folder + "/load.json")["stopped_early"]?.stringValue?.contains("stopped at a violation") == true)
        let violations = try #require(try readJSON(folder + "/load.json")["violations"]?.arrayValue)
        #expect(!violations.isEmpty)
        #expect(violations.first?["cell"]?.intValue != nil)
        #expect(violations.first?["detail"]?.stringValue?.isEmpty == false)
        let checked = try await cvconform("check-log", folder + "/load.log", "--json", folder + "/check.json")
        #expect(checked.status == 1, "\(checked.stdout.suffix(1500))")
        #expect(checked.stdout.contains("rejected"))
        // check-log judges load's log as load did (RACE-22): reports read in
        // another order than their messages were taken reject nothing that
        // load accepted: every cell check-log rejects, load flagged. (A cell
        // load flagged for an output that came after its timeout may pass
        // offline, where nothing times out.)
        let loadCells = Set(violations.compactMap { $0["cell"]?.intValue })
        let segment = try #require(try readJSON(folder + "/check.json")["segments"]?.arrayValue?.first)
        let rejected = Set((segment["violations"]?.arrayValue ?? []).compactMap { $0["cell"]?.intValue })
        #expect(!rejected.isEmpty && rejected.isSubset(of: loadCells), "check-log rejected \(rejected.sorted()), load flagged \(loadCells.sorted())")
        #expect((segment["violation_count"]?.intValue ?? 0) <= loadCells.count)
    }

    @Test("An implementation that breaks down under load ends the run with an error, never a hang", arguments: [
        "crash-after-hello", "garbage", "exit-mid-trace", "hang", "flood",
    ])
    func breakdown(_ fault: String) async throws {
        let result = try await cvconform("load", "--cells", "5", "--duration", "2", "--seed", "1", "--timeout", "0.5",
                                   "--startup-timeout", "2", "--quiet", "--exec", "\(example) --fault \(fault)")
        #expect(result.status == 1, "\(fault): \(result.stdout)")
        #expect(result.stdout.contains("error:") || result.stdout.contains("VIOLATION"), "\(fault): \(result.stdout)")
    }

    @Test("Bad options are usage errors (exit 2) that say what is wrong", arguments: [
        (["--cells", "0"], "--cells"), (["--rate", "-3"], "--rate"), (["--duration", "0"], "--duration"),
        (["--profile", "full"], "--profile"), (["--exec", "x", "--connect", "h:1"], "not both"), (["--jobs", "0"], "--jobs"),
    ])
    func usage(_ arguments: [String], _ says: String) async throws {
        let result = try await cvconform(["load"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(says), "\(result.stderr)")
    }

    @Test("A log that cannot be written is a usage error before any work")
    func unwritableLog() async throws {
        let result = try await cvconform("load", "--log", "/nonexistent-folder/x.log", "--duration", "0.1")
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot write"), "\(result.stderr)")
    }
}
