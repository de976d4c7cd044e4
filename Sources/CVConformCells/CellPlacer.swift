import CVConformModel
import CVConformTrace

/// What a placement asks of the cells' models: whether a cell's model still
/// holds a session (some role has it, or an owed message names it).
/// `mutating` so a model is asked where it lies, never copied out.
public protocol SessionHolding {
    mutating func holds(session: String, inCell cell: Int) -> Bool
}

/// Which cell each message belongs to (contract section 7): the one
/// placement of `check-log` (through `CellJudge`) and of `load`, so a load
/// run's log is always placed offline as it was online.
///
/// A message goes to the cell its ids name; a message that names only a
/// session goes to the cell the session was requested in, learnt from the
/// `session-request` or `launch` its cell allowed, while that cell's model
/// holds the session. A session no longer held is forgotten when a lookup
/// rests on it, and now and then in a sweep (see `SessionCells`), so the
/// answer depends only on the messages seen, never on timing.
public struct CellPlacer: Sendable {
    public let partition: CellPartition
    private var sessions: SessionCells

    public init(partition: CellPartition, minimumSessionSweep: Int = 2048) {
        self.partition = partition
        sessions = SessionCells(minimumSweep: minimumSessionSweep)
    }

    /// Sessions whose cell is remembered (bounded: see `SessionCells`).
    public var sessionsRemembered: Int { sessions.count }

    /// The cell a message belongs to. `named`, when given, is the cell its
    /// ids other than the session name (see `NamedCell`); it places the
    /// message as the ids would.
    ///
    /// A session's remembered cell counts while that cell's model holds the
    /// session; that is asked only when the placement rests on the session
    /// (no other id names a cell, or another names a different one).
    public mutating func place<Models: SessionHolding>(
        _ message: Message, named: NamedCell? = nil, models: inout Models
    ) -> CellPlacement {
        guard partition.isDivided else { return .cell(0) }
        let session = message.parameters[.session]
        var sessionCell: Int?
        if let session { sessionCell = sessions.rememberedCell(of: session) }
        let located: (placement: CellPlacement, restsOnSession: Bool)
        if let named, let found = partition.locate(message, named: named, sessionCell: sessionCell) {
            located = found
        } else {
            // The closure captures the sessions, not `self` (which would copy
            // the whole partition for every message).
            let remembered = sessions
            located = partition.locate(message) { remembered.rememberedCell(of: $0) }
        }
        guard located.restsOnSession, let session, let cell = sessionCell, !models.holds(session: session, inCell: cell)
        else { return located.placement }
        sessions.forget(session)
        return partition.locate(message) { _ in nil }.placement
    }

    /// The cell `place` gives a message, found from its session (its
    /// `session` parameter) and the cell its other ids name, without the
    /// message. Nil where these do not settle it, and `place` must be
    /// asked: `named` not given in a divided partition, no cell named, ids
    /// of two cells, or a cell that rests on the session and no longer
    /// holds it. It forgets nothing (`place` does, asked then).
    public func quickCell<Models: SessionHolding>(
        session: String?, named: NamedCell?, models: inout Models
    ) -> Int? {
        guard partition.isDivided else { return 0 }
        guard let named else { return nil }
        let sessionCell = session.flatMap { sessions.rememberedCell(of: $0) }
        switch (named, sessionCell) {
        case (.cell(let cell), nil): return cell
        case (.cell(let cell), let other?) where other == cell: return cell
        case (.none, let cell?):
            // Rests on the session: its cell counts while its model holds it.
            guard let session, models.holds(session: session, inCell: cell) else { return nil }
            return cell
        default: return nil
        }
    }

    /// Whether `allowed(message, in: cell)` would teach the placement a
    /// session's cell it does not know, so that placements after it may
    /// differ. (`load` places a receive's outputs before judging them, but
    /// never past one of these.)
    public func learns(from message: Message, in cell: Int) -> Bool {
        guard partition.isDivided, message.type == .sessionRequest || message.type == .launch else { return false }
        return sessions.rememberedCell(of: message[.session]) != cell
    }

    /// After its cell allowed a message: a `session-request` or `launch`
    /// tells the cell of its session.
    public mutating func allowed<Models: SessionHolding>(_ message: Message, in cell: Int, models: inout Models) {
        learn(from: message, in: cell)
        sweepIfNeeded(models: &models)
    }

    /// `allowed` without the sweep, for a caller that cannot ask every
    /// cell's model now (`load`, while some cells are being judged on
    /// another core); it calls `sweepIfNeeded` once it can. When the sweep
    /// comes changes no placement: lookups check as they go.
    public mutating func learn(from message: Message, in cell: Int) {
        guard partition.isDivided, message.type == .sessionRequest || message.type == .launch else { return }
        sessions.learn(message[.session], cell: cell)
    }

    /// Forgets the sessions no cell's model holds, once enough were learnt.
    public mutating func sweepIfNeeded<Models: SessionHolding>(models: inout Models) {
        guard sessions.needsSweep else { return }
        sessions.sweep { session, cell in models.holds(session: session, inCell: cell) }
    }
}

extension Array: SessionHolding where Element == Monitor {
    public mutating func holds(session: String, inCell cell: Int) -> Bool { Self.holds(&self[cell], session: session) }

    /// `inout` hands over the monitor where it lies (read through the array,
    /// the whole monitor would be copied first). Nothing is changed.
    private static func holds(_ monitor: inout Monitor, session: String) -> Bool { monitor.holds(session: session) }
}

/// Race judges, one per cell, as `SessionHolding` (an array can conform
/// only once, and the monitors' array does).
public struct RaceJudgeCells: SessionHolding {
    public var judges: [RaceJudge]

    public init(_ judges: [RaceJudge]) { self.judges = judges }

    public mutating func holds(session: String, inCell cell: Int) -> Bool { judges[cell].holds(session: session) }
}
