import CVConformJSON
import CVConformTestSupport
import CVConformTrace
import Foundation
import Testing

@Suite("cvconform mutate and generate, end to end", .tags(.endToEnd, .slow))
struct MutateCommandTests {
    @Test("Bad input is a usage error: no such path, no pass traces, a score outside 0…1, a bad profile", arguments: [
        ["mutate", "no-such-folder"],
        ["mutate", "traces/negative"],
        ["mutate", "traces", "--min-score", "1.5"],
        ["mutate", "traces", "--min-score", "-0.1"],
        ["mutate", "traces", "--profile", "all"],
        ["generate"],
        ["generate", "--output", "/proc/cvconform-cannot-write"],
    ])
    func badInput(_ arguments: [String]) async throws {
        let result = try await cvconform(arguments)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test("A weak suite: the score, the survivors, JSON and HTML; --min-score gates; --augment writes traces that kill the survivors; malformed traces are reported, not counted")
    func weakSuite() async throws {
        let folder = try temporaryFolder()
        let suite = folder + "/suite"
        try FileManager.default.createDirectory(atPath: suite, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: repositoryRoot + "/traces/login/login-basic.xml", toPath: suite + "/login-basic.xml")
        try FileManager.default.copyItem(atPath: repositoryRoot + "/Tests/Fixtures/malformed/param-missing.xml", toPath: suite + "/broken.xml")
        let result = try await cvconform(["mutate", suite, "--depth", "2", "--explore-steps", "0", "--min-score", "0.9",
                                    "--json", folder + "/m.json", "--html", folder + "/m.html", "--augment", folder + "/augment"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("mutation score: "))
        #expect(result.stdout.contains("surviving mutants"))
        #expect(result.stdout.contains("malformed, not replayed"))
        #expect(result.stderr.contains("below --min-score 0.9"))
        let json = try readJSON(folder + "/m.json")
        let summary = try #require(json["summary"])
        for key in ["mutants", "killed", "survived", "equivalent", "score"] { #expect(summary[key] != nil, "\(key)") }
        let mutants = try #require(json["mutants"]?.arrayValue)
        let first = try #require(mutants.first)
        for key in ["id", "clause", "operator", "description", "killed", "killed_by", "equivalent"] { #expect(first[key] != nil, "\(key)") }
        #expect(mutants.contains { $0["killed_by"]?.arrayValue?.contains(.string("login-basic")) == true })
        let html = try String(contentsOfFile: folder + "/m.html", encoding: .utf8)
        #expect(html.contains("<table class=\"mutants\">") && !html.contains("http://") && !html.contains("https://"))

        // The augmenting traces validate, and with them the suite kills every non-equivalent mutant.
        #expect(try await cvconform("validate", folder + "/augment").status == 0)
        try FileManager.default.removeItem(atPath: suite + "/broken.xml")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder + "/augment") {
            try FileManager.default.copyItem(atPath: folder + "/augment/" + name, toPath: suite + "/" + name)
        }
        let again = try await cvconform(["mutate", suite, "--depth", "2", "--explore-steps", "0", "--min-score", "1", "--quiet"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
    }
}
