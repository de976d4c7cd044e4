import CVConformTrace

/// What an implementation says of itself in `hello` (contract section 5).
package struct Greeting: Hashable, Sendable {
    package var implementation: String
    /// The system roles it plays: any non-empty subset of icm, cvct, ecs.
    package var roles: Set<Role>
    /// Whether it reports messages between its own roles.
    package var reportsInternal: Bool
    /// Optional extensions it offers in its hello (`"capabilities":[...]`):
    /// "sync" lets the harness ask it to confirm it is idle instead of
    /// waiting out the quiet period.
    package var capabilities: Set<String> = []

    package init(implementation: String, roles: Set<Role>, reportsInternal: Bool) {
        self.implementation = implementation
        self.roles = roles
        self.reportsInternal = reportsInternal
    }
}
