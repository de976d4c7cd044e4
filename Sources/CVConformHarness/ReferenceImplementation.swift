import CVConformModel
import CVConformMutation
import CVConformTrace
import CVConformWire
import Synchronization

/// The built-in reference implementation: the same role machines as the
/// monitor, wired together in-process. Plays icm, cvct and ecs and reports
/// internal messages, so a replay checks every message of a trace. Made
/// with a mutant, it is the reference with that mutant's one mistake: what
/// `mutate` replays the suite against.
package final class ReferenceImplementation: ImplementationUnderTest {
    private struct State {
        var system: PropagatingSystem
        var outputs: [Message] = []
        var next = 0

        init(system: any MessageDelivering) {
            self.system = PropagatingSystem(system)
        }
    }

    // A lock, not an actor: one task drives an implementation, so the lock
    // is never contended, and explore calls this for every message.
    private let state: Mutex<State>
    private let makeSystem: @Sendable (Administration) -> any MessageDelivering
    private let implementationName: String

    package static let name = "cvconform reference model"

    package init() {
        implementationName = Self.name
        makeSystem = { ReferenceSystem(administration: $0) }
        state = Mutex(State(system: ReferenceSystem(administration: Administration())))
    }

    /// The reference with one mutant's mistake.
    package init(mutant: Mutant) {
        implementationName = "mutant \(mutant.id)"
        makeSystem = { MutatedSystem(mutant, administration: $0) }
        state = Mutex(State(system: MutatedSystem(mutant, administration: Administration())))
    }

    package func start() async throws(HarnessFailure) -> Greeting {
        Greeting(implementation: implementationName, roles: Set(Role.systemRoles), reportsInternal: true)
    }

    package func reset(trace: String, setup: Administration) async throws(HarnessFailure) {
        let system = makeSystem(setup)
        state.withLock { $0 = State(system: system) }
    }

    package func send(_ message: Message) async throws(HarnessFailure) {
        state.withLock { state in
            if state.next == state.outputs.count {
                state.outputs.removeAll(keepingCapacity: true)
                state.next = 0
            }
            state.system.propagate(message)
            for emission in state.system.propagation.emissions { state.outputs.append(emission.message) }
        }
    }

    package func receive(timeout: Duration) async throws(HarnessFailure) -> Message? {
        state.withLock { state in
            guard state.next < state.outputs.count else { return nil }
            defer { state.next += 1 }
            return state.outputs[state.next]
        }
    }

    package func logTail() async -> [String] { [] }

    /// Synchronous: whatever is left is all there will be.
    package func confirmIdle(timeout: Duration) async throws(HarnessFailure) -> [Message]? {
        state.withLock { state in
            defer { state.next = state.outputs.count }
            return Array(state.outputs[state.next...])
        }
    }

    package func stop() async {}
}
