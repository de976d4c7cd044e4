/// A set of digit strings (agent ids, extensions, VDN numbers), for finding
/// one given twice in a setup of tens of thousands. A string of up to 17
/// digits is kept as one integer of its value and its length, so `0101` and
/// `101` stay apart and nothing is hashed as a string (17 digits times 32
/// still fits in 63 bits); longer ones (only a hostile file has them) are
/// kept as strings.
///
/// The integers go in an open-addressing table of our own: `Set<Int>`
/// hashes each with SipHash and took a tenth of reading a setup of 80,000
/// agents; a multiplicative hash is enough for keys no adversary can aim at
/// a bucket with (the table's size is not theirs to choose either way).
struct DigitSet {
    /// Keys, 0 for an empty slot (no key is 0: a length is at least 1);
    /// the count is a power of two, at most three quarters full.
    private var slots: [Int] = []
    private var count = 0
    private var long: Set<String> = []

    /// Adds `digits` (a non-empty string of ASCII digits); false when it was
    /// there already.
    mutating func insert(_ digits: String) -> Bool {
        let bytes = digits.utf8
        guard bytes.count <= 17 else { return long.insert(digits).inserted }
        var value = 0
        for byte in bytes { value = value &* 10 &+ Int(byte &- UInt8(ascii: "0")) }
        return insert(key: value &* 32 &+ bytes.count)
    }

    private mutating func insert(key: Int) -> Bool {
        if (count + 1) * 4 > slots.count * 3 { grow() }
        let inserted = slots.withUnsafeMutableBufferPointer { Self.insert(key, into: $0) }
        if inserted { count += 1 }
        return inserted
    }

    /// Linear probing from the key's Fibonacci hash.
    private static func insert(_ key: Int, into slots: UnsafeMutableBufferPointer<Int>) -> Bool {
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: (UInt64(bitPattern: Int64(key)) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while slots[index] != 0 {
            if slots[index] == key { return false }
            index = (index + 1) & mask
        }
        slots[index] = key
        return true
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: 0, count: max(16, old.count * 2))
        slots.withUnsafeMutableBufferPointer { table in
            for key in old where key != 0 { _ = Self.insert(key, into: table) }
        }
    }
}
