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
    /// The first eight clauses, a byte each (ordinal plus one, the first in
    /// the lowest byte; zero: none), and any more in `moreClauses`. Every
    /// message judged makes a reaction, and an array of clauses was an
    /// allocation and a free for each.
    private var firstClauses: UInt64 = 0
    private var moreClauses: [Clause] = []
    public var emissions: [Emission] = []

    public init(clauses: [Clause] = [], emissions: [Emission] = []) {
        self.emissions = emissions
        for clause in clauses { apply(clause) }
    }

    /// The clauses that decided the reaction, in the order they applied.
    public var clauses: [Clause] {
        get {
            var all: [Clause] = []
            forEachClauseOrdinal { all.append(Clause.byOrdinal[$0]) }
            return all
        }
        set {
            firstClauses = 0
            moreClauses = []
            for clause in newValue { apply(clause) }
        }
    }

    mutating func apply(_ clause: Clause) {
        let used = (UInt64.bitWidth - firstClauses.leadingZeroBitCount + 7) / 8
        if used < 8 {
            firstClauses |= UInt64(clause.ordinal + 1) << UInt64(used * 8)
        } else {
            moreClauses.append(clause)
        }
    }

    /// The clauses' ordinals, in the order they applied, without building
    /// an array.
    func forEachClauseOrdinal(_ body: (Int) -> Void) {
        var word = firstClauses
        while word != 0 {
            body(Int(word & 0xFF) - 1)
            word >>= 8
        }
        for clause in moreClauses { body(clause.ordinal) }
    }

    mutating func send(_ clause: Clause, to: Role, from: Role, _ type: MessageType, _ parameters: Parameters) {
        // Room for four at once: grown one by one, a reaction that sends
        // two or three messages (many do) was allocated again for each.
        if emissions.isEmpty { emissions.reserveCapacity(4) }
        emissions.append(Emission(Message(from: from, to: to, type: type, parameters: parameters), clause))
    }

    /// Empty again, keeping its storage for the next message.
    mutating func clear() {
        firstClauses = 0
        moreClauses.removeAll(keepingCapacity: true)
        emissions.removeAll(keepingCapacity: true)
    }

    /// The ordinal of the clause that decided the reaction (the first one
    /// applied).
    var decidingOrdinal: Int? { firstClauses == 0 ? nil : Int(firstClauses & 0xFF) - 1 }

    /// The clause that decided the reaction (the first one applied).
    public var decidingClause: Clause? { decidingOrdinal.map { Clause.byOrdinal[$0] } }
}

/// A system role's state machine: one message in, a reaction out, no side
/// effects. The monitor, the reference implementation and the diagram
/// generator all drive these.
public protocol RoleMachine: CustomStringConvertible, Sendable {
    static var role: Role { get }
    init(administration: Administration)
    /// Receives a message addressed to this role, writing what it does
    /// into `reaction`, which arrives empty. (The caller may keep one
    /// reaction from message to message: an array of emissions made for
    /// every message was a tenth of explore's allocations.)
    mutating func receive(_ message: Message, into reaction: inout Reaction)
}

extension RoleMachine {
    /// Receives a message addressed to this role.
    public mutating func receive(_ message: Message) -> Reaction {
        var reaction = Reaction()
        receive(message, into: &reaction)
        return reaction
    }
}
