import CVConformHarness
import CVConformTrace

/// What kind of failure a replay met, without its values: a shrinker keeps
/// a candidate only when it fails the same way, so it cannot slip from one
/// bug to another while it simplifies.
///
/// A wrong output and an extra one are the same failure when the same kind
/// of message comes on the same channel: the implementation sends what it
/// should not, whether or not something else was owed there at the time.
package enum FailureSignature: Hashable, Sendable, CustomStringConvertible {
    /// A message came that the trace does not have there: another was
    /// expected on its channel, or nothing was.
    case unwantedOutput(Channel, observed: String)
    /// An expected message did not come.
    case missingOutput(Channel, expected: String)
    /// The harness could not go on (crash, hang, flood, protocol broken).
    case harnessError(HarnessFailure.Kind)

    /// The signature of a replay that did not pass; nil for pass and skip.
    package init?(_ result: ReplayResult) {
        switch result.verdict {
        case .pass, .skip:
            return nil
        case .error:
            self = .harnessError(result.failure?.kind ?? .protocolViolation)
        case .fail:
            guard let divergence = result.divergence else { return nil }
            switch divergence.kind {
            case .missing:
                guard let expected = divergence.expected else { return nil }
                self = .missingOutput(expected.channel, expected: Self.shape(expected))
            case .unexpected(let message), .extra(let message):
                self = .unwantedOutput(message.channel, observed: Self.shape(message))
            }
        }
    }

    /// A message's type, with the state of a `progress` (its parameters
    /// differ by state).
    static func shape(_ message: Message) -> String {
        message.type == .progress ? "progress(\(message[.state]))" : message.type.rawValue
    }

    package var description: String {
        switch self {
        case .unwantedOutput(let channel, let observed): return "an unwanted \(observed) on \(channel)"
        case .missingOutput(let channel, let expected): return "no \(expected) on \(channel)"
        case .harnessError(let kind): return "harness error (\(kind.rawValue))"
        }
    }
}
