import CVConformHarness
import CVConformModel
import CVConformTrace

/// What judging one output did, kept until the driver applies it: the
/// outputs of a receive are judged cell by cell, on several cores, and
/// what each caused (the log, the placement's sessions, the counts, the
/// violations) is applied afterwards, each cell's in the order they came.
enum LoadOutcome: Sendable {
    /// It names no one cell. (Indirect, as is `violated`: rare, and large
    /// inline, they made every outcome five times the size.)
    indirect case unplaced(LoadViolation)
    /// Its cell took it: its latency in microseconds, what the cell sends
    /// now, with what the steps it started after send (where they are in
    /// `LoadOutcomes.sent`), and how many those steps were (see
    /// `startSteps`).
    case observed(cell: Int, micros: UInt64, sent: Range<Int>, stimuli: Int)
    indirect case violated(cell: Int, ReplayStop)
}

/// Outcomes in the order they were decided, and what their cells send now
/// in one list, each outcome naming its part: a list of its own for each
/// outcome was a tenth of load's allocations (BENCHMARKS.md, "Why the code
/// is as it is"). Emptied and used again (`removeAll`), so its lists are
/// allocated once.
struct LoadOutcomes: Sendable {
    private(set) var items: [(output: Message, outcome: LoadOutcome)] = []
    /// The messages the outcomes' cells send, each outcome's in its range.
    private(set) var sent: [Message] = []

    var isEmpty: Bool { items.isEmpty }
    /// Whether its lists have storage to use again.
    var hasStorage: Bool { items.capacity > 0 }

    /// An output that names no one cell: an outcome without messages sent
    /// (one that has some is made by `judge`, which places them).
    mutating func appendUnplaced(_ output: Message, _ violation: LoadViolation) {
        items.append((output, .unplaced(violation)))
    }

    /// Judges an output in its cell, adding what it did.
    mutating func judge(
        _ output: Message, cell: Int, in state: inout LoadCellState, _ context: LoadStepContext, risks: inout SituationRisks
    ) {
        items.append((output, state.judge(output, cell: cell, context, risks: &risks, sending: &sent)))
    }

    /// Empty, keeping its lists' storage.
    mutating func removeAll() {
        items.removeAll(keepingCapacity: true)
        sent.removeAll(keepingCapacity: true)
    }
}

/// Outputs placed in their cells, not judged yet, in the order they came.
/// Nothing in it is per cell, so a receive costs what its outputs do
/// however many cells there are.
struct LoadPendingOutputs: Sendable {
    private var outputs: [(cell: Int, output: Message)] = []
    /// Outputs of the cells judged early (`judgeEarly`) are done.
    private var done: [Bool] = []
    private var doneCount = 0

    /// Outputs waiting.
    var count: Int { outputs.count - doneCount }

    mutating func append(_ output: Message, cell: Int) {
        outputs.append((cell, output))
        done.append(false)
    }

    /// Whether the cell has outputs waiting.
    func hasOutputs(cell: Int) -> Bool {
        outputs.indices.contains { outputs[$0].cell == cell && !done[$0] }
    }

    /// Judges the cell's waiting outputs in order, adding what each did to
    /// `outcomes`, and takes them off the list.
    mutating func judgeEarly(
        cell: Int, in state: inout LoadCellState, _ context: LoadStepContext, risks: inout SituationRisks,
        into outcomes: inout LoadOutcomes
    ) {
        for item in outputs.indices where outputs[item].cell == cell && !done[item] {
            outcomes.judge(outputs[item].output, cell: cell, in: &state, context, risks: &risks)
            done[item] = true
            doneCount += 1
        }
    }

    /// The waiting outputs by cell, each cell's in the order they came.
    func byCell() -> [(cell: Int, output: Message)] {
        var waiting: [(cell: Int, output: Message)] = []
        waiting.reserveCapacity(count)
        for item in outputs.indices where !done[item] { waiting.append(outputs[item]) }
        // A stable sort: equal cells keep their order.
        return waiting.enumerated().sorted { ($0.element.cell, $0.offset) < ($1.element.cell, $1.offset) }.map(\.element)
    }
}
