import CVConformTrace

/// The model run over a prefix of a trace, remembering which message caused
/// each owed one, so a diagnosis can show a role's state before the message
/// that made it decide.
package struct ModelCauses {
    package let messages: [Message]
    package let setup: Administration
    package let start: ReferenceSystem?
    package private(set) var monitor: Monitor
    /// Per channel, the position of the message that caused each owed one.
    private var causes: [Channel: [Int]] = [:]

    /// `start`: the system's state before the first message (its initial
    /// state when nil).
    package init(messages: [Message], setup: Administration, from start: ReferenceSystem? = nil) {
        self.messages = messages
        self.setup = setup
        self.start = start
        monitor = start.map(Monitor.init(system:)) ?? Monitor(administration: setup)
        for (index, message) in messages.enumerated() {
            if message.from.isSystem, var queue = causes[message.channel], !queue.isEmpty {
                queue.removeFirst()
                causes[message.channel] = queue
            }
            guard case .allowed(let reaction) = monitor.observe(message) else { break }
            for emission in reaction?.emissions ?? [] { causes[emission.message.channel, default: []].append(index) }
        }
    }


    /// The position of the message whose reaction owes the next message on
    /// a channel.
    package func cause(ofNextOn channel: Channel) -> Int? { causes[channel]?.first }

    /// A role's state just before the message at `position` was received
    /// (after the whole prefix when nil).
    package func state(of role: Role, before position: Int?) -> String {
        guard let position else { return monitor.system.state(of: role) }
        var earlier = start.map(Monitor.init(system:)) ?? Monitor(administration: setup)
        for message in messages.prefix(position) { _ = earlier.observe(message) }
        return earlier.system.state(of: role)
    }
}
