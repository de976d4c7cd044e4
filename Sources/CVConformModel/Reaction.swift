import CVConformTrace

/// A message a role sends, with the clause that makes it send it.
public struct Emission: Hashable, Sendable, CustomStringConvertible {
    public var message: Message
    public var clause: Clause

    public init(_ message: Message, _ clause: Clause) {
        self.message = message
        self.clause = clause
    }

    public var description: String { "\(message) [\(clause.id)]" }
}

/// What a role does on receiving one message: the clauses that decided it, in
/// the order they applied, and the messages it sends (possibly none: an
/// ignored message changes nothing and sends nothing).
public struct Reaction: Hashable, Sendable {
    public var clauses: [Clause] = []
    public var emissions: [Emission] = []

    public init(clauses: [Clause] = [], emissions: [Emission] = []) {
        self.clauses = clauses
        self.emissions = emissions
    }

    mutating func apply(_ clause: Clause) { clauses.append(clause) }

    mutating func send(_ clause: Clause, to: Role, from: Role, _ type: MessageType, _ parameters: Parameters) {
        // Room for four at once: grown one by one, a reaction that sends
        // two or three messages (many do) was allocated again for each.
        if emissions.isEmpty { emissions.reserveCapacity(4) }
        emissions.append(Emission(Message(from: from, to: to, type: type, parameters: parameters), clause))
    }

    /// The clause that decided the reaction (the first one applied).
    public var decidingClause: Clause? { clauses.first }
}

/// A system role's state machine: one message in, a reaction out, no side
/// effects. The monitor, the reference implementation and the diagram
/// generator all drive these.
public protocol RoleMachine: CustomStringConvertible, Sendable {
    static var role: Role { get }
    init(administration: Administration)
    /// Receives a message addressed to this role.
    mutating func receive(_ message: Message) -> Reaction
}
