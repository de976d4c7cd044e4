import CVConformTrace

extension ReferenceSystem {
    /// Everything one stimulus causes inside `roles`: the stimulus goes to
    /// its receiver, and each message a played role sends goes on to the
    /// next played role, breadth first, so each channel's messages come out
    /// in the order their role sent them. Messages to roles outside `roles`
    /// are reported but go no further (the environment, or a role someone
    /// else plays). The result is what the reference model sends, in order,
    /// with the clause behind each message.
    ///
    /// This is the one place that says how a stimulus travels through the
    /// system: `serve`, the reference implementation, `explore`, `load` and
    /// `generate` all use it.
    public mutating func propagate(_ stimulus: Message, within roles: Set<Role> = Self.allSystemRoles) -> [Emission] {
        var sent: [Emission] = []
        guard roles.contains(stimulus.to) else { return sent }
        var pending = [stimulus]
        var index = 0
        while index < pending.count {
            let current = pending[index]
            index += 1
            guard let reaction = deliver(current) else { continue }
            for emission in reaction.emissions {
                sent.append(emission)
                if roles.contains(emission.message.to) { pending.append(emission.message) }
            }
        }
        return sent
    }

    public static let allSystemRoles = Set(Role.systemRoles)
}
