import CVConformHarness
import CVConformTrace

extension Finding {
    /// The finding in one line a person acts on: for a message of the
    /// expected type with other values, which values ("alert on ecs→phone
    /// for extension 4002, where extension 4001 was expected"); otherwise
    /// the failure's kind.
    package var headline: String {
        guard let divergence = result.divergence else { return signature.description }
        return Self.headline(divergence) ?? signature.description
    }

    /// The values a wrong message got wrong, in words; nil when the
    /// divergence is not a message of the expected type with other values.
    package static func headline(_ divergence: Divergence) -> String? {
        guard case .unexpected(let observed) = divergence.kind, let expected = divergence.expected,
              expected.channel == observed.channel, expected.type == observed.type
        else { return nil }
        let differing = observed.orderedParameters.filter { expected.parameters[$0.name] != $0.value }
        guard !differing.isEmpty else { return nil }
        let got = differing.map { "\($0.name) \($0.value)" }.joined(separator: ", ")
        let wanted = differing.map { "\($0.name) \(expected.parameters[$0.name] ?? "none")" }.joined(separator: ", ")
        return "\(FailureSignature.shape(observed)) on \(observed.channel) for \(got), where \(wanted) was expected"
    }
}
