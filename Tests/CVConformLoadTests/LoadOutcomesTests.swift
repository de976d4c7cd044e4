import CVConformCells
import CVConformHarness
import CVConformModel
import CVConformWire
import CVConformTrace
import Testing
@testable import CVConformLoad

@Suite("load's outcomes: what each output's cell sends, in one list")
struct LoadOutcomesTests {
    /// One cell of a load run against the whole reference system, with a
    /// step context that never runs out, and the system to answer it.
    static func oneCell(seed: UInt64) -> (LoadCellState, LoadStepContext, ReferenceSystem) {
        var random = SeededRandom(seed: seed)
        let generated = LoadCells.make(count: 1, random: &random).cells[0]
        let cell = LoadCellState(number: 1, generated: generated, profile: .core, random: random.split())
        let greeting = Greeting(implementation: "reference", roles: Set(Role.systemRoles), reportsInternal: true)
        let context = LoadStepContext(greeting: greeting, rate: nil, deadline: .now + .seconds(3600), stop: StopRequest(), now: .now)
        return (cell, context, ReferenceSystem(administration: generated.administration))
    }

    /// A cell's steps judged through `LoadOutcomes` against the reference
    /// system's outputs: each outcome names exactly what its cell sent
    /// after it, after the outcomes before it, and outcomes emptied for
    /// the next round start again.
    @Test("Each outcome names its part of the list, in order; emptied, the list starts again")
    func outcomesNameTheirMessages() {
        var (cell, context, system) = Self.oneCell(seed: 5)
        var risks = SituationRisks()
        var sending: [Message] = []
        #expect(cell.startSteps(context, risks: &risks, sending: &sending) > 0)
        var outcomes = LoadOutcomes()
        var rounds = 0
        while rounds < 20 {
            // What the cell sent, through the reference: its outputs. Every
            // other round adds to the last round's outcomes.
            let outputs = sending.flatMap { system.propagate($0).emissions.map(\.message) }
            let (firstItem, firstSent) = (outcomes.items.count, outcomes.sent.count)
            for output in outputs { outcomes.judge(output, cell: 0, in: &cell, context, risks: &risks) }
            var next = firstSent
            for (_, outcome) in outcomes.items[firstItem...] {
                guard case .observed(_, _, let sent, _) = outcome else {
                    Issue.record("round \(rounds): \(outcome)")
                    return
                }
                #expect(sent.lowerBound == next, "round \(rounds)")
                next = sent.upperBound
            }
            #expect(next == outcomes.sent.count)
            // The last output settled the step, and the cell began the next.
            if case .observed(_, _, let sent, let stimuli) = outcomes.items.last?.outcome {
                #expect(!sent.isEmpty && stimuli > 0)
            }
            sending = Array(outcomes.sent[firstSent...])
            if rounds % 2 == 1 {
                outcomes.removeAll()
                #expect(outcomes.isEmpty && outcomes.sent.isEmpty)
            }
            rounds += 1
        }
    }

    @Test("A cell's state stays bounded however long it runs (LOAD-20): it never holds more than 32 sessions")
    func heldSessionsBounded() {
        var (cell, context, system) = Self.oneCell(seed: 7)
        var risks = SituationRisks()
        var sending: [Message] = []
        _ = cell.startSteps(context, risks: &risks, sending: &sending)
        var outcomes = LoadOutcomes()
        var most = 0
        var rounds = 0
        while rounds < 4000 {
            // A cell with nothing owed starts its next step when asked.
            if sending.isEmpty { _ = cell.startSteps(context, risks: &risks, sending: &sending) }
            guard !sending.isEmpty else { break }
            let outputs = sending.flatMap { system.propagate($0).emissions.map(\.message) }
            outcomes.removeAll()
            for output in outputs { outcomes.judge(output, cell: 0, in: &cell, context, risks: &risks) }
            sending = outcomes.sent
            most = max(most, system.icm.sessionCount)
            rounds += 1
        }
        #expect(rounds >= 1000, "the cell stopped after \(rounds) rounds")
        #expect(most > 8, "the run never queued sessions: \(most)")
        #expect(most <= 32, "\(most) sessions held")
    }
}
