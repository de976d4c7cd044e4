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
