import Foundation
import Testing

@Suite("QA workflow: selection, shards, jobs, merge, diff, expectations")
struct QAWorkflowTests {
    func verdicts(_ path: String) throws -> [String: String] {
        let traces = try #require((try readJSON(path) as? [String: Any])?["traces"] as? [[String: Any]])
        var result: [String: String] = [:]
        for trace in traces { result[trace["id"] as? String ?? ""] = trace["verdict"] as? String }
        return result
    }

    @Test("Three shards merged equal one unsharded run, byte for byte; shards do not overlap")
    func shardsMerge() throws {
        let folder = try temporaryFolder()
        for index in 1...3 {
            _ = try cvconform("run", "traces", "--profile", "all", "--shard", "\(index)/3", "--json", folder + "/s\(index).json")
        }
        _ = try cvconform("run", "traces", "--profile", "all", "--json", folder + "/all.json")
        let merged = try cvconform("merge", folder + "/s1.json", folder + "/s2.json", folder + "/s3.json", "-o", folder + "/merged.json")
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/merged.json")) == Data(contentsOf: URL(fileURLWithPath: folder + "/all.json")))
        let shares = try (1...3).map { try verdicts(folder + "/s\($0).json").count }
        #expect(shares.allSatisfy { $0 > 0 })
        let overlap = try cvconform("merge", folder + "/s1.json", folder + "/s1.json")
        #expect(overlap.status == 2)
        #expect(overlap.stderr.contains("more than one report"))
    }

    @Test("--jobs 2 gives the same verdicts, in the same order, as --jobs 1")
    func jobs() throws {
        let folder = try temporaryFolder()
        _ = try cvconform("run", "traces", "--jobs", "1", "--json", folder + "/one.json")
        _ = try cvconform("run", "traces", "--jobs", "2", "--json", folder + "/two.json")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/one.json")) == Data(contentsOf: URL(fileURLWithPath: folder + "/two.json")))
        _ = try cvconform("validate", "traces", "--jobs", "2", "--json", folder + "/v2.json")
        _ = try cvconform("validate", "traces", "--json", folder + "/v1.json")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/v1.json")) == Data(contentsOf: URL(fileURLWithPath: folder + "/v2.json")))
    }

    @Test("Selection by id glob, tag, excluded tag and clause")
    func selection() throws {
        let folder = try temporaryFolder()
        _ = try cvconform("validate", "traces", "--id", "login-*", "--json", folder + "/ids.json")
        #expect(try verdicts(folder + "/ids.json").keys.allSatisfy { $0.hasPrefix("login-") })
        _ = try cvconform("validate", "traces", "--clause", "ECS-IDLE-1", "--json", folder + "/clause.json")
        let byClause = try #require((try readJSON(folder + "/clause.json") as? [String: Any])?["traces"] as? [[String: Any]])
        #expect(!byClause.isEmpty)
        for trace in byClause {
            let file = try String(contentsOfFile: repositoryRoot + "/" + (trace["file"] as? String ?? ""), encoding: .utf8)
            #expect(file.contains("ECS-IDLE-1"))
        }
        let tagged = try cvconform("run", "traces", "--tag", "login", "--quiet")
        let excluded = try cvconform("run", "traces", "--exclude-tag", "login", "--quiet")
        let all = try cvconform("run", "traces", "--quiet")
        func passed(_ text: String) -> Int { Int(text.split(separator: "\n").last?.split(separator: " ").first ?? "") ?? -1 }
        #expect(passed(tagged.stdout) > 0)
        #expect(passed(tagged.stdout) + passed(excluded.stdout) == passed(all.stdout))
        #expect(try cvconform("run", "traces", "--shard", "4/3").status == 2)
    }

    @Test("diff reports exactly one regression, and exits 1 for it")
    func diff() throws {
        let folder = try temporaryFolder()
        _ = try cvconform("run", "traces", "--json", folder + "/old.json")
        var root = try #require(try readJSON(folder + "/old.json") as? [String: Any])
        var traces = try #require(root["traces"] as? [[String: Any]])
        traces[5]["verdict"] = "fail"
        let regressed = traces[5]["id"] as? String ?? ""
        traces.removeLast()
        root["traces"] = traces
        try JSONSerialization.data(withJSONObject: root).write(to: URL(fileURLWithPath: folder + "/new.json"))
        let result = try cvconform("diff", folder + "/old.json", folder + "/new.json")
        #expect(result.status == 1)
        #expect(result.stdout.contains("regressions (1):\n  \(regressed): pass → fail"))
        #expect(result.stdout.contains("removed traces (1)"))
        #expect(result.stdout.hasSuffix("1 regressions, 0 fixes, 0 other changes, 0 new, 1 removed\n"))
        let back = try cvconform("diff", folder + "/new.json", folder + "/old.json")
        #expect(back.status == 0)
        #expect(back.stdout.contains("fixes (1)"))
    }

