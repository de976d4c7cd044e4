import CVConformTestSupport
import CVConformTrace
import Testing
@testable import CVConformModel

@Suite("Chunk removal: the first pass of every shrinker")
struct ChunkRemovalTests {
    let run = Scenario(administration: Administration(), stimuli: (1...8).map { m("browser>icm logout agent=\(1000 + $0)") })

    func agents(_ scenario: Scenario) -> [String] { scenario.stimuli.map { $0["agent"] } }

    @Test("Halves, then quarters, … then single stimuli, each from the end backwards")
    func order() {
        var removal = ChunkRemoval(run)
        var removed: [Range<Int>] = []
        while removal.next() != nil { removed.append(removal.removed) }
        #expect(removed == [4..<8, 0..<4, 6..<8, 4..<6, 2..<4, 0..<2] + (0..<8).reversed().map { $0..<($0 + 1) })
        #expect(removal.best == run)
    }

    @Test("What is accepted stays removed; the search goes on before it and ends at the one stimulus that matters")
    func accepting() {
        var removal = ChunkRemoval(run)
        var candidates = 0
        while let candidate = removal.next() {
            candidates += 1
            if agents(candidate).contains("1003") { removal.accept(candidate) }
        }
        #expect(agents(removal.best) == ["1003"])
        #expect(candidates < 16)
    }

    @Test("An empty run offers nothing")
    func empty() {
        var removal = ChunkRemoval(Scenario(administration: Administration(), stimuli: []))
        #expect(removal.next() == nil)
    }
}
