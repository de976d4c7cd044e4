import Testing
@testable import CVConformModel
import CVConformTestSupport
import CVConformTrace

struct PropagationTests {
    @Test("A propagation made in one kept from stimulus to stimulus equals a new one (the reference implementation keeps one), and so do the systems")
    func reusedPropagationEqualsFresh() {
        var stimuli = 0
        for seed in 1...10 {
            let scenario = Scenario.generated(seed: UInt64(seed), length: 60).scenario
            var fresh = ReferenceSystem(administration: scenario.administration)
            var reusing = fresh
            var kept = Propagation()
            for stimulus in scenario.stimuli {
                let expected = fresh.propagate(stimulus)
                reusing.propagate(stimulus, into: &kept)
                #expect(kept == expected, "seed \(seed): \(stimulus)")
                #expect(reusing == fresh, "seed \(seed): \(stimulus)")
                stimuli += 1
            }
        }
        #expect(stimuli > 300)
    }

    @Test("A reaction kept from message to message holds only the last message's clauses and emissions")
    func reusedReactionEqualsFresh() {
        let scenario = Scenario.generated(seed: 3, length: 60).scenario
        var fresh = ReferenceSystem(administration: scenario.administration)
        var reusing = fresh
        var kept = Reaction()
        // Message by message, through every role.
        for stimulus in scenario.stimuli {
            var messages = [stimulus]
            var index = 0
            while index < messages.count {
                let message = messages[index]
                index += 1
                let expected = fresh.deliver(message)
                let delivered = reusing.deliver(message, into: &kept)
                #expect(delivered == (expected != nil))
                if let expected {
                    #expect(kept == expected, "\(message)")
                    messages += expected.emissions.map(\.message).filter { $0.to.isSystem }
                }
            }
        }
    }

    @Test("A propagating system gives what propagate gives, stimulus after stimulus, for the reference and for any other system")
    func propagatingSystemEqualsPropagate() {
        let scenario = Scenario.generated(seed: 5, length: 60).scenario
        var expected = ReferenceSystem(administration: scenario.administration)
        var reference = PropagatingSystem(expected)
        var other = PropagatingSystem(Wrapped(system: expected))
        for stimulus in scenario.stimuli {
            let propagation = expected.propagate(stimulus)
            reference.propagate(stimulus)
            other.propagate(stimulus)
            #expect(reference.propagation == propagation, "\(stimulus)")
            #expect(other.propagation == propagation, "\(stimulus)")
        }
    }
}

/// A system that is not `ReferenceSystem` itself (as a mutant is not),
/// delivering through one.
private struct Wrapped: MessageDelivering {
    var system: ReferenceSystem
    mutating func deliver(_ message: Message) -> Reaction? { system.deliver(message) }
}