    @Test("An expectations file turns a known failure into expected-fail (exit 0) and a fixed one into unexpected-pass (exit 1)")
    func expectations() throws {
        let folder = try temporaryFolder()
        // An implementation that forgets acw-open: every login trace fails.
        let forgetful = #"sh -c "\#(cvconformBinary) serve | grep --line-buffered -v acw-open""#
        try "# known failures\nlogin-basic  fail  forgets acw-open (ACME-1)\n".write(toFile: folder + "/known.txt", atomically: true, encoding: .utf8)
        let known = try cvconform("run", "traces/login/login-basic.xml", "--exec", forgetful, "--timeout", "0.5",
                                  "--expectations", folder + "/known.txt", "--json", folder + "/known.json")
        #expect(known.status == 0, "\(known.stdout)")
        #expect(try verdicts(folder + "/known.json")["login-basic"] == "expected-fail")

        let fixed = try cvconform("run", "traces/login/login-basic.xml", "--expectations", folder + "/known.txt",
                                  "--json", folder + "/fixed.json", "--junit", folder + "/fixed.xml")
        #expect(fixed.status == 1)
        #expect(try verdicts(folder + "/fixed.json")["login-basic"] == "unexpected-pass")
        #expect(fixed.stdout.contains("UNEXPECTED-PASS"))
        let allowed = try cvconform("run", "traces/login/login-basic.xml", "--expectations", folder + "/known.txt", "--allow-unexpected-pass")
        #expect(allowed.status == 0)

        try "login-basic  maybe\n".write(toFile: folder + "/bad.txt", atomically: true, encoding: .utf8)
        let bad = try cvconform("run", "traces/login", "--expectations", folder + "/bad.txt")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad.txt:1:"))
    }

    @Test("--fail-fast stops after the first failure; --quiet prints only failures")
    func failFast() throws {
        let stuck = #"read l; echo '{"op":"hello","protocol":"1","roles":["icm"],"internal":true}'; while read l; do echo '{"op":"ready"}'; done"#
        let result = try cvconform("run", "traces/login", "--exec", stuck, "--timeout", "0.2", "--fail-fast", "--quiet")
        #expect(result.status == 1)
        #expect(result.stdout.contains("stopped early (--fail-fast)"))
        #expect(!result.stdout.contains("PASS "))
    }

    @Test("No colour and no progress line when standard output is not a terminal")
    func plainOutput() throws {
        let result = try cvconform("run", "traces/login")
        #expect(!result.stdout.contains("\u{1B}["))
        #expect(!result.stdout.contains("\r"))
    }
}

@Suite("HTML report")
struct HTMLReportTests {
    @Test("Self-contained: a chart per trace, the divergence highlighted, the log, the coverage matrix")
    func structure() throws {
        let folder = try temporaryFolder()
        let forgetful = #"sh -c "\#(cvconformBinary) serve | grep --line-buffered -v acw-close; echo 'stderr line' >&2""#
        let result = try cvconform("run", "traces/login/login-basic.xml", "traces/logout/logout-phone.xml",
                                   "--exec", forgetful, "--timeout", "0.3", "--html", folder + "/report.html")
        #expect(result.status == 1)
        let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.components(separatedBy: "<svg class=\"msc\"").count - 1 == 2, "one chart per trace")
        #expect(html.contains("<h3>First divergence</h3>"))
        #expect(html.contains("class=\"msg expected\""))
        #expect(html.contains("expected: acw-close 1001"))
        #expect(html.contains("<table class=\"coverage\">"))
        #expect(html.contains(">ICM-PHONE-LOGOUT-1<"))
        #expect(html.contains("<details id=\"t1\" class=\"trace fail\" open>"))
        // Nothing is fetched from the network: no external scripts, styles or images.
        for pattern in ["<script src", "<link ", "src=\"http", "href=\"http", "@import", "url(http"] {
            #expect(!html.contains(pattern), "\(pattern)")
        }
    }
}

@Suite("diff compares like with like")
struct DiffKindTests {
    @Test("A run report against a validate report is a usage error")
    func mixedKinds() throws {
        let folder = try temporaryFolder()
        _ = try cvconform("run", "traces/login", "--json", folder + "/run.json")
        _ = try cvconform("validate", "traces/login", "--json", folder + "/validate.json")
        let result = try cvconform("diff", folder + "/run.json", folder + "/validate.json")
        #expect(result.status == 2)
        #expect(result.stderr.contains("compare like with like"))
    }
}
