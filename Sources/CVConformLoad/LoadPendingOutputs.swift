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
    /// now, with what the steps it started after send, and how many those
    /// were (see `startSteps`).
    case observed(cell: Int, micros: UInt64, sending: [Message], stimuli: Int)
    indirect case violated(cell: Int, ReplayStop)
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
        into outcomes: inout [(output: Message, outcome: LoadOutcome)]
    ) {
        for item in outputs.indices where outputs[item].cell == cell && !done[item] {
            outcomes.append((outputs[item].output, state.judge(outputs[item].output, cell: cell, context, risks: &risks)))
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
