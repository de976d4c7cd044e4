import CVConformModel
import CVConformTrace

/// Judges messages cell by cell (contract section 7, as `load` and
/// `check-log` judge): one `Monitor` per cell, each seeing only the messages
/// of its cell, in the order observed. On each channel the messages of one
/// cell keep the model's order; messages of different cells may come in any
/// order. Without cells (`CellPartition(whole:)`) it is one monitor, and
/// judges exactly as `validate` does.
///
/// A cell that has rejected a message judges no more: its model no longer
/// follows the system, so every later verdict would be noise. Other cells
/// go on.
public struct CellJudge: Sendable {
    public var partition: CellPartition { placer.partition }
    public private(set) var monitors: [Monitor]
    /// Each cell's first rejection (nil while it has rejected nothing).
    public private(set) var rejections: [Rejection?]
    /// Whether each cell has rejected a message: asked for every message,
    /// and `rejections[cell] == nil` copied the optional rejection out.
    private var hasRejected: [Bool]
    private var placer: CellPlacer
    /// Messages observed, for positions when the caller gives none.
    public private(set) var observed = 0
    /// The reaction every monitor makes its next one in (see
    /// `Monitor.observe(_:keepingReaction:scratch:)`).
    private var scratch = Reaction()
    /// With races (contract section 8): one race judge per cell, in place
    /// of the monitors' literal order; empty otherwise.
    public private(set) var raceJudges: [RaceJudge] = []

    public init(partition: CellPartition, minimumSessionSweep: Int = 2048) {
        monitors = partition.cells.map { Monitor(administration: $0.administration) }
        rejections = Array(repeating: nil, count: partition.cells.count)
        hasRejected = Array(repeating: false, count: partition.cells.count)
        placer = CellPlacer(partition: partition, minimumSessionSweep: minimumSessionSweep)
    }

    /// Judges each cell by the asynchronous semantics: stimuli are sent
    /// when their line comes, outputs are judged by every interleaving the
    /// model allows (`check-log` of `"observed":"external"` segments). The
    /// set of states stays per cell, never a product of cells.
    public init(partition: CellPartition, races semantics: AsyncSemantics, maxStates: Int = RaceJudge.defaultMaxStates) {
        self.init(partition: partition)
        raceJudges = partition.cells.map { RaceJudge(administration: $0.administration, semantics: semantics, maxStates: maxStates) }
    }

    public var judgesRaces: Bool { !raceJudges.isEmpty }

    /// Why a cell's judge gave up (`--max-states`), the first such cell.
    public var inconclusive: (cell: Int, reason: String)? {
        for (index, judge) in raceJudges.enumerated() {
            if let reason = judge.inconclusiveReason { return (index, reason) }
        }
        return nil
    }

    /// Judges the whole administration as one cell.
    public init(administration: Administration) {
        self.init(partition: CellPartition(whole: administration))
    }

    /// Observes the next message. `position` is what a rejection reports as
    /// the message's place (a log's line number); by default the count of
    /// messages observed, 1-based. Without `keepingReaction` an allowed
    /// message comes back without its reaction (see `Monitor.observe`).
    /// `named`, when given, is the cell its ids other than the session
    /// name (see `NamedCell`); it places the message as the ids would.
    public mutating func observe(
        _ message: Message, at position: Int? = nil, keepingReaction: Bool = true, named: NamedCell? = nil
    ) -> CellJudgement {
        let input = ObservedMessage(message)
        return observe(input, at: position, keepingReaction: keepingReaction, named: named).judgement
    }

    /// The same for a message made only where it must be (see
    /// `ObservedMessage`); gives back the message judged, made or owed.
    public mutating func observe(
        _ input: ObservedMessage, at position: Int? = nil, keepingReaction: Bool = true, named: NamedCell? = nil
    ) -> (judgement: CellJudgement, message: Message) {
        observed += 1
        if !judgesRaces, let cell = placer.quickCell(session: input.session, named: named, models: &monitors) {
            guard !hasRejected[cell] else { return (.afterRejection(cell: cell), input.make()) }
            return observe(input, in: cell, at: position ?? observed, keepingReaction: keepingReaction)
        }
        let message = input.make()
        let cell: Int
        switch place(message, named: named) {
        case .unplaced(let violation): return (.unplaced(violation), message)
        case .cell(let index): cell = index
        }
        guard !hasRejected[cell] else { return (.afterRejection(cell: cell), message) }
        if judgesRaces { return (observeRacing(message, cell: cell, position: position ?? observed), message) }
        return observe(ObservedMessage(message), in: cell, at: position ?? observed, keepingReaction: keepingReaction)
    }

