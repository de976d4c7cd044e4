import CVConformJSON
@testable import CVConformReports
import Testing

/// A run report as a shard writes it.
func runReport(_ path: String, shard: String?, _ traces: [(id: String, verdict: String)], words: [String] = ["pass", "fail", "error", "skip"]) throws -> ReportFile {
    var root: [(String, JSONValue)] = [("implementation", .string("impl"))]
    if let shard { root.append(("shard", .string(shard))) }
    root.append(("summary", .object(words.map { ($0, .integer(0)) })))
    root.append(("traces", .array(traces.map { trace in
        .object([("id", .string(trace.id)), ("file", .string("traces/\(trace.id).xml")), ("verdict", .string(trace.verdict)),
                 ("detail", .string("")), ("clause", .null), ("duration", .number(JSONNumber(seconds: .milliseconds(5))))])
    })))
    return try ReportFile(bytes: Array(JSONValue.object(root).serialized().utf8), path: path)
}

@Suite("merge: the shards of one run, complete and distinct")
struct ReportMergeTests {
    @Test("A complete set merges into one report: traces in file order, the summary recounted, every field kept")
    func complete() throws {
        let merged = try ReportMerge.merge([
            try runReport("s2.json", shard: "2/2", [("b", "fail"), ("d", "pass")]),
            try runReport("s1.json", shard: "1/2", [("c", "pass"), ("a", "error")]),
        ])
        #expect(merged.members?.map(\.0) == ["implementation", "summary", "traces"])
        #expect(merged["traces"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["a", "b", "c", "d"])
        #expect(merged["summary"] == .object([("pass", .integer(2)), ("fail", .integer(1)), ("error", .integer(1)), ("skip", .integer(0))]))
        #expect(merged["traces"]?.arrayValue?.first?.members?.map(\.0) == ["id", "file", "verdict", "detail", "clause", "duration"])
    }

    @Test("A missing shard is refused and named; --allow-incomplete merges and lists it")
    func incomplete() throws {
        let reports = [try runReport("s1.json", shard: "1/3", [("a", "pass")]), try runReport("s3.json", shard: "3/3", [("c", "pass")])]
        #expect(throws: ReportError.self) { try ReportMerge.merge(reports) }
        do { _ = try ReportMerge.merge(reports) } catch {
            #expect(error.description.contains("shard 2/3 is missing"), "\(error)")
        }
        let merged = try ReportMerge.merge(reports, allowIncomplete: true)
        #expect(merged["missing_shards"] == .array([.string("2/3")]))
    }

    @Test("Overlaps are refused even with --allow-incomplete: a shard twice, a trace in two reports, mixed splits, a whole run among shards")
    func overlaps() throws {
        let cases: [([ReportFile], String)] = [
            ([try runReport("a.json", shard: "1/2", [("a", "pass")]), try runReport("b.json", shard: "1/2", [("b", "pass")])], "shard 1/2 is given twice"),
            ([try runReport("a.json", shard: nil, [("a", "pass")]), try runReport("b.json", shard: nil, [("a", "fail")])], "is in a.json and in b.json"),
            ([try runReport("a.json", shard: "1/2", [("a", "pass")]), try runReport("b.json", shard: "2/3", [("b", "pass")])], "not shards of one split"),
            ([try runReport("a.json", shard: nil, [("a", "pass")]), try runReport("b.json", shard: "2/2", [("b", "pass")])], "whole run"),
        ]
        for (reports, reason) in cases {
            do {
                _ = try ReportMerge.merge(reports, allowIncomplete: true)
                Issue.record("merged: \(reason)")
            } catch {
                #expect(error.description.contains(reason), "\(error)")
            }
        }
    }

    @Test("Expectation words stay in the summary when any shard counted them")
    func expectationWords() throws {
        let words = ["pass", "fail", "error", "skip", "expected-fail", "unexpected-pass"]
        let merged = try ReportMerge.merge([try runReport("a.json", shard: nil, [("a", "pass")], words: words)])
        #expect(merged["summary"]?.members?.map(\.0) == words)
    }

