import Testing
@testable import CVConformHarness
@testable import CVConformLoad
@testable import CVConformReports

@Suite("Load report: what the figures measure")
struct LoadReportTests {
    @Test("When cells stopped at a violation, the summary says the figures are the healthy cells'")
    func healthyCells() {
        var result = LoadResult(implementation: "x", cells: 50, seed: 1)
        result.duration = 2
        result.messages = 1000
        #expect(!LoadReport.lines(result).contains { $0.contains("healthy") })
        result.violations = (1...49).map { LoadViolation(cell: $0, detail: "d", explanation: [], window: [], at: 0.1) }
        #expect(LoadReport.lines(result).contains("49 of 50 cells stopped at a violation: the figures above and below are mostly the 1 healthy cells'"))
        // Not "the 0 healthy cells'".
        result.violations = (1...50).map { LoadViolation(cell: $0, detail: "d", explanation: [], window: [], at: 0.1) }
        #expect(LoadReport.lines(result).contains("every cell stopped at a violation: the figures above and below are of the steps before"))
        #expect(!LoadReport.lines(result).contains { $0.contains("healthy") })
    }

    @Test("The summary and the JSON say how many jobs judged the cells")
    func jobsReported() {
        var result = LoadResult(implementation: "x", cells: 50, seed: 1)
        result.duration = 2
        result.messages = 1000
        result.jobs = 2
        #expect(LoadReport.lines(result).contains("50 cells, 2.00 s: 0 stimuli, 1000 messages, 500 messages/s (closed loop, judged in 2 jobs)"))
        result.jobs = 1
        #expect(LoadReport.lines(result).contains { $0.hasSuffix("(closed loop, judged in 1 job)") })
        #expect(LoadReport.json(result).serialized().contains("\"jobs\":1"))
        #expect(LoadReport.html(result).contains("seed 1, judged in 1 job</p>"))
    }

    @Test("A lone latency spike clips the scale, and the plot says so; ordinary values keep the whole scale")
    func clippedScale() {
        let spike = LoadReport.plot(title: "latency", x: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
                                    series: [("p99", "red", [115, 2, 2.1, 1.9, 2, 2.2, 2, 2, 1.8, 2])], unit: "ms")
        #expect(spike.contains("scale clipped at"))
        #expect(spike.contains("the highest value is 115 ms"))
        let even = LoadReport.plot(title: "latency", x: [0, 1, 2], series: [("p99", "red", [2, 3, 2.5])], unit: "ms")
        #expect(!even.contains("clipped"))
    }
}
