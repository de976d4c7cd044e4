import CVConformHarness
import CVConformModel
import CVConformTrace
import Testing
@testable import CVConformExploration

@Suite("The shrinker's names read in order")
struct ShrinkerNamesTests {
    /// Agent 1002 logs in first, at 4002; 1001 second, at 4001.
    static let crossed = Scenario(
        administration: Administration(agents: [.init(id: "1001", skills: ["10"]), .init(id: "1002", skills: ["10"])],
                                       stations: ["4001", "4002"], vdns: [.init(number: "5001", skill: "10")]),
        stimuli: [
            try! Message(compact: "browser>icm login agent=1002 extension=4002"),
            try! Message(compact: "browser>icm login agent=1001 extension=4001"),
        ]
    )

    @Test("Ids in the order the run uses them; crossed simple names make a run larger, so renaming them is a step")
    func crossedIsLarger() {
        #expect(ValueKind.agent.values(in: Self.crossed) == ["1002", "1001"])
        #expect(ValueKind.extension.values(in: Self.crossed) == ["4002", "4001"])
        var renamed = ValueKind.agent.rename(Self.crossed, ["1002": "1001", "1001": "1002"])
        renamed = ValueKind.extension.rename(renamed, ["4002": "4001", "4001": "4002"])
        #expect(renamed.stimuli.first?["agent"] == "1001" && renamed.stimuli.first?["extension"] == "4001")
        #expect(Shrinker.isSmaller(renamed.size(profile: .core), than: Self.crossed.size(profile: .core)))
        #expect(renamed.size(profile: .core).last == 0)
    }
}
