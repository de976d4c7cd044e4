import CVConformJSON
import CVConformTestSupport
import Foundation
import Testing

@Suite("cvconform verify, end to end", .tags(.endToEnd, .slow))
struct VerifyCommandTests {
    @Test("Bad input is a usage error: a size of 0, an unknown mutant, a bad profile, --promela with races in core or with a mutant", arguments: [
        ["verify", "--agents", "0"],
        ["verify", "--sessions", "12"],
        ["verify", "--mutant", "NO-SUCH/omit"],
        ["verify", "--profile", "all"],
        ["verify", "--races", "--promela", "/tmp/cvconform-never.pml"],
        ["verify", "--mutant", "ICM-ANSWER-1/skip-state-change", "--promela", "/tmp/cvconform-never.pml"],
        ["verify", "--race-width", "9", "--races"],
    ])
    func badInput(_ arguments: [String]) async throws {
        let result = try await cvconform(arguments)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test("A mistyped mutant id suggests the ids it begins")
    func mutantSuggestion() async throws {
        let result = try await cvconform(["verify", "--mutant", "ECS-LOGIN-5/skip"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("did you mean: ECS-LOGIN-5/skip-state-change"), "\(result.stderr)")
    }

    @Test("The reference holds: exit 0, the universe stated, the JSON of section 9")
    func reference() async throws {
        let folder = try temporaryFolder()
        let result = try await cvconform(["verify", "--json", folder + "/v.json"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("universe: 2 agents, 2 stations, 2 VDNs, 2 skills, 2 sessions"))
        #expect(result.stdout.contains("need racing messages: try --races"))
        let json = try readJSON(folder + "/v.json")
        for key in ["universe", "states", "transitions", "elapsed", "invariants", "clauses", "counterexample"] { #expect(json[key] != nil, "\(key)") }
        #expect(json["counterexample"] == .null)
        let invariants = try #require(json["invariants"]?.arrayValue)
        #expect(invariants.count >= 6)
        for invariant in invariants {
            for key in ["id", "text", "holds"] { #expect(invariant[key] != nil) }
            #expect(invariant["holds"] == .bool(true))
        }
        #expect(json["clauses"]?["reached"]?.arrayValue?.isEmpty == false)
        #expect(json["clauses"]?["dead"]?.arrayValue != nil)
    }

    @Test("A mutant that forgets a state change: exit 1 and a counterexample trace that validates")
    func mutant() async throws {
        let folder = try temporaryFolder()
        let result = try await cvconform(["verify", "--mutant", "ICM-ANSWER-1/skip-state-change", "--output", folder + "/out", "--json", folder + "/v.json"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("BROKEN INV-2"))
        let json = try readJSON(folder + "/v.json")
        let counterexample = try #require(json["counterexample"])
        #expect(counterexample["invariant"] == .string("INV-2"))
        let file = try #require(counterexample["file"]?.stringValue)
        #expect(FileManager.default.fileExists(atPath: file))
        let validated = try await cvconform(["validate", folder + "/out"])
        #expect(validated.status == 0, "\(validated.stdout)")
    }

    /// pan's stored states and errors for a Promela model verify wrote.
    static func pan(_ arguments: [String], in folder: String, panArguments: String = "") async throws -> (states: Int, errors: Int) {
        let model = folder + "/model.pml"
        let written = try await cvconform(["verify", "--promela", model, "--json", folder + "/v.json"] + arguments)
        #expect(written.status <= 1, "\(written.stderr)")
        func run(_ command: String) async throws -> CommandResult {
            try await runProcess("/bin/sh", ["-c", "cd '\(folder)' && \(command)"])
        }
        let spin = try await run("command -v spin && command -v gcc")
        try #require(spin.status == 0, "SPIN and gcc are needed (Scripts/setup installs them)")
        // Unoptimized: these universes are small, and -O2 took longer to compile than pan to run.
        let built = try await run("spin -a model.pml && gcc -O0 -DSAFETY -DNOREDUCE -o pan pan.c")
        try #require(built.status == 0, "\(built.stdout)\(built.stderr)")
        let checked = try await run("./pan \(panArguments)")
        func number(before marker: String) -> Int? {
            checked.stdout.split(separator: "\n").first { $0.contains(marker) }.flatMap { line in
                line.split(separator: " ").first.flatMap { Int($0) }
            }
        }
        let errors = checked.stdout.split(separator: "\n").first { $0.contains("errors:") }.flatMap { $0.split(separator: " ").last.flatMap { Int($0) } }
        return (try #require(number(before: "states, stored")), try #require(errors))
    }

    @Test("SPIN explores the Promela export's state space: as many states as verify, and the same verdict", arguments: [
        ["--agents", "2", "--stations", "2", "--vdns", "2", "--skills", "2", "--sessions", "2"],
        ["--agents", "3", "--stations", "2", "--vdns", "1", "--skills", "2", "--sessions", "2"],
    ])
    func spinAgrees(_ universe: [String]) async throws {
        let folder = try temporaryFolder()
        let pan = try await Self.pan(universe, in: folder)
        let json = try readJSON(folder + "/v.json")
        #expect(json["states"] == .integer(pan.states))
        #expect(pan.errors == 0)
    }

    @Test("With races (profile extended): SPIN's asynchronous export stores as many states as verify --races counts")
    func spinAgreesWithRaces() async throws {
        let folder = try temporaryFolder()
        // -A: every state, past the assertion EXT-1 breaks (INV-7), so the counts compare.
        let pan = try await Self.pan(["--races", "--profile", "extended", "--agents", "1", "--stations", "1"], in: folder, panArguments: "-A")
        let json = try readJSON(folder + "/v.json")
        #expect(json["states"] == .integer(pan.states))
        #expect(pan.states > 1_000)
        let model = try String(contentsOfFile: folder + "/model.pml", encoding: .utf8)
        #expect(model.contains("active proctype icm()") && model.contains("active proctype ecs()"))
    }

    @Test("Profile extended: SPIN and verify both find INV-7 broken, and SPIN's trail comes back as a trace that validates")
    func spinTrail() async throws {
        let folder = try temporaryFolder()
        let pan = try await Self.pan(["--profile", "extended"], in: folder)
        #expect(pan.errors == 1)
        let json = try readJSON(folder + "/v.json")
        #expect(json["counterexample"]?["invariant"] == .string("INV-7"))
        let replay = try await runProcess("/bin/sh", ["-c", "cd '\(folder)' && spin -t model.pml > trail.txt"])
        try #require(replay.status == 0, "\(replay.stderr)")
        let imported = try await cvconform(["verify", "--profile", "extended", "--import-trail", folder + "/trail.txt", "--output", folder + "/out"])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        #expect(imported.stdout.contains("breaking INV-7"))
        #expect(try await cvconform(["validate", folder + "/out"]).status == 0)
        let wrongUniverse = try await cvconform(["verify", "--import-trail", folder + "/trail.txt"])
        #expect(wrongUniverse.status == 1)
        #expect(wrongUniverse.stderr.contains("trail.txt:"))
    }
}
