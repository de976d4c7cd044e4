import Testing
@testable import CVConformTrace

@Suite("DigitSet: digit strings compared as strings, found twice among many")
struct DigitSetTests {
    /// Inserts each string in turn: whether each was new.
    private func inserting(_ strings: [String], into set: inout DigitSet) -> [Bool] {
        strings.map { set.insert($0) }
    }

    @Test("Leading zeros and lengths keep strings apart; the second of the same string is refused")
    func stringsNotNumbers() {
        var set = DigitSet()
        let added = inserting(["101", "0101", "00101", "0101", "0", "00", "00"], into: &set)
        #expect(added == [true, true, true, false, true, true, false])
    }

    @Test("18 digits and more are compared whole: 2^59 and eighteen zeros are different strings")
    func longStrings() {
        var set = DigitSet()
        let huge = "1" + String(repeating: "0", count: 40)
        let added = inserting(["000000000000000000", "576460752303423488", "99999999999999999", huge, huge, "576460752303423488"], into: &set)
        #expect(added == [true, true, true, true, false, false])
    }

    @Test("Across growth every string is kept once: 200,000 distinct, then each again refused")
    func manyAcrossGrowth() {
        var set = DigitSet()
        let strings = (0..<200_000).map { String(1_000_000 + $0 * 7) }
        #expect(inserting(strings, into: &set).allSatisfy { $0 })
        #expect(inserting(strings, into: &set).allSatisfy { !$0 })
        #expect(inserting(["0" + strings[0]], into: &set) == [true])
    }
}

@Suite("DigitMap: digit strings to integers, compared as strings")
struct DigitMapTests {
    @Test("Values are found by the same string only: not with other zeros, not for what is no digit string")
    func lookups() {
        var map = DigitMap()
        map.updateValue(1, forKey: "101")
        map.updateValue(2, forKey: "0101")
        map.updateValue(3, forKey: "1" + String(repeating: "0", count: 30))
        #expect(map["101"] == 1)
        #expect(map["0101"] == 2)
        #expect(map["00101"] == nil)
        #expect(map["1" + String(repeating: "0", count: 30)] == 3)
        #expect(map["10a"] == nil)
        #expect(map[""] == nil)
        #expect(map["１０１"] == nil) // full-width digits are not ASCII digits
        #expect(map.count == 3)
    }

    @Test("A key set again keeps one entry, with its new value; across growth every key keeps its value")
    func updatesAndGrowth() {
        var map = DigitMap()
        #expect(map.updateValue(1, forKey: "7") == nil)
        #expect(map.updateValue(2, forKey: "7") == 1)
        #expect(map["7"] == 2)
        for index in 0..<50_000 { map.updateValue(index, forKey: String(index * 13)) }
        #expect((0..<50_000).allSatisfy { map[String($0 * 13)] == $0 })
        #expect(map.count == 50_001)
    }

    @Test("Words that are not digits still work as keys, apart from the digit ones")
    func otherKeys() {
        var map = DigitMap()
        map.updateValue(5, forKey: "x1")
        #expect(map["x1"] == 5)
        #expect(map["1"] == nil)
    }
}
