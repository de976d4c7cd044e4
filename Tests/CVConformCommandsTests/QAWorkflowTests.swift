import CVConformJSON
import CVConformTestSupport
import Foundation
import Testing

@Suite("QA workflow: selection, shards, jobs, merge, diff, expectations", .tags(.endToEnd))
struct QAWorkflowTests {
    func verdicts(_ path: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for trace in try reportTraces(path) { result[trace["id"]?.stringValue ?? ""] = trace["verdict"]?.stringValue }
        return result
    }

    /// A run report without what differs from run to run (durations).
    func comparable(_ path: String) throws -> JSONValue { try readJSON(path).removing(["duration"]) }

    @Test("Three shards merged equal one unsharded run, durations aside; each shard is recorded; shards do not overlap")
    func shardsMerge() async throws {
        let folder = try temporaryFolder()
        for index in 1...3 {
            _ = try await cvconform("run", "traces", "--profile", "all", "--shard", "\(index)/3", "--json", folder + "/s\(index).json")
            #expect(try readJSON(folder + "/s\(index).json")["shard"] == .string("\(index)/3"))
        }
        _ = try await cvconform("run", "traces", "--profile", "all", "--json", folder + "/all.json")
        #expect(try readJSON(folder + "/all.json")["shard"] == nil, "no shard field when unsharded")
        let merged = try await cvconform("merge", folder + "/s1.json", folder + "/s2.json", folder + "/s3.json", "-o", folder + "/merged.json")
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout == "wrote \(folder)/merged.json (3 reports merged)\n")
        #expect(try comparable(folder + "/merged.json") == comparable(folder + "/all.json"))
        let shares = try (1...3).map { try verdicts(folder + "/s\($0).json").count }
        #expect(shares.allSatisfy { $0 > 0 })
        #expect(shares.reduce(0, +) == (try verdicts(folder + "/all.json").count))
        let twice = try await cvconform("merge", folder + "/s1.json", folder + "/s1.json", folder + "/s2.json", folder + "/s3.json")
        #expect(twice.status == 2)
        #expect(twice.stderr.contains("shard 1/3 is given twice"))
    }

    @Test("merge --html and --junit write the merged shards as one run writes them: the same test cases and failures, the clauses, the coverage")
    func mergeWritesHTMLAndJUnit() async throws {
        let folder = try temporaryFolder()
        let faulty = "\(exampleBinary) --fault echo-drop"
        for index in 1...2 {
            _ = try await cvconform("run", "traces", "--exec", faulty, "--shard", "\(index)/2", "--json", folder + "/s\(index).json")
        }
        _ = try await cvconform("run", "traces", "--exec", faulty, "--junit", folder + "/all.xml", "--json", folder + "/all.json")
        let merged = try await cvconform("merge", folder + "/s1.json", folder + "/s2.json", "-o", folder + "/m.json",
                                         "--html", folder + "/m.html", "--junit", folder + "/m.xml")
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stderr.contains("wrote \(folder)/m.html") && merged.stderr.contains("wrote \(folder)/m.xml"))
        /// The test cases of a JUnit file and their failures' messages
        /// (times and the divergence's details, which JSON does not keep, left out).
        func cases(_ path: String) throws -> [String] {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return text.matches(of: /<testcase name="[^"]*" classname="[^"]*"|<(failure|error|skipped) message="[^"]*"/).map { String($0.output.0) }
        }
        let all = try cases(folder + "/all.xml")
        #expect(all.contains { $0.contains("<failure") }, "the fault should fail some traces")
        #expect(try cases(folder + "/m.xml").sorted() == all.sorted())
        let html = try String(contentsOfFile: folder + "/m.html", encoding: .utf8)
        let failing = try readJSON(folder + "/all.json")["traces"]?.arrayValue?.filter { $0["verdict"] == .string("fail") } ?? []
        #expect(!failing.isEmpty)
        for trace in failing {
            #expect(html.contains(trace["id"]?.stringValue ?? "?"))
            if let clause = trace["clause"]?.stringValue { #expect(html.contains(clause)) }
        }
        #expect(html.contains("Failures by clause"))
        #expect(html.contains("is in the shard's own report") && !html.contains("<svg class=\"msc\""))

        _ = try await cvconform("validate", "traces/login", "--json", folder + "/v.json")
        let refused = try await cvconform("merge", folder + "/v.json", "--html", folder + "/v.html")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("need the reports of run"), "\(refused.stderr)")
    }

    @Test("merge refuses an incomplete set of shards, naming the missing, unless --allow-incomplete")
    func mergeIncomplete() async throws {
        let folder = try temporaryFolder()
        for index in [1, 3] {
            _ = try await cvconform("run", "traces/login", "--shard", "\(index)/3", "--json", folder + "/s\(index).json")
        }
        let refused = try await cvconform("merge", folder + "/s1.json", folder + "/s3.json", "-o", folder + "/m.json")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("shard 2/3 is missing"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/m.json"))
        let allowed = try await cvconform("merge", folder + "/s1.json", folder + "/s3.json", "--allow-incomplete", "-o", folder + "/m.json")
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try readJSON(folder + "/m.json")["missing_shards"] == .array([.string("2/3")]))
        _ = try await cvconform("run", "traces/login", "--json", folder + "/whole.json")
        let mixed = try await cvconform("merge", folder + "/whole.json", folder + "/s1.json")
        #expect(mixed.status == 2)
        #expect(mixed.stderr.contains("whole run"))
    }

    @Test("A shard that holds no selected trace exits 0 and writes empty reports that record it (run and validate)")
    func emptyShard() async throws {
        let folder = try temporaryFolder()
        // One trace: one of the two shards holds it, the other holds nothing.
        var empty: [String] = []
        for index in 1...2 {
            let json = folder + "/run\(index).json"
            let result = try await cvconform("run", "traces", "--id", "login-basic", "--shard", "\(index)/2", "--json", json,
                                       "--junit", folder + "/junit\(index).xml", "--html", folder + "/report\(index).html")
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(try readJSON(json)["shard"] == .string("\(index)/2"))
            if try reportTraces(json).isEmpty {
                empty.append(json)
                #expect(result.stdout.contains("shard \(index)/2 holds none of the 1 selected traces"))
                #expect(FileManager.default.fileExists(atPath: folder + "/junit\(index).xml"))
            }
            let validated = try await cvconform("validate", "traces", "--id", "login-basic", "--shard", "\(index)/2",
                                          "--json", folder + "/v\(index).json")
            #expect(validated.status == 0)
            #expect(try readJSON(folder + "/v\(index).json")["shard"] == .string("\(index)/2"))
        }
        #expect(empty.count == 1)
        let merged = try await cvconform("merge", folder + "/run1.json", folder + "/run2.json")
        #expect(merged.status == 0)
        #expect(try await cvconform("run", "traces", "--id", "no-such-*").status == 2, "an empty selection without --shard is still a usage error")
    }

    @Test("--jobs 2 gives the same verdicts, in the same order, as --jobs 1")
    func jobs() async throws {
        let folder = try temporaryFolder()
        _ = try await cvconform("run", "traces", "--jobs", "1", "--json", folder + "/one.json")
        _ = try await cvconform("run", "traces", "--jobs", "2", "--json", folder + "/two.json")
        #expect(try comparable(folder + "/one.json") == comparable(folder + "/two.json"))
        _ = try await cvconform("validate", "traces", "--jobs", "2", "--json", folder + "/v2.json")
        _ = try await cvconform("validate", "traces", "--json", folder + "/v1.json")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/v1.json")) == Data(contentsOf: URL(fileURLWithPath: folder + "/v2.json")))
    }

    @Test("Selection by id glob, tag, excluded tag and clause")
    func selection() async throws {
        let folder = try temporaryFolder()
        _ = try await cvconform("validate", "traces", "--id", "login-*", "--json", folder + "/ids.json")
        #expect(try verdicts(folder + "/ids.json").keys.allSatisfy { $0.hasPrefix("login-") })
        _ = try await cvconform("validate", "traces", "--clause", "ECS-IDLE-1", "--json", folder + "/clause.json")
        let byClause = try reportTraces(folder + "/clause.json")
        #expect(!byClause.isEmpty)
        for trace in byClause {
            let file = try String(contentsOfFile: repositoryRoot + "/" + (trace["file"]?.stringValue ?? ""), encoding: .utf8)
            #expect(file.contains("ECS-IDLE-1"))
        }
        let tagged = try await cvconform("run", "traces", "--tag", "login", "--quiet")
        let excluded = try await cvconform("run", "traces", "--exclude-tag", "login", "--quiet")
        let all = try await cvconform("run", "traces", "--quiet")
        func passed(_ text: String) -> Int { Int(text.split(separator: "\n").last?.split(separator: " ").first ?? "") ?? -1 }
        #expect(passed(tagged.stdout) > 0)
        #expect(passed(tagged.stdout) + passed(excluded.stdout) == passed(all.stdout))
        #expect(try await cvconform("run", "traces", "--shard", "4/3").status == 2)
    }

    /// A copy of a run report with each trace passed through `change`
    /// (nil drops it).
    func rewrite(_ source: String, to target: String, _ change: (Int, JSONValue) -> JSONValue?) throws {
        let root = try readJSON(source)
        let members = try #require(root.members)
        let traces = try #require(root["traces"]?.arrayValue)
        let changed = members.map { name, value in
            name == "traces" ? (name, JSONValue.array(traces.enumerated().compactMap { change($0.offset, $0.element) })) : (name, value)
        }
        try JSONValue.object(changed).serialized().write(toFile: target, atomically: true, encoding: .utf8)
    }

    func settingVerdict(_ trace: JSONValue, _ verdict: String) -> JSONValue {
        .object((trace.members ?? []).map { $0.0 == "verdict" ? ($0.0, .string(verdict)) : $0 })
    }

    @Test("diff reports exactly one regression, and exits 1 for it")
    func diff() async throws {
        let folder = try temporaryFolder()
        _ = try await cvconform("run", "traces", "--json", folder + "/old.json")
        let traces = try reportTraces(folder + "/old.json")
        let regressed = try #require(traces[5]["id"]?.stringValue)
        try rewrite(folder + "/old.json", to: folder + "/new.json") { index, trace in index == 5 ? settingVerdict(trace, "fail") : trace }
        let result = try await cvconform("diff", folder + "/old.json", folder + "/new.json")
        #expect(result.status == 1)
        #expect(result.stdout.contains("regressions (1):\n  \(regressed): pass → fail"))
        #expect(result.stdout.hasSuffix("1 regressions, 0 fixes, 0 other changes, 0 new, 0 removed\n"))
        let back = try await cvconform("diff", folder + "/new.json", folder + "/old.json")
        #expect(back.status == 0)
        #expect(back.stdout.contains("fixes (1)"))
    }

    @Test("diff counts a trace missing from the new report as a regression, unless --allow-removed")
    func diffRemoved() async throws {
        let folder = try temporaryFolder()
        _ = try await cvconform("run", "traces/login", "--json", folder + "/old.json")
        let traces = try reportTraces(folder + "/old.json")
        try rewrite(folder + "/old.json", to: folder + "/new.json") { index, trace in index == traces.count - 1 ? nil : trace }
        let removed = try await cvconform("diff", folder + "/old.json", folder + "/new.json")
        #expect(removed.status == 1)
        #expect(removed.stdout.contains("removed traces (1)"))
        #expect(removed.stdout.hasSuffix("0 regressions, 0 fixes, 0 other changes, 0 new, 1 removed\n"))
        #expect(try await cvconform("diff", folder + "/old.json", folder + "/new.json", "--allow-removed").status == 0)
        #expect(try await cvconform("diff", folder + "/new.json", folder + "/old.json").status == 0, "a new trace is no regression")
    }

    @Test("Across shards an expectation is stale only when it matches no selected trace, not when its trace is in another shard")
    func expectationsAcrossShards() async throws {
        let folder = try temporaryFolder()
        try "login-basic  fail  one trace, in one shard\nno-such-trace  fail  stale\n".write(toFile: folder + "/known.txt", atomically: true, encoding: .utf8)
        for index in 1...3 {
            let result = try await cvconform("run", "traces/login", "--shard", "\(index)/3", "--expectations", folder + "/known.txt", "--quiet")
            #expect(!result.stdout.contains("'login-basic' matches no"), "shard \(index): \(result.stdout)")
            #expect(result.stdout.contains("known.txt:2: 'no-such-trace' matches no selected trace"), "shard \(index): \(result.stdout)")
        }
    }

    @Test("An expectations file turns a known failure into expected-fail (exit 0) and a fixed one into unexpected-pass (exit 1)")
    func expectations() async throws {
        let folder = try temporaryFolder()
        // An implementation that forgets acw-open: every login trace fails.
        let forgetful = #"sh -c "\#(cvconformBinary) serve | grep --line-buffered -v acw-open""#
        try "# known failures\nlogin-basic  fail  forgets acw-open (bug #1)\n".write(toFile: folder + "/known.txt", atomically: true, encoding: .utf8)
        let known = try await cvconform("run", "traces/login/login-basic.xml", "--exec", forgetful, "--timeout", "0.5",
                                  "--expectations", folder + "/known.txt", "--json", folder + "/known.json")
        #expect(known.status == 0, "\(known.stdout)")
        #expect(try verdicts(folder + "/known.json")["login-basic"] == "expected-fail")
        // The reason survives its '#' and is shown (RUN-24).
        #expect(known.stdout.contains("known failure (\(folder)/known.txt:2): forgets acw-open (bug #1)"), "\(known.stdout)")
        #expect(known.stdout.hasSuffix("0 passed, 0 failed, 1 skipped (1 of them expected failure)\n"), "\(known.stdout)")

        let fixed = try await cvconform("run", "traces/login/login-basic.xml", "--expectations", folder + "/known.txt",
                                  "--json", folder + "/fixed.json", "--junit", folder + "/fixed.xml")
        #expect(fixed.status == 1)
        #expect(try verdicts(folder + "/fixed.json")["login-basic"] == "unexpected-pass")
        #expect(fixed.stdout.contains("UNEXPECTED-PASS"))
        #expect(fixed.stdout.contains("passed, but \(folder)/known.txt:2 lists it as a known fail (forgets acw-open (bug #1))"))
        #expect(try String(contentsOfFile: folder + "/fixed.xml", encoding: .utf8).contains("forgets acw-open (bug #1)"))
        let allowed = try await cvconform("run", "traces/login/login-basic.xml", "--expectations", folder + "/known.txt", "--allow-unexpected-pass")
        #expect(allowed.status == 0)

        try "login-basic  maybe\n".write(toFile: folder + "/bad.txt", atomically: true, encoding: .utf8)
        let bad = try await cvconform("run", "traces/login", "--expectations", folder + "/bad.txt")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad.txt:1:"))
    }

    @Test("--fail-fast stops after the first failure; --quiet prints only failures")
    func failFast() async throws {
        let stuck = #"read l; echo '{"op":"hello","protocol":"1","roles":["icm"],"internal":true}'; while read l; do echo '{"op":"ready"}'; done"#
        let result = try await cvconform("run", "traces/login", "--exec", stuck, "--timeout", "0.2", "--fail-fast", "--quiet")
        #expect(result.status == 1)
        #expect(result.stdout.contains("stopped early (--fail-fast)"))
        #expect(!result.stdout.contains("PASS "))
    }

    @Test("No colour and no progress line when standard output is not a terminal")
    func plainOutput() async throws {
        let result = try await cvconform("run", "traces/login")
        #expect(!result.stdout.contains("\u{1B}["))
        #expect(!result.stdout.contains("\r"))
    }
}