    /// Judges a message in its cell's monitor.
    private mutating func observe(
        _ input: ObservedMessage, in cell: Int, at position: Int, keepingReaction: Bool
    ) -> (judgement: CellJudgement, message: Message) {
        let (judgement, message) = monitors[cell].observe(input, keepingReaction: keepingReaction, scratch: &scratch)
        switch judgement {
        case .rejected(var rejection):
            rejection.position = position
            rejections[cell] = rejection
            hasRejected[cell] = true
            return (.rejected(cell: cell, rejection), message)
        case .allowed(let reaction):
            placer.allowed(message, in: cell, models: &monitors)
            return (.allowed(cell: cell, reaction), message)
        }
    }

    private mutating func observeRacing(_ message: Message, cell: Int, position: Int) -> CellJudgement {
        let semantics = raceJudges[cell].semantics
        if !semantics.observes(message.channel) {
            // A stimulus (or a message no role here takes): it is sent now.
            raceJudges[cell].send(message)
        } else if case .rejected(let race) = raceJudges[cell].observe(message) {
            var rejection = Rejection(
                position: position, message: message, owedOnChannel: race.allowed.compactMap(\.message),
                clause: race.clause, roleState: "\(race.stateCount) states consistent with the lines before"
            )
            rejection.race = race
            rejections[cell] = rejection
            hasRejected[cell] = true
            return .rejected(cell: cell, rejection)
        }
        var judges = RaceJudgeCells(raceJudges)
        placer.allowed(message, in: cell, models: &judges)
        return .allowed(cell: cell, nil)
    }

    /// The cell a message belongs to, without observing it (see
    /// `CellPlacer.place`).
    public mutating func place(_ message: Message, named: NamedCell? = nil) -> CellPlacement {
        if judgesRaces {
            var judges = RaceJudgeCells(raceJudges)
            return placer.place(message, named: named, models: &judges)
        }
        return placer.place(message, named: named, models: &monitors)
    }

    /// True when no cell owes anything.
    public var isQuiescent: Bool {
        judgesRaces ? raceJudges.allSatisfy(\.canEndWell) : monitors.allSatisfy(\.isQuiescent)
    }

    /// Whether one cell owes nothing (with races: some interleaving of it
    /// owes nothing).
    public func isQuiescent(cell: Int) -> Bool {
        judgesRaces ? raceJudges[cell].canEndWell : monitors[cell].isQuiescent
    }

    /// The clauses a cell applied (with races: some interleaving
    /// consistent with its lines applied).
    public func clausesApplied(cell: Int) -> [Clause] {
        judgesRaces ? raceJudges[cell].clausesApplied : monitors[cell].clausesApplied
    }

    /// What each cell still owes (cells owing nothing left out), oldest
    /// first per channel.
    public var owedByCell: [(cell: Int, owed: [Emission])] {
        monitors.indices.compactMap { index in
            if judgesRaces { return raceJudges[index].canEndWell ? nil : (index, raceJudges[index].leastOwed) }
            return monitors[index].isQuiescent ? nil : (index, monitors[index].owedEmissions)
        }
    }

    /// Sessions whose cell is remembered (bounded: see `SessionCells`).
    public var sessionsRemembered: Int { placer.sessionsRemembered }
}

/// How a `CellJudge` judged one message.
public enum CellJudgement: Hashable, Sendable {
    /// Allowed in its cell (index), with what its receiver did (nil when
    /// the receiver is no system role, or the reaction was not kept).
    case allowed(cell: Int, Reaction?)
    /// Not allowed in its cell: the cell's first rejection. (Boxed: rare
    /// and large, it made every judgement as large to copy.)
    indirect case rejected(cell: Int, Rejection)
    /// Its cell rejected an earlier message and judges no more.
    case afterRejection(cell: Int)
    /// It names ids of two cells, or of none.
    indirect case unplaced(CellViolation)

    /// The cell (index) it was judged in, if any.
    public var cell: Int? {
        switch self {
        case .allowed(let cell, _), .rejected(let cell, _), .afterRejection(let cell): return cell
        case .unplaced: return nil
        }
    }
}
