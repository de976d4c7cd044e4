import CVConformTrace

/// Which stimuli of a message sequence race (contract section 8): a
/// stimulus (a message from an environment role) placed while messages,
/// internal ones included, are still owed. Racing is a property of the
/// trace, the same whatever roles an implementation plays or reports.
public enum RacingStimuli {
    /// The 0-based places of the racing stimuli, up to the first message
    /// the model does not allow.
    public static func places(in messages: some Sequence<Message>, administration: Administration) -> [Int] {
        var monitor = Monitor(administration: administration)
        var places: [Int] = []
        for (index, message) in messages.enumerated() {
            if !message.from.isSystem && !monitor.isQuiescent { places.append(index) }
            guard case .allowed = monitor.observe(message, keepingReaction: false) else { break }
        }
        return places
    }
}

extension Trace {
    /// The 0-based places of the stimuli this trace places while messages
    /// are still owed.
    public var racingStimuli: [Int] {
        RacingStimuli.places(in: entries.lazy.map(\.message), administration: header.setup)
    }

    /// Whether the trace places any stimulus while messages are still owed.
    public var isRacy: Bool { !racingStimuli.isEmpty }
}
