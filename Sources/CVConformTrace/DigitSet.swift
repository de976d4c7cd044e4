/// A set of digit strings (agent ids, extensions, VDN numbers), for finding
/// one given twice in a setup of tens of thousands. A string of up to 18
/// digits is kept as one integer of its value and its length, so `0101` and
/// `101` stay apart and nothing is hashed as a string; longer ones (only a
/// hostile file has them) are kept as strings.
struct DigitSet {
    private var short: Set<Int> = []
    private var long: Set<String> = []

    /// Adds `digits` (a non-empty string of ASCII digits); false when it was
    /// there already.
    mutating func insert(_ digits: String) -> Bool {
        let bytes = digits.utf8
        guard bytes.count <= 18 else { return long.insert(digits).inserted }
        var value = 0
        for byte in bytes { value = value &* 10 &+ Int(byte &- UInt8(ascii: "0")) }
        return short.insert(value &* 32 &+ bytes.count).inserted
    }
}