    @Test("A file that is not a report is refused with its name and where it breaks")
    func notAReport() {
        #expect(throws: ReportError.self) { try ReportFile(bytes: Array("{\"traces\": [1,]}".utf8), path: "x.json") }
        do { _ = try ReportFile(bytes: Array("{\"traces\": [1,]}".utf8), path: "x.json") } catch {
            #expect(error.description.hasPrefix("x.json is not JSON (at byte 14"), "\(error)")
        }
        do { _ = try ReportFile(bytes: Array("{}".utf8), path: "y.json") } catch {
            #expect(error.description.contains("no \"traces\" list"))
        }
    }
}

@Suite("diff: regressions, fixes, removed traces")
struct ReportDiffTests {
    @Test("Each change lands in its class")
    func classification() throws {
        let old = try runReport("old.json", shard: nil, [("p2f", "pass"), ("f2p", "fail"), ("e2f", "error"), ("p2u", "expected-fail"),
                                                        ("same", "pass"), ("gone", "pass"), ("x2u", "fail")])
        let new = try runReport("new.json", shard: nil, [("p2f", "fail"), ("f2p", "pass"), ("e2f", "fail"), ("p2u", "pass"),
                                                        ("same", "pass"), ("added", "pass"), ("x2u", "unexpected-pass")])
        let diff = ReportDiff(old: old, new: new)
        #expect(diff.regressions.map(\.id) == ["p2f"])
        #expect(diff.fixes.map(\.id) == ["f2p", "p2u", "x2u"])
        #expect(diff.otherChanges.map(\.id) == ["e2f"])
        #expect(diff.added.map(\.id) == ["added"])
        #expect(diff.removed.map(\.id) == ["gone"])
        #expect(diff.isRegression)
        #expect(diff.lines.last == "1 regressions, 3 fixes, 1 other changes, 1 new, 1 removed")
    }

    @Test("A trace that passed and now fails as the expectations say is a regression, unless --allow-expected")
    func expectedFailureIsARegression() throws {
        let old = try runReport("old.json", shard: nil, [("a", "pass"), ("b", "pass")])
        let new = try runReport("new.json", shard: nil, [("a", "expected-fail"), ("b", "unexpected-pass")],
                                words: ["pass", "fail", "error", "skip", "expected-fail", "unexpected-pass"])
        let diff = ReportDiff(old: old, new: new)
        #expect(diff.regressions.map(\.id) == ["a"])
        #expect(diff.isRegression)
        #expect(diff.lines.contains { $0.contains("a: pass → expected-fail") && $0.contains("--allow-expected") })
        let allowed = ReportDiff(old: old, new: new, allowExpected: true)
        #expect(allowed.regressions.isEmpty && !allowed.isRegression)
    }

    @Test("A shard's report against a whole run's is compared within the shard: the other shards' traces are not 'removed'")
    func shardAgainstWhole() throws {
        let ids = (1...30).map { "t\($0)" }
        let whole = try runReport("all.json", shard: nil, ids.map { ($0, "pass") })
        let shard = try #require(Shard("1/3"))
        let part = try runReport("s1.json", shard: "1/3", ids.filter { shard.admits($0) }.map { ($0, "pass") })
        let diff = ReportDiff(old: whole, new: part)
        #expect(diff.removed.isEmpty && !diff.isRegression)
        #expect(diff.lines.first == "compared within shard 1/3: the traces of the other shards are left out")
    }

    @Test("A removed trace alone is a regression unless allowed")
    func removed() throws {
        let old = try runReport("old.json", shard: nil, [("a", "pass"), ("b", "pass")])
        let new = try runReport("new.json", shard: nil, [("a", "pass")])
        #expect(ReportDiff(old: old, new: new).isRegression)
        #expect(!ReportDiff(old: old, new: new, allowRemoved: true).isRegression)
        #expect(!ReportDiff(old: new, new: old).isRegression, "an added trace is not")
    }
}
