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
    public let partition: CellPartition
    public private(set) var monitors: [Monitor]
    /// Each cell's first rejection (nil while it has rejected nothing).
    public private(set) var rejections: [Rejection?]
    /// Whether each cell has rejected a message: asked for every message,
    /// and `rejections[cell] == nil` copied the optional rejection out.
    private var hasRejected: [Bool]
    private var sessions: SessionCells
    /// Messages observed, for positions when the caller gives none.
    public private(set) var observed = 0
    /// With races (contract section 8): one race judge per cell, in place
    /// of the monitors' literal order; empty otherwise.
    public private(set) var raceJudges: [RaceJudge] = []

    public init(partition: CellPartition, minimumSessionSweep: Int = 2048) {
        self.partition = partition
        monitors = partition.cells.map { Monitor(administration: $0.administration) }
        rejections = Array(repeating: nil, count: partition.cells.count)
        hasRejected = Array(repeating: false, count: partition.cells.count)
        sessions = SessionCells(minimumSweep: minimumSessionSweep)
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
        observed += 1
        let cell: Int
        switch place(message, named: named) {
        case .unplaced(let violation): return .unplaced(violation)
        case .cell(let index): cell = index
        }
        guard !hasRejected[cell] else { return .afterRejection(cell: cell) }
        if judgesRaces { return observeRacing(message, cell: cell, position: position ?? observed) }
        switch monitors[cell].observe(message, keepingReaction: keepingReaction) {
        case .rejected(var rejection):
            rejection.position = position ?? observed
            rejections[cell] = rejection
            hasRejected[cell] = true
            return .rejected(cell: cell, rejection)
        case .allowed(let reaction):
            if partition.isDivided, message.type == .sessionRequest || message.type == .launch {
                learn(message["session"], cell: cell)
            }
            return .allowed(cell: cell, reaction)
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
        if partition.isDivided, message.type == .sessionRequest || message.type == .launch {
            learn(message["session"], cell: cell)
        }
        return .allowed(cell: cell, nil)
    }

    /// The cell a message belongs to, without observing it.
    ///
    /// A session's remembered cell counts while that cell's model holds the
    /// session; that is checked only when the placement rests on the session
    /// (no other id names a cell, or another names a different one), and a
    /// session no longer held is forgotten there and then.
    public mutating func place(_ message: Message, named: NamedCell? = nil) -> CellPlacement {
        guard partition.isDivided else { return .cell(0) }
        let session = message.parameters["session"]
        var sessionCell: Int?
        if let session { sessionCell = sessions.rememberedCell(of: session) }
        let located: (placement: CellPlacement, restsOnSession: Bool)
        if let named, let found = partition.locate(message, named: named, sessionCell: sessionCell) {
            located = found
        } else {
            // The closure captures the sessions, not `self`: capturing
            // `self` copied the whole partition for every message
            // (retaining each of its arrays), a twentieth of judging a log.
            let remembered = sessions
            located = partition.locate(message) { remembered.rememberedCell(of: $0) }
        }
        guard located.restsOnSession, let session, let cell = sessionCell, !(judgesRaces ? raceJudges[cell].holds(session: session) : Self.holds(&monitors[cell], session: session))
        else { return located.placement }
        sessions.forget(session)
        return partition.locate(message) { _ in nil }.placement
    }

    /// Remembers a session's cell; now and then sweeps out sessions no model
    /// holds any more (see `SessionCells`).
    private mutating func learn(_ session: String, cell: Int) {
        sessions.learn(session, cell: cell)
        guard sessions.needsSweep else { return }
        // Taken out while sweeping, so that the monitors can be asked in
        // place (see `holds`).
        var sweeping = sessions
        sessions = SessionCells()
        if judgesRaces {
            let judges = raceJudges
            sweeping.sweep { session, cell in judges[cell].holds(session: session) }
        } else {
            sweeping.sweep { session, cell in Self.holds(&monitors[cell], session: session) }
        }
        sessions = sweeping
    }

    /// Whether a cell's model holds a session. `inout` hands over the
    /// monitor where it lies: read through the array, or its buffer, the
    /// whole monitor was copied first (each of its arrays retained and
    /// released), 2-3% of judging a log. Nothing is changed.
    private static func holds(_ monitor: inout Monitor, session: String) -> Bool {
        monitor.holds(session: session)
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
    public var sessionsRemembered: Int { sessions.count }
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
