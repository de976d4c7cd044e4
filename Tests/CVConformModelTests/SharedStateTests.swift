import Testing
@testable import CVConformModel
import CVConformTestSupport
import CVConformTrace

struct SharedStateTests {
    @Test("A system that shares its state with another (verify's short cut for a stimulus that changed nothing) equals it, and only a copy nothing changed shares it")
    func sharingImpliesEquality() {
        var shared = 0, changed = 0
        for seed in 1...10 {
            let scenario = Scenario.generated(seed: UInt64(seed), length: 40).scenario
            var system = ReferenceSystem(administration: scenario.administration)
            for stimulus in scenario.stimuli {
                #expect(system.sharesState(with: system))
                // Every stimulus of the scenario, tried here.
                for other in scenario.stimuli {
                    var copy = system
                    _ = copy.propagate(other)
                    if copy.sharesState(with: system) {
                        shared += 1
                        #expect(copy == system && copy.icm == system.icm && copy.ecs == system.ecs, "seed \(seed): \(other)")
                    } else {
                        changed += 1
                    }
                }
                _ = system.propagate(stimulus)
                system.normalizeSwitch()
            }
        }
        // Both happen often.
        #expect(shared > 1000 && changed > 1000, "\(shared) shared, \(changed) changed")
    }

    @Test("An array shares its storage with its copies until one of them is changed")
    func arrayStorage() {
        let original = [1, 2, 3]
        var copy = original
        #expect(copy.sharesStorage(with: original))
        copy[0] = 1
        #expect(!copy.sharesStorage(with: original))
        #expect(![1, 2, 3].sharesStorage(with: original))
    }
}
