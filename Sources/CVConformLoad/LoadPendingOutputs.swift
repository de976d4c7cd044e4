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

/// Outputs placed in their cells, not judged yet: per cell, a chain of
/// them in the order they came.
struct LoadPendingOutputs: Sendable {
    private var outputs: [Message] = []
    /// Per output, the next of its cell (-1: none).
    private var next: [Int] = []
    /// Per cell, its first and last output waiting (-1: none).
    private var first: [Int]
    private var last: [Int]

    init(cellCount: Int) {
        first = Array(repeating: -1, count: cellCount)
        last = first
    }

    /// Outputs waiting, counting those of cells judged early.
    var count: Int { outputs.count }
    var cellCount: Int { first.count }

    mutating func append(_ output: Message, cell: Int) {
        let item = outputs.count
        outputs.append(output)
        next.append(-1)
        if last[cell] >= 0 { next[last[cell]] = item } else { first[cell] = item }
        last[cell] = item
    }

    func hasOutputs(cell: Int) -> Bool { first[cell] >= 0 }

    /// Judges the cell's waiting outputs in order, adding what each did to
    /// `outcomes`.
    func judge(
        cell: Int, in state: inout LoadCellState, _ context: LoadStepContext, risks: inout SituationRisks,
        into outcomes: inout [(output: Message, outcome: LoadOutcome)]
    ) {
        var item = first[cell]
        while item >= 0 {
            outcomes.append((outputs[item], state.judge(outputs[item], cell: cell, context, risks: &risks)))
            item = next[item]
        }
    }

    /// Takes the cell's outputs off the list (once judged).
    mutating func forget(cell: Int) {
        first[cell] = -1
        last[cell] = -1
    }
}
