@testable import CVConformCells
import CVConformModel
import Testing

@Suite("Sessions' cells: a table of packed ids, judged against a dictionary")
struct SessionCellsTests {
    /// Ids that differ only where a careless table would not look: prefixes
    /// of one another, leading zeros, a trailing NUL byte, the empty id,
    /// exactly 16 bytes and one more (the longest packed, the shortest not),
    /// and more than a byte's worth of UTF-8 per character.
    static let awkwardIDs = [
        "", "1", "10", "100", "0100", "c1s1", "c1s10", "c10s1", "a", "a\u{0}", "a\u{0}\u{0}",
        "sixteen-bytes-id", "fifteen-ascii-b\u{E9}", "seventeen-bytes-i", "seventeen-bytes-j", "a-very-long-session-id-of-forty-bytes-xx",
        "été", "セッション", "s\u{1F600}",
    ]

    /// Under fixed seeds, so each run lays the table out alike; a sweep now
    /// and then rebuilds it, and learning and forgetting go on after.
    @Test("Learning, forgetting, sweeping and looking up, at random, agree with a dictionary throughout",
          arguments: [1, 2, 0x5EED] as [UInt64])
    func agreesWithDictionary(seed: UInt64) {
        var random = SeededRandom(seed: 22)
        var ids = Self.awkwardIDs
        // Enough ids to grow the table several times and make long runs of
        // neighbours, so forgetting shifts entries back across the wrap.
        for number in 0..<300 { ids.append("c\(number % 7)s\(number)") }
        var cells = SessionCells(minimumSweep: 1 << 30, seed: seed)
        var expected: [String: Int] = [:]
        for step in 0..<20_000 {
            let id = random.pick(ids)
            if step % 5_000 == 4_999 {
                // Keeps the sessions of even cells.
                cells.sweep { _, cell in cell % 2 == 0 }
                expected = expected.filter { $0.value % 2 == 0 }
            }
            switch random.next() % 3 {
            case 0:
                let cell = Int(random.next() % 200)
                cells.learn(id, cell: cell)
                expected[id] = cell
            case 1:
                cells.forget(id)
                expected[id] = nil
            default:
                #expect(cells.rememberedCell(of: id) == expected[id], "step \(step): \(id.debugDescription)")
            }
            #expect(cells.count == expected.count, "step \(step)")
        }
        for id in ids { #expect(cells.rememberedCell(of: id) == expected[id], "\(id.debugDescription)") }
    }

    /// Packed with zeros after their end, `x` and `x` followed by NUL
    /// bytes are the same two words: only their lengths tell them apart.
    /// Enough of them that some lie in one another's probe runs.
    @Test("Ids that differ only in trailing NUL bytes are different ids")
    func trailingZerosDiffer() {
        var cells = SessionCells(minimumSweep: 1 << 30)
        var ids: [String] = []
        for base in 0..<100 {
            for zeros in 0..<16 - String(base).utf8.count { ids.append(String(base) + String(repeating: "\u{0}", count: zeros)) }
        }
        for (index, id) in ids.enumerated() { cells.learn(id, cell: index) }
        #expect(cells.count == ids.count)
        for (index, id) in ids.enumerated() { #expect(cells.rememberedCell(of: id) == index, "\(id.debugDescription)") }
    }

    @Test("A sweep keeps exactly the sessions whose cell still holds them, each id given back as it was")
    func sweepKeepsHeld() {
        var cells = SessionCells(minimumSweep: 4)
        for (index, id) in Self.awkwardIDs.enumerated() { cells.learn(id, cell: index) }
        #expect(cells.needsSweep)
        var asked: [String: Int] = [:]
        cells.sweep { id, cell in
            asked[id] = cell
            return cell % 2 == 0
        }
        #expect(asked == Dictionary(uniqueKeysWithValues: Self.awkwardIDs.enumerated().map { ($0.element, $0.offset) }))
        for (index, id) in Self.awkwardIDs.enumerated() {
            #expect(cells.rememberedCell(of: id) == (index % 2 == 0 ? index : nil), "\(id.debugDescription)")
        }
        #expect(cells.count == (Self.awkwardIDs.count + 1) / 2)
        #expect(!cells.needsSweep)
    }
}