@Suite("HTML report, end to end", .tags(.endToEnd))
struct HTMLReportTests {
    @Test("Self-contained: failures by clause, a card and chart per failure only, the log, the coverage matrix")
    func structure() async throws {
        let folder = try temporaryFolder()
        let forgetful = #"sh -c "\#(cvconformBinary) serve | grep --line-buffered -v acw-close; echo 'stderr line' >&2""#
        let result = try await cvconform("run", "traces/login/login-basic.xml", "traces/logout/logout-phone.xml",
                                   "--exec", forgetful, "--timeout", "0.3", "--html", folder + "/report.html")
        #expect(result.status == 1)
        #expect(result.stdout.contains("failures by clause"))
        #expect(result.stdout.contains("  ICM-PHONE-LOGOUT-1 (1 trace): "))
        let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<section id=\"by-clause\">"))
        #expect(html.contains("<h3>First divergence</h3>"))
        #expect(html.contains("class=\"msg expected\""))
        #expect(html.contains("expected: acw-close 1001"))
        #expect(html.contains("<table class=\"coverage\">"))
        #expect(html.contains(">ICM-PHONE-LOGOUT-1<"))
        #expect(html.contains("<details id=\"t1\" class=\"trace fail\" open>"))
        #expect(!html.contains("<details id=\"t0\""), "a passing trace gets a row, not a card")
        #expect(html.contains("<tr id=\"r0\" class=\"pass\">"))
        // Nothing is fetched from the network: no external scripts, styles or images.
        for pattern in ["<script src", "<link ", "src=\"http", "href=\"http", "@import", "url(http"] {
            #expect(!html.contains(pattern), "\(pattern)")
        }
    }
}

@Suite("diff compares like with like", .tags(.endToEnd))
struct DiffKindTests {
    @Test("A run report against a validate report is a usage error")
    func mixedKinds() async throws {
        let folder = try temporaryFolder()
        _ = try await cvconform("run", "traces/login", "--json", folder + "/run.json")
        _ = try await cvconform("validate", "traces/login", "--json", folder + "/validate.json")
        let result = try await cvconform("diff", folder + "/run.json", folder + "/validate.json")
        #expect(result.status == 2)
        #expect(result.stderr.contains("compare like with like"))
    }
}
