import CVConformHarness
import CVConformTrace
import CVConformWire

/// The reference model with a twist: `distort` rewrites what it would send
/// for each stimulus. For testing the replay engine against known mistakes.
package actor ScriptedImplementation: ImplementationUnderTest {
    private var server: ReferenceServer
    private let roles: Set<Role>
    private let reportsInternal: Bool
    private let distort: @Sendable ([Message]) -> [Message]
    private var queue: [Message] = []

    package init(roles: Set<Role> = Set(Role.systemRoles), reportsInternal: Bool = true,
         distort: @escaping @Sendable ([Message]) -> [Message] = { $0 }) {
        self.roles = roles
        self.reportsInternal = reportsInternal
        self.distort = distort
        server = ReferenceServer(roles: roles)
    }

    package func start() async throws(HarnessFailure) -> Greeting {
        Greeting(implementation: "scripted", roles: roles, reportsInternal: reportsInternal)
    }

    package func reset(trace: String, setup: Administration) async throws(HarnessFailure) {
        server = ReferenceServer(roles: roles)
        _ = server.handle(WireProtocol.reset(trace: trace, setup: setup))
        queue = []
    }

    package func send(_ message: Message) async throws(HarnessFailure) {
        var outputs = server.outputs(of: message)
        if !reportsInternal { outputs.removeAll { roles.contains($0.from) && roles.contains($0.to) } }
        queue += distort(outputs)
    }

    package func receive(timeout: Duration) async throws(HarnessFailure) -> Message? {
        queue.isEmpty ? nil : queue.removeFirst()
    }

    package func logTail() async -> [String] { [] }
    package func stop() async {}
}

/// Short waits: the implementations of tests answer at once.
package let fastOptions = ReplayOptions(timeout: .seconds(1), quietPeriod: .milliseconds(30))

/// Replays a trace as `run` does, with short waits.
package func replay(_ trace: Trace, on implementation: ImplementationUnderTest) async throws -> ReplayResult {
    let greeting = try await implementation.start()
    return await Replayer.replay(trace, on: implementation, greeting: greeting, options: fastOptions)
}
