import CVConformTrace

/// What an implementation says of itself in `hello` (contract section 5).
package struct Greeting: Hashable, Sendable {
    package var implementation: String
    /// The system roles it plays: any non-empty subset of icm, cvct, ecs.
    package var roles: Set<Role> {
        didSet { playedMask = Self.mask(of: roles) }
    }
    /// `roles` as a bit per role (its order): asked for every message
    /// judged, where hashing into the set was a few percent of explore.
    private var playedMask: UInt8
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
        playedMask = Self.mask(of: roles)
    }

    /// Whether the implementation plays the role.
    package func plays(_ role: Role) -> Bool { playedMask & (1 << UInt8(role.order)) != 0 }

    private static func mask(of roles: Set<Role>) -> UInt8 {
        roles.reduce(0) { $0 | 1 << UInt8($1.order) }
    }
}
