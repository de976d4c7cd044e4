import CVConformTrace

/// A system that stimuli are propagated through one after another (the
/// reference implementation's, `serve`'s): the reference kept as its own
/// type, so that its propagation is the copy compiled for it (another module
/// calling the protocol's method gets it unspecialized, each delivery
/// through the witness table), or any other system (a mutant). The last
/// propagation is kept, so its lists are allocated once.
package struct PropagatingSystem: Sendable {
    private var reference: ReferenceSystem?
    private var other: (any MessageDelivering)?
    /// What the last stimulus caused.
    package private(set) var propagation = Propagation()
    /// Each delivery's reaction, kept so its list is allocated once too.
    private var reaction = Reaction()

    package init(_ system: any MessageDelivering) {
        if let reference = system as? ReferenceSystem {
            self.reference = reference
        } else {
            other = system
        }
    }

    /// Propagates a stimulus within `roles` (see
    /// `MessageDelivering.propagate(_:within:into:)`); `propagation` then
    /// holds what it caused.
    package mutating func propagate(_ stimulus: Message, within roles: Set<Role> = ReferenceSystem.allSystemRoles) {
        if reference != nil {
            reference?.propagate(stimulus, within: roles, into: &propagation, reaction: &reaction)
        } else {
            other?.propagate(stimulus, within: roles, into: &propagation, reaction: &reaction)
        }
    }
}
