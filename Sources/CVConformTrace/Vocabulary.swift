/// The protocol's enumerated values that carry rules (contract section 2 and
/// I6): a session's media, the ACW's buttons and the reasons a disconnect
/// gives. Every module asks these rather than spelling the values again.

/// A session's media.
public enum Media: String, CaseIterable, Hashable, Sendable {
    case realtime, messaging

    /// The buttons that release a session of this media (I6): `drop` for
    /// real time, `close` or `suspend` for messaging.
    public var fittingButtons: [Button] {
        switch self {
        case .realtime: return [.drop]
        case .messaging: return [.close, .suspend]
        }
    }
}

/// A button of the Agent Control Window that releases a session.
public enum Button: String, CaseIterable, Hashable, Sendable {
    case drop, close, suspend

    /// Whether the button releases a session of this media (I6).
    public func fits(_ media: Media) -> Bool { media.fittingButtons.contains(self) }

    /// The reason the disconnect gives when this button released the session.
    public var reason: Reason {
        switch self {
        case .drop: return .dropped
        case .close: return .closed
        case .suspend: return .suspended
        }
    }
}

/// Why an agent's ACW was disconnected from a session.
public enum Reason: String, CaseIterable, Hashable, Sendable {
    case hangup, dropped, closed, suspended
}

/// Why the ECS refused a login (E1), in the order it checks them.
public enum Cause: String, CaseIterable, Hashable, Sendable {
    case unknownAgent = "unknown-agent"
    case unknownExtension = "unknown-extension"
    case agentLoggedIn = "agent-logged-in"
    case extensionInUse = "extension-in-use"
}

/// Who ended a session or logged an agent out at the switch.
public enum By: String, CaseIterable, Hashable, Sendable {
    case phone, request
}

/// The states a session's `progress` reports, in the order a session goes
/// through them.
public enum ProgressState: String, CaseIterable, Hashable, Sendable {
    case offered, queued, alerting, answered, dropped

    /// The parameters a `progress` in this state carries besides `session`
    /// and `state`.
    public var extraParameters: [ParameterName] {
        switch self {
        case .offered: return [.vdn]
        case .queued: return [.skill]
        case .alerting, .answered: return [.extension]
        case .dropped: return [.extension, .by]
        }
    }
}
