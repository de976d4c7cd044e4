/// `--shard I/N`: a stable share of a suite. A trace belongs to shard
/// (FNV-1a hash of its id mod N) + 1, so the shards of a CI matrix never
/// overlap and together make the whole suite, whatever the machine. Each
/// report of a sharded run records its shard, so `merge` can tell a
/// complete set from one with a shard missing.
package struct Shard: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// 1-based.
    package var index: Int
    package var count: Int

    package init?(index: Int, count: Int) {
        guard count >= 1, (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// `I/N`, e.g. `2/3`.
    package init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    package var description: String { "\(index)/\(count)" }

    package static func < (lhs: Shard, rhs: Shard) -> Bool { (lhs.count, lhs.index) < (rhs.count, rhs.index) }

    package func admits(_ id: String) -> Bool {
        Int(Self.hash(id) % UInt64(count)) + 1 == index
    }

    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
