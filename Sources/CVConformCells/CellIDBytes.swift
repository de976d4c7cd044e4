import CVConformModel
import CVConformTrace

/// The cell each id of a partition names, looked up by the id's UTF-8
/// bytes. check-log's reading thread finds each message's `NamedCell` with
/// it: through `CellPartition.cellIndex(ofID:)` every id became a string
/// and went through a dictionary, a fifth of reading a log of many cells.
///
/// Open addressing over the ids laid end to end in one array, under a seed
/// drawn once per process, so input cannot aim ids at one slot; at most
/// half the slots are full. An id's first 16 bytes are packed in two words
/// (`PackedWords.pack`), hashed and compared as two words: hashed by
/// `IDKey.mix` and compared byte by byte, the look-up was a tenth of
/// reading a log line. Only a longer id is hashed and compared by bytes.
public struct CellIDBytes: Sendable {
    private let bytes: [UInt8]
    /// Each id's start in `bytes`, its length, and its cell.
    private let entries: [Entry]
    /// An index into `entries`, or -1 for an empty slot; a power of two long.
    private let slots: [Int32]
    private let mask: Int

    private struct Entry: Sendable {
        /// The id's first 16 bytes, packed.
        var low: UInt64
        var high: UInt64
        var start: Int32
        var length: Int32
        var cell: Int32
    }

    private static let seed = UInt64.random(in: 1...UInt64.max)

    /// The ids of each cell, by cell index. An id listed twice keeps its
    /// first cell (a partition lists none twice).
    public init(cells: [[String]]) {
        let count = cells.reduce(0) { $0 + $1.count }
        var size = 8
        while size < 2 * count { size <<= 1 }
        var bytes: [UInt8] = []
        var entries: [Entry] = []
        var slots = [Int32](repeating: -1, count: size)
        for (cell, ids) in cells.enumerated() {
            for id in ids {
                let utf8 = Array(id.utf8)
                let found = utf8.withUnsafeBufferPointer { key in
                    Self.probe(key, bytes: bytes, entries: entries, slots: slots, mask: size - 1)
                }
                guard case .empty(let slot) = found else { continue }
                slots[slot] = Int32(entries.count)
                let (low, high) = utf8.withUnsafeBufferPointer(PackedWords.pack)
                entries.append(Entry(low: low, high: high, start: Int32(bytes.count), length: Int32(utf8.count), cell: Int32(cell)))
                bytes.append(contentsOf: utf8)
            }
        }
        self.bytes = bytes
        self.entries = entries
        self.slots = slots
        mask = size - 1
    }

    /// The partition's cells and ids.
    public init(_ partition: CellPartition) {
        self.init(cells: partition.cells.map(\.ids))
    }

    /// The index of the cell that lists the id these bytes are; nil when
    /// none does.
    public func cellIndex(ofID id: UnsafeBufferPointer<UInt8>) -> Int? {
        guard case .found(let entry) = Self.probe(id, bytes: bytes, entries: entries, slots: slots, mask: mask) else {
            return nil
        }
        return Int(entries[entry].cell)
    }

    private enum Probe {
        case found(Int)
        case empty(Int)
    }

    private static func probe(
        _ key: UnsafeBufferPointer<UInt8>, bytes: [UInt8], entries: [Entry], slots: [Int32], mask: Int
    ) -> Probe {
        let (low, high) = PackedWords.pack(key)
        var slot = Int(truncatingIfNeeded: hash(key, low: low, high: high)) & mask
        return bytes.withUnsafeBufferPointer { bytes in
            while true {
                let index = Int(slots[slot])
                guard index >= 0 else { return .empty(slot) }
                let entry = entries[index]
                if Int(entry.length) == key.count, entry.low == low, entry.high == high,
                   key.count <= 16 || equal(key, bytes, from: Int(entry.start)) {
                    return .found(index)
                }
                slot = (slot &+ 1) & mask
            }
        }
    }

    /// An id of up to 16 bytes by its two packed words, a longer one by
    /// its bytes.
    private static func hash(_ key: UnsafeBufferPointer<UInt8>, low: UInt64, high: UInt64) -> UInt64 {
        guard key.count <= 16 else { return IDKey.mix(key, seed: seed) }
        return PackedWords.hash(low: low, high: high, length: key.count, seed: seed)
    }

    /// Compared byte by byte: ids are a few bytes long.
    private static func equal(_ key: UnsafeBufferPointer<UInt8>, _ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        for index in key.indices where bytes[start &+ index] != key[index] { return false }
        return true
    }
}
