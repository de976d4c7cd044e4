import CVConformModel
import CVConformMutation
import CVConformTrace

/// What `verify` checks: the reference system, or a mutant of it.
protocol VerifiedSystem: MessageDelivering, Sendable {
    /// The machines' state, for packing and for the invariants.
    var machines: ReferenceSystem { get }
    /// Puts the switch in its canonical form after it took a message.
    mutating func normalizeSwitch()
    /// A copy of `other` that nothing changed (see
    /// `ReferenceSystem.sharesState(with:)`).
    func sharesState(with other: Self) -> Bool
}

extension ReferenceSystem: VerifiedSystem {
    var machines: ReferenceSystem { self }
}

extension MutatedSystem: VerifiedSystem {
    var machines: ReferenceSystem { system }

    func sharesState(with other: MutatedSystem) -> Bool { system.sharesState(with: other.system) }
}

extension VerifiedSystem {
    /// A role takes a message with races (`verify --races`): what it sends
    /// to a system role goes in flight. A message to the CVCT is relayed at
    /// once: the CVCT keeps no state and alone writes its output channels,
    /// so its relay commutes with every other step (a sound partial-order
    /// reduction; a state never holds a message to the CVCT). `written`
    /// sees messages where a racy trace places them (RACE-13): each output
    /// to the environment when sent, each relay to the CVCT when taken.
    /// Returns the clauses applied, nil when no system role took the message.
    mutating func take(_ message: Message, into inFlight: inout ChannelQueues<Message>,
                       written: (Message) -> Void = { _ in }) -> [Clause]? {
        guard let reaction = deliver(message) else { return nil }
        if message.to != .cvct { normalizeSwitch() }
        var clauses = reaction.clauses
        for emission in reaction.emissions {
            let sent = emission.message
            if !sent.to.isSystem {
                written(sent)
            } else if sent.to == .cvct && message.to != .cvct {
                written(sent)
                if let relayed = take(sent, into: &inFlight, written: written) { clauses += relayed }
            } else {
                inFlight.append(sent, on: sent.channel.slot)
            }
        }
        return clauses
    }
}
