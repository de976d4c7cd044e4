import CVConformModel
import CVConformTrace

/// The built-in reference implementation: the same role machines as the
/// monitor, wired together in-process. Plays icm, cvct and ecs and reports
/// internal messages, so a replay checks every message of a trace. Made
/// with a mutant, it is the reference with that mutant's one mistake: what
/// `mutate` replays the suite against.
public final class ReferenceImplementation: ImplementationUnderTest, @unchecked Sendable {
    // Confined to the one task that drives it; the harness never shares an
    // implementation between tasks.
    private var system: any MessageDelivering
    private let makeSystem: @Sendable (Administration) -> any MessageDelivering
    private let implementationName: String
    private var outputs: [Message] = []
    private var nextOutput = 0

    public static let name = "cvconform reference model"

    public init() {
        implementationName = Self.name
        makeSystem = { ReferenceSystem(administration: $0) }
        system = ReferenceSystem(administration: Administration())
    }

    /// The reference with one mutant's mistake.
    public init(mutant: Mutant) {
        implementationName = "mutant \(mutant.id)"
        makeSystem = { MutatedSystem(mutant, administration: $0) }
        system = MutatedSystem(mutant, administration: Administration())
    }

    public func start() async throws(HarnessFailure) -> Greeting {
        Greeting(implementation: implementationName, roles: Set(Role.systemRoles), reportsInternal: true)
    }

    public func reset(trace: String, setup: Administration) async throws(HarnessFailure) {
        system = makeSystem(setup)
        outputs.removeAll(keepingCapacity: true)
        nextOutput = 0
    }

    public func send(_ message: Message) async throws(HarnessFailure) {
        if nextOutput == outputs.count {
            outputs.removeAll(keepingCapacity: true)
            nextOutput = 0
        }
        for emission in system.propagate(message).emissions { outputs.append(emission.message) }
    }

    public func receive(timeout: Duration) async throws(HarnessFailure) -> Message? {
        guard nextOutput < outputs.count else { return nil }
        defer { nextOutput += 1 }
        return outputs[nextOutput]
    }

    public func logTail() async -> [String] { [] }

    /// Synchronous: whatever is left is all there will be.
    public func confirmIdle(timeout: Duration) async throws(HarnessFailure) -> [Message]? {
        defer { nextOutput = outputs.count }
        return Array(outputs[nextOutput...])
    }

    public func stop() async {}
}
