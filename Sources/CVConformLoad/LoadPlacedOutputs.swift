import CVConformCells
import CVConformModel
import CVConformTrace

/// Outputs of one receive, placed in their cells one by one in the order
/// they came, waiting to be judged cell by cell (see `LoadDriver.judge`).
/// Cells are independent, so judging each cell's outputs in their order
/// judges exactly as one output at a time would. One thing can depend on
/// a cell's state: a placement that asks whether the cell still holds a
/// session. Then the cell's waiting outputs are judged first, so the
/// placement sees the cell as it would have.
struct LoadPlacedOutputs: SessionHolding {
    /// The driver's, lent while placing (`exchange`).
    private var cells = LoadCellGroups([], groupCount: 1)
    private var risks = SituationRisks()
    private var pending = LoadPendingOutputs()
    /// Outcomes decided while placing: outputs that name no one cell, and
    /// a cell's outputs judged early for a placement that asked about it
    /// (each before the cell's outputs still waiting).
    private var decided = LoadOutcomes()
    let context: LoadStepContext

    init(context: LoadStepContext) {
        self.context = context
    }

    /// Swaps the driver's cells and what it learnt of risky situations with
    /// these: lent while placing, given back to judge.
    mutating func exchange(cells: inout LoadCellGroups, risks: inout SituationRisks) {
        swap(&self.cells, &cells)
        swap(&self.risks, &risks)
    }

    mutating func add(_ output: Message, cell: Int) {
        pending.append(output, cell: cell)
    }

    /// An output that names no one cell.
    mutating func decideUnplaced(_ output: Message, _ violation: LoadViolation) {
        decided.appendUnplaced(output, violation)
    }

    /// Asked by the placement: the cell's waiting outputs are judged first.
    mutating func holds(session: String, inCell cell: Int) -> Bool {
        if pending.hasOutputs(cell: cell) {
            pending.judgeEarly(cell: cell, in: &cells[cell], context, risks: &risks, into: &decided)
        }
        return cells[cell].holdsInPlace(session: session)
    }

    /// What is decided and what waits, handed over, leaving this empty.
    mutating func take() -> (decided: LoadOutcomes, pending: LoadPendingOutputs) {
        var taken = LoadPendingOutputs()
        swap(&taken, &pending)
        var outcomes = LoadOutcomes()
        swap(&outcomes, &decided)
        return (outcomes, taken)
    }
}
