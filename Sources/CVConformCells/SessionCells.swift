import CVConformModel
import CVConformTrace

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
///
/// Looked up for nearly every message of a log, so kept as its own table:
/// a session id of up to 16 bytes is two words, compared as two words, in
/// open addressing with linear probing; a longer one goes to a dictionary.
/// Through `[IDKey: Int]` the look-up (hashing the string, probing,
/// comparing strings) was a tenth of judging a log (BENCHMARKS.md, "Why
/// the code is as it is").
public struct SessionCells: Sendable {
    /// A session id of up to 16 bytes, packed little-endian with zeros
    /// after its end, its length apart (so `a` and `a` followed by a NUL
    /// byte differ), and its cell.
    private struct Entry: Sendable {
        var low: UInt64
        var high: UInt64
        /// The id's length plus one; 0 marks an empty slot.
        var lengthPlusOne: Int32
        var cell: Int32

        static let empty = Entry(low: 0, high: 0, lengthPlusOne: 0, cell: 0)

        var isEmpty: Bool { lengthPlusOne == 0 }
    }

    /// A power of two long, at most half full.
    private var entries = [Entry](repeating: .empty, count: 16)
    private var packedCount = 0
    /// Ids longer than 16 bytes (none in logs made by this harness).
    private var long: [IDKey: Int] = [:]
    /// Sweep when the map grows past this.
    private var sweepAt: Int
    private let minimumSweep: Int

    /// Mixed into each id's hash, so input cannot aim its ids at one slot:
    /// drawn once per process, or given (tests, for a layout they know).
    private let seed: UInt64
    private static let processSeed = UInt64.random(in: 1...UInt64.max)

    /// 2,048 by default, so the map stays in a core's L2 cache (BENCHMARKS.md,
    /// "Why the code is as it is").
    public init(minimumSweep: Int = 2048) {
        self.init(minimumSweep: minimumSweep, seed: Self.processSeed)
    }

    init(minimumSweep: Int, seed: UInt64) {
        self.minimumSweep = max(1, minimumSweep)
        sweepAt = self.minimumSweep
        self.seed = seed
    }

    /// Sessions currently remembered (for tests and diagnostics).
    public var count: Int { packedCount + long.count }

    /// The remembered cell, without checking that it still holds the session.
    public func rememberedCell(of session: String) -> Int? {
        guard let key = Self.packed(session) else { return long[IDKey(session)] }
        guard case .found(let slot) = probe(key) else { return nil }
        return Int(entries[slot].cell)
    }

    /// Remembers the cell of a session (learnt once its request is judged).
    /// A cell's index fits 32 bits, as in `CellIDBytes`: a partition has
    /// far fewer cells than that.
    public mutating func learn(_ session: String, cell: Int) {
        guard let key = Self.packed(session) else {
            long[IDKey(session)] = cell
            return
        }
        switch probe(key) {
        case .found(let slot):
            entries[slot].cell = Int32(cell)
        case .empty(let slot):
            var entry = key
            entry.cell = Int32(cell)
            entries[slot] = entry
            packedCount += 1
            if packedCount * 2 > entries.count { rehash(capacity: entries.count * 2) }
        }
    }

    /// Whether the map has doubled since the last sweep.
    public var needsSweep: Bool { count > sweepAt }

    /// Drops every session whose cell no longer holds it.
    public mutating func sweep(holds: (String, Int) -> Bool) {
        let kept = entries.filter { !$0.isEmpty && holds(Self.text(of: $0), Int($0.cell)) }
        var size = 16
        while size < kept.count * 2 { size <<= 1 }
        entries = [Entry](repeating: .empty, count: size)
        packedCount = 0
        for entry in kept { insertNew(entry) }
        long = long.filter { holds($0.key.text, $0.value) }
        sweepAt = max(minimumSweep, 2 * count)
    }

    /// Forgets a session.
    public mutating func forget(_ session: String) {
        guard let key = Self.packed(session) else {
            long[IDKey(session)] = nil
            return
        }
        guard case .found(var hole) = probe(key) else { return }
        // Backward-shift deletion: each entry after the hole, up to the
        // next empty slot, moves into the hole unless its own home lies
        // cyclically after the hole (it would then not be found).
        let mask = entries.count - 1
        var next = (hole + 1) & mask
        while !entries[next].isEmpty {
            let start = home(of: entries[next], mask: mask)
            if (next &- start) & mask >= (next &- hole) & mask {
                entries[hole] = entries[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        entries[hole] = .empty
        packedCount -= 1
    }

    // MARK: - The table

    private enum Probe {
        case found(Int)
        case empty(Int)
    }

    private func probe(_ key: Entry) -> Probe {
        entries.withUnsafeBufferPointer { entries in
            let mask = entries.count - 1
            var slot = home(of: key, mask: mask)
            while true {
                let entry = entries[slot]
                if entry.isEmpty { return .empty(slot) }
                if entry.low == key.low && entry.high == key.high && entry.lengthPlusOne == key.lengthPlusOne {
                    return .found(slot)
                }
                slot = (slot &+ 1) & mask
            }
        }
    }

    /// Adds an entry known to be absent, with room for it.
    private mutating func insertNew(_ entry: Entry) {
        let mask = entries.count - 1
        var slot = home(of: entry, mask: mask)
        while !entries[slot].isEmpty { slot = (slot &+ 1) & mask }
        entries[slot] = entry
        packedCount += 1
    }

    private mutating func rehash(capacity: Int) {
        let old = entries
        entries = [Entry](repeating: .empty, count: capacity)
        packedCount = 0
        for entry in old where !entry.isEmpty { insertNew(entry) }
    }

    /// The slot an entry's probe starts at.
    private func home(of entry: Entry, mask: Int) -> Int {
        let hash = PackedWords.hash(low: entry.low, high: entry.high, length: Int(entry.lengthPlusOne) - 1, seed: seed)
        return Int(truncatingIfNeeded: hash) & mask
    }

    /// The session id as an entry's key; nil when it is longer than 16 bytes.
    private static func packed(_ session: String) -> Entry? {
        if let key = session.utf8.withContiguousStorageIfAvailable(packed(_:)) { return key }
        // Not stored contiguously (a bridged string): copied first.
        return Array(session.utf8).withUnsafeBufferPointer(packed(_:))
    }

    private static func packed(_ bytes: UnsafeBufferPointer<UInt8>) -> Entry? {
        guard bytes.count <= 16 else { return nil }
        let (low, high) = PackedWords.pack(bytes)
        return Entry(low: low, high: high, lengthPlusOne: Int32(bytes.count) + 1, cell: 0)
    }

    /// The session id an entry holds.
    private static func text(of entry: Entry) -> String {
        var words = (entry.low.littleEndian, entry.high.littleEndian)
        return withUnsafeBytes(of: &words) { bytes in
            String(decoding: bytes.prefix(Int(entry.lengthPlusOne) - 1), as: UTF8.self)
        }
    }
}
