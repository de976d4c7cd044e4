/// A map from digit strings (agent ids, extensions, VDN numbers, skills) to
/// integers, compared as strings: `0101` and `101` are different keys.
///
/// A string of up to 17 digits is kept as one integer of its value and its
/// length (17 digits times 32 still fits in 63 bits), in an open-addressing
/// table of our own; longer ones (only hostile input has them) go in a
/// dictionary. Why not `[String: Int]`: hashing each id with SipHash was a
/// tenth of reading a setup of 80,000 agents. The integers are mixed with
/// a seed drawn once per process, so input cannot aim its ids at one
/// bucket.
struct DigitMap: Sendable {
    /// Keys, 0 for an empty slot (no key is 0: a length is at least 1);
    /// the count is a power of two, at most three quarters full.
    private var keys: [Int] = []
    private var values: [Int] = []
    private var shortCount = 0
    private var long: [String: Int] = [:]
    private let seed = DigitMap.processSeed

    private static let processSeed = UInt64.random(in: 1...UInt64.max)

    init() {}

    /// How many keys there are.
    var count: Int { shortCount + long.count }

    /// A short key: the digits' value and their count; nil when `text` is
    /// not a non-empty string of at most 17 ASCII digits.
    @inline(__always)
    private static func shortKey(_ text: String) -> Int? {
        // Over the bytes in place (native strings, small ones too, hold
        // them so): walking the UTF-8 view cost as much as the look-up.
        text.utf8.withContiguousStorageIfAvailable(shortKey) ?? shortKey(text.utf8)
    }

    @inline(__always)
    private static func shortKey(_ bytes: some Collection<UInt8>) -> Int? {
        let count = bytes.count
        guard count > 0, count <= 17 else { return nil }
        var value = 0
        for byte in bytes {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int(digit)
        }
        return value &* 32 &+ count
    }

    subscript(_ digits: String) -> Int? {
        if let key = Self.shortKey(digits) { return find(key) }
        return long.isEmpty ? nil : long[digits]
    }

    /// Sets a key's value; returns the value it had.
    @discardableResult
    mutating func updateValue(_ value: Int, forKey digits: String) -> Int? {
        guard let key = Self.shortKey(digits) else { return long.updateValue(value, forKey: digits) }
        if (shortCount + 1) * 4 > keys.count * 3 { grow() }
        let old = store(key, value)
        if old == nil { shortCount += 1 }
        return old
    }

    /// A splitmix64 finaliser of the seeded key.
    @inline(__always)
    private func slot(of key: Int, mask: Int) -> Int {
        var mixed = UInt64(bitPattern: Int64(key)) ^ seed
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: mixed ^ (mixed >> 31)) & mask
    }

    private func find(_ key: Int) -> Int? {
        guard !keys.isEmpty else { return nil }
        return keys.withUnsafeBufferPointer { keys in
            let mask = keys.count - 1
            var index = slot(of: key, mask: mask)
            while keys[index] != 0 {
                if keys[index] == key { return values[index] }
                index = (index + 1) & mask
            }
            return nil
        }
    }

    /// Linear probing; returns the value replaced.
    private mutating func store(_ key: Int, _ value: Int) -> Int? {
        let mask = keys.count - 1
        var index = slot(of: key, mask: mask)
        while keys[index] != 0 {
            if keys[index] == key {
                let old = values[index]
                values[index] = value
                return old
            }
            index = (index + 1) & mask
        }
        keys[index] = key
        values[index] = value
        return nil
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = Array(repeating: 0, count: max(16, oldKeys.count * 2))
        values = Array(repeating: 0, count: keys.count)
        for index in oldKeys.indices where oldKeys[index] != 0 { _ = store(oldKeys[index], oldValues[index]) }
    }
}
