/// The name of a parameter of the message table (contract section 2). A
/// message keeps its parameters' names as these (in a `Parameters.NameKey`,
/// a word each), so that making, copying and reading one compares no
/// strings and counts no references.
/// Declared in the names' alphabetical order: a message keeps its
/// parameters sorted by name, and the raw values sort the same way.
public enum ParameterName: UInt8, CaseIterable, Comparable, Hashable, Sendable {
    case agent, button, by, cause, `extension`, media, reason, session, skill, state, vdn

    /// The name as the contract spells it.
    public var name: String {
        switch self {
        case .agent: return "agent"
        case .button: return "button"
        case .by: return "by"
        case .cause: return "cause"
        case .extension: return "extension"
        case .media: return "media"
        case .reason: return "reason"
        case .session: return "session"
        case .skill: return "skill"
        case .state: return "state"
        case .vdn: return "vdn"
        }
    }

    /// The parameter the contract spells this way; nil for a name outside
    /// the table. Lengths first: most names differ in length, and comparing
    /// two strings that differ is a call into the runtime.
    public init?(_ name: String) {
        let length = name.utf8.count
        for candidate in Self.cases where candidate.name.utf8.count == length && candidate.name == name {
            self = candidate
            return
        }
        return nil
    }

    /// `allCases`, made once: the property builds a new array each time.
    package static let cases = allCases

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
