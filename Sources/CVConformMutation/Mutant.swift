import CVConformModel
import CVConformTrace

/// The kinds of deliberate mistake a mutant makes (MoMuT's operators, for
/// this model).
public enum MutationOperator: String, CaseIterable, Hashable, Sendable, Comparable {
    /// A rule leaves out one of the messages it sends.
    case omit
    /// A rule sends one of its messages twice.
    case duplicate
    /// A rule sends two of its messages in the other order.
    case swap
    /// A rule sends a message to the wrong role.
    case wrongRole = "wrong-role"
    /// A rule puts another value in scope into a parameter.
    case replaceValue = "replace-value"
    /// A rule sends what it should but its role forgets the state change.
    case skipStateChange = "skip-state-change"
    /// A role ignores a stimulus the rule handles.
    case ignoreStimulus = "ignore-stimulus"
    /// A role reacts to a stimulus the rule says to ignore.
    case reactToIgnored = "react-to-ignored"
    /// A choice goes the other way: least idle, latest queued.
    case reverseChoice = "reverse-choice"
    /// Two of the login checks are made in the other order.
    case reorderGuards = "reorder-guards"
    /// An agent who becomes available is not given a queued session.
    case stopDispatch = "stop-dispatch"
    /// A role reads ids as numbers: 0101 and 101 are one.
    case idsAsNumbers = "ids-as-numbers"

    public static func < (lhs: MutationOperator, rhs: MutationOperator) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// A copy of the reference model with one deliberate mistake in one clause.
/// Its id, `CLAUSE/operator/site`, depends only on the model, so it is the
/// same in every run and for every suite.
public struct Mutant: Hashable, Sendable, Identifiable, Comparable, CustomStringConvertible {
    public let id: String
    public let clause: Clause
    public let mutation: MutationOperator
    public let site: String
    /// One line saying what the mutant does wrong.
    public let summary: String
    let change: MutantChange

    init(_ clause: Clause, _ mutation: MutationOperator, site: String = "", _ summary: String, _ change: MutantChange) {
        self.clause = clause
        self.mutation = mutation
        self.site = site
        id = site.isEmpty ? "\(clause.id)/\(mutation.rawValue)" : "\(clause.id)/\(mutation.rawValue)/\(site)"
        self.summary = summary
        self.change = change
    }

    public var description: String { "\(id): \(summary)" }

    public static func < (lhs: Mutant, rhs: Mutant) -> Bool {
        (lhs.clause, lhs.mutation, lhs.site) < (rhs.clause, rhs.mutation, rhs.site)
    }
}

/// What a mutant changes.
enum MutantChange: Hashable, Sendable {
    case omit(EmissionShape)
    case duplicate(EmissionShape)
    case swap(EmissionShape, EmissionShape)
    case redirect(EmissionShape, to: Role)
    /// A word parameter (reason, cause, state, by, media) set to a value.
    case replaceWord(EmissionShape, parameter: String, value: String)
    /// An id parameter set to another id of its kind in scope.
    case replaceID(EmissionShape, parameter: String)
    case skipStateChange
    case ignoreStimulus
    case reactToIgnored
    case variation(ECSVariation)
    case idsAsNumbers(Role)
}
