import CVConformModel

/// Which cell each session belongs to: the cell of the VDN it was requested
/// on (contract section 7), learnt from `session-request` and `launch`.
///
/// Bounded: a session is forgotten once its cell's model no longer holds it
/// (no role has it and no owed message names it). Lookups check that as
/// they go, so the answer never depends on when forgetting happens; and
/// whenever the map has doubled since the last sweep, every entry is
/// checked and the dead ones dropped. The map so stays within about twice
/// the sessions the models hold, and sweeping costs O(1) per session learnt.
/// When a sweep comes changes no placement (lookups check as they go);
/// in check-log it depends only on the messages seen, in load also on how
/// they came in batches.
public struct SessionCells: Sendable {
    /// Keyed by `IDKey` (see `IDMap`, which is not for another module).
    private var cellBySession: [IDKey: Int] = [:]
    /// Sweep when the map grows past this.
    private var sweepAt: Int
    private let minimumSweep: Int

    /// 2,048 by default, so the map stays in a core's L2 cache (BENCHMARKS.md,
    /// "Why the code is as it is").
    public init(minimumSweep: Int = 2048) {
        self.minimumSweep = max(1, minimumSweep)
        sweepAt = self.minimumSweep
    }

    /// Sessions currently remembered (for tests and diagnostics).
    public var count: Int { cellBySession.count }

    /// The remembered cell, without checking that it still holds the session.
    public func rememberedCell(of session: String) -> Int? {
        cellBySession[IDKey(session)]
    }

    /// Remembers the cell of a session (learnt once its request is judged).
    public mutating func learn(_ session: String, cell: Int) {
        cellBySession[IDKey(session)] = cell
    }

    /// Whether the map has doubled since the last sweep.
    public var needsSweep: Bool { cellBySession.count > sweepAt }

    /// Drops every session whose cell no longer holds it.
    public mutating func sweep(holds: (String, Int) -> Bool) {
        cellBySession = cellBySession.filter { holds($0.key.text, $0.value) }
        sweepAt = max(minimumSweep, 2 * cellBySession.count)
    }

    /// Forgets a session.
    public mutating func forget(_ session: String) {
        cellBySession[IDKey(session)] = nil
    }
}
