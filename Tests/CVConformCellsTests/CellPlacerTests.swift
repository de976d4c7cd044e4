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

/// Cells that hold only the sessions listed.
private struct HoldingSome: SessionHolding {
    var held: Set<String>
    mutating func holds(session: String, inCell cell: Int) -> Bool { held.contains(session) }
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

    @Test("Placing by the session and the named cell alone agrees with placing the whole message, wherever it answers")
    func placesWithoutTheMessage() throws {
        let partition = try twoCells()
        var placer = CellPlacer(partition: partition)
        for (session, vdn, cell) in [("s1", "5002", 1), ("s2", "5001", 0)] {
            placer.learn(from: Message(from: .customer, to: .icm, type: .sessionRequest,
                                       parameters: ["session": session, "media": "realtime", "vdn": vdn]), in: cell)
        }
        func named(_ message: Message) -> NamedCell {
            var named = NamedCell.none
            for parameter in message.parameters where CellPartition.namesID(parameter.name) {
                named.add(partition.cellIndex(ofID: parameter.value))
            }
            return named
        }
        let cases: [(Message, held: Set<String>, quick: Int?)] = [
            (Message(from: .cvct, to: .icm, type: .dropped, parameters: ["session": "s1"]), ["s1"], 1),
            // Its cell no longer holds the session: the message is needed to say it belongs nowhere.
            (Message(from: .cvct, to: .icm, type: .dropped, parameters: ["session": "s1"]), [], nil),
            (Message(from: .cvct, to: .icm, type: .answered, parameters: ["session": "s1", "extension": "4002"]), ["s1"], 1),
            (Message(from: .cvct, to: .icm, type: .answered, parameters: ["session": "s1", "extension": "4001"]), ["s1"], nil),
            (Message(from: .cvct, to: .icm, type: .answered, parameters: ["session": "s9", "extension": "4001"]), [], 0),
            (Message(from: .cvct, to: .icm, type: .dropped, parameters: ["session": "s9"]), [], nil),
            (Message(from: .browser, to: .icm, type: .logout, parameters: ["agent": "2001"]), [], 1),
            // Ids of two cells.
            (Message(from: .browser, to: .icm, type: .login, parameters: ["agent": "2001", "extension": "4001"]), [], nil),
        ]
        for (message, held, quick) in cases {
            var models = HoldingSome(held: held)
            let found = placer.quickCell(session: message.parameters[.session], named: named(message), models: &models)
            #expect(found == quick, "\(message)")
            // From the same learnt sessions each time (a placement forgets
            // a session its cell no longer holds).
            var wholly = placer
            let whole = wholly.place(message, named: named(message), models: &models)
            if let found { #expect(whole == .cell(found), "\(message)") }
        }
        // Undivided: always the one cell.
        let whole = CellPlacer(partition: CellPartition(whole: twoCellSetup))
        var models = HoldingSome(held: [])
        #expect(whole.quickCell(session: "s1", named: NamedCell.none, models: &models) == 0)
        #expect(whole.quickCell(session: nil, named: nil, models: &models) == 0)
        // Divided, the named cell is needed.
        #expect(placer.quickCell(session: "s1", named: nil, models: &models) == nil)
    }
}
