import Testing
@testable import CVConformModel

@Suite("IDMap: a dictionary of ids with a hash of its own")
struct IDMapTests {
    @Test("Random sets, changes in place, removals and look-ups give what a [String: Int] gives")
    func behavesAsADictionary() {
        var random = SeededRandom(seed: 7)
        var map = IDMap<Int>()
        var reference: [String: Int] = [:]
        // Short ids, ids past the 15 bytes a string holds inline, ids that
        // differ only by a leading zero or their last byte.
        let ids = (0..<400).map { index -> String in
            switch index % 4 {
            case 0: return String(index)
            case 1: return "0" + String(index)
            case 2: return "session-with-a-long-name-\(index)"
            default: return "s\(index)é"
            }
        }
        for _ in 0..<20_000 {
            let id = ids[Int.random(in: 0..<ids.count, using: &random)]
            switch Int.random(in: 0..<4, using: &random) {
            case 0:
                map[id] = 1
                reference[id] = 1
            case 1:
                map[id, default: 0] += 5
                reference[id, default: 0] += 5
            case 2:
                #expect(map.removeValue(forKey: id) == reference.removeValue(forKey: id))
            default:
                #expect(map[id] == reference[id])
            }
        }
        #expect(map.count == reference.count)
        #expect(Dictionary(uniqueKeysWithValues: map.map { ($0.key, $0.value) }) == reference)
        #expect(Set(map.keys) == Set(reference.keys))
        let even = map.filter { _, value in value % 2 == 0 }
        #expect(Set(even.keys) == Set(reference.filter { $0.value % 2 == 0 }.keys))
    }

    /// `é` as one scalar and as `e` with a combining accent are equal as
    /// Strings, but their bytes differ: as ids they are two ids, always.
    /// (Compared as Strings and hashed by bytes, a map found one under the
    /// other in about one try in fifty.)
    @Test("Canonically equivalent ids with different bytes are two ids, every time")
    func canonicalEquivalentsDiffer() {
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect(composed == decomposed)
        #expect(IDKey(composed) != IDKey(decomposed))
        for round in 0..<200 {
            var map = IDMap<Int>(minimumCapacity: round % 8)
            map[composed] = 1
            #expect(map[decomposed] == nil)
            map[decomposed] = 2
            #expect(map[composed] == 1 && map.count == 2)
        }
    }

    @Test("Equal ids hash alike however their strings were made; maps are equal by content")
    func equalIDsHashAlike() {
        let built = String(decoding: Array("a-session-id-longer-than-fifteen".utf8), as: UTF8.self)
        let joined = ["a-session-id", "-longer-than-fifteen"].joined()
        #expect(IDKey(built) == IDKey(joined))
        #expect(IDKey(built)._rawHashValue(seed: 42) == IDKey(joined)._rawHashValue(seed: 42))
        #expect(IDKey(built).hashValue == IDKey(joined).hashValue)
        var first = IDMap<String>(), second = IDMap<String>(minimumCapacity: 64)
        first[built] = "x"
        first["1001"] = "y"
        second["1001"] = "y"
        second[joined] = "x"
        #expect(first == second)
        second["1001"] = "z"
        #expect(first != second)
    }

    @Test("Every byte of an id counts in its hash, whatever its length (the last bytes are read in overlapping loads)")
    func everyByteCounts() {
        for length in 1...24 {
            let id = Array(repeating: UInt8(ascii: "7"), count: length)
            let hash = id.withUnsafeBufferPointer { IDKey.mix($0, seed: 99) }
            for position in 0..<length {
                var changed = id
                changed[position] = UInt8(ascii: "8")
                let other = changed.withUnsafeBufferPointer { IDKey.mix($0, seed: 99) }
                #expect(other != hash, "length \(length), byte \(position)")
            }
        }
        // The length is mixed in: ids that the overlapping loads read alike.
        #expect(IDKey("12345")._rawHashValue(seed: 1) != IDKey("123445")._rawHashValue(seed: 1))
    }
}
