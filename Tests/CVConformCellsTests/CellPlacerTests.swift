import CVConformTestSupport
import CVConformTrace
import Testing
@testable import CVConformCells
@testable import CVConformModel

/// Cells that hold every session they are asked about.
private struct HoldingEverything: SessionHolding {
    var asked = 0
    mutating func holds(session: String, inCell cell: Int) -> Bool {
        asked += 1
        return true
    }
}

@Suite("CellPlacer: what a cell allowed teaches the placement")
struct CellPlacerTests {
    @Test("A session-request or launch teaches its session's cell once; learns(from:in:) says when it would")
    func learnsNewSessionsOnly() throws {
        var placer = CellPlacer(partition: try twoCells())
        var models = HoldingEverything()
        let request = Message(from: .customer, to: .icm, type: .sessionRequest,
                              parameters: ["session": "s1", "media": "realtime", "vdn": "5002"])
        let dropped = Message(from: .cvct, to: .icm, type: .dropped, parameters: ["session": "s1"])
        #expect(placer.learns(from: request, in: 1))
        #expect(placer.place(dropped, models: &models) != .cell(1))
        placer.learn(from: request, in: 1)
        #expect(!placer.learns(from: request, in: 1))
        #expect(placer.learns(from: request, in: 0), "another cell for a known session is news")
        #expect(placer.place(dropped, models: &models) == .cell(1))
        #expect(!placer.learns(from: dropped, in: 1), "only a session-request or launch teaches")
        let launch = Message(from: .icm, to: .ecs, type: .launch, parameters: ["session": "s2", "vdn": "5001", "media": "messaging"])
        #expect(placer.learns(from: launch, in: 0))
        // One undivided cell: nothing to learn.
        let whole = CellPlacer(partition: CellPartition(whole: twoCellSetup))
        #expect(!whole.learns(from: request, in: 0))
    }

    @Test("learn never sweeps; sweepIfNeeded does once enough sessions were learnt, as allowed does")
    func sweepsOnlyWhenAsked() throws {
        var learning = CellPlacer(partition: try twoCells(), minimumSessionSweep: 2)
        var allowing = learning
        var models = HoldingEverything()
        for number in 1...3 {
            let request = Message(from: .customer, to: .icm, type: .sessionRequest,
                                  parameters: ["session": "s\(number)", "media": "realtime", "vdn": "5001"])
            learning.learn(from: request, in: 0)
            allowing.allowed(request, in: 0, models: &models)
        }
        #expect(models.asked == 3, "allowed swept the three sessions once the map passed two")
        models.asked = 0
        learning.sweepIfNeeded(models: &models)
        #expect(models.asked == 3)
        #expect(learning.sessionsRemembered == allowing.sessionsRemembered)
    }
}
