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
    /// Storage of messages already judged, for the next messages sent
    /// (`recycle`): a caller that keeps one reaction from message to
    /// message makes the model's messages without allocating. Not part of
    /// the reaction's value.
    private var spareParameters: [Parameters] = []
    private static let sparesKept = 32

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

    /// Equal when they applied the same clauses and send the same messages
    /// (spare storage is no part of it).
    public static func == (lhs: Reaction, rhs: Reaction) -> Bool {
        lhs.firstClauses == rhs.firstClauses && lhs.moreClauses == rhs.moreClauses && lhs.emissions == rhs.emissions
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(firstClauses)
        hasher.combine(moreClauses)
        hasher.combine(emissions)
    }

    /// Keeps the storage of a message judged and done with, to make a
    /// message this reaction sends in it (when nothing else holds it by
    /// then; else that message is made anew).
    package mutating func recycle(_ parameters: consuming Parameters) {
        guard spareParameters.count < Self.sparesKept else { return }
        spareParameters.append(parameters)
    }

    // Sends with the parameters given in name order: made in spare
    // storage when there is some, else as before (a reaction nothing was
    // recycled into, as explore's, has none).

    mutating func send(_ clause: Clause, to: Role, from: Role, _ type: MessageType, _ name1: ParameterName, _ value1: String) {
        guard var parameters = spareParameters.popLast() else {
            return send(clause, to: to, from: from, type, Parameters(name1, value1))
        }
        parameters.refill(name1, value1)
        send(clause, to: to, from: from, type, parameters)
    }

    mutating func send(
        _ clause: Clause, to: Role, from: Role, _ type: MessageType,
        _ name1: ParameterName, _ value1: String, _ name2: ParameterName, _ value2: String
    ) {
        guard var parameters = spareParameters.popLast() else {
            return send(clause, to: to, from: from, type, Parameters(name1, value1, name2, value2))
        }
        parameters.refill(name1, value1, name2, value2)
        send(clause, to: to, from: from, type, parameters)
    }

    mutating func send(
        _ clause: Clause, to: Role, from: Role, _ type: MessageType,
        _ name1: ParameterName, _ value1: String, _ name2: ParameterName, _ value2: String,
        _ name3: ParameterName, _ value3: String
    ) {
        guard var parameters = spareParameters.popLast() else {
            return send(clause, to: to, from: from, type, Parameters(name1, value1, name2, value2, name3, value3))
        }
        parameters.refill(name1, value1, name2, value2, name3, value3)
        send(clause, to: to, from: from, type, parameters)
    }

    mutating func send(
        _ clause: Clause, to: Role, from: Role, _ type: MessageType,
        _ name1: ParameterName, _ value1: String, _ name2: ParameterName, _ value2: String,
        _ name3: ParameterName, _ value3: String, _ name4: ParameterName, _ value4: String
    ) {
        guard var parameters = spareParameters.popLast() else {
            return send(clause, to: to, from: from, type, Parameters(name1, value1, name2, value2, name3, value3, name4, value4))
        }
        parameters.refill(name1, value1, name2, value2, name3, value3, name4, value4)
        send(clause, to: to, from: from, type, parameters)
    }

    /// Sends a message with a received message's parameters: a copy in
    /// spare storage when there is some (sharing the received message's
    /// storage would make its reader allocate anew for its next message),
    /// else that very storage.
    mutating func relay(_ clause: Clause, to: Role, from: Role, _ type: MessageType, _ parameters: Parameters) {
        guard var copy = spareParameters.popLast() else {
            send(clause, to: to, from: from, type, parameters)
            return
        }
        copy.refill(copying: parameters)
        send(clause, to: to, from: from, type, copy)
    }

    mutating func send(_ clause: Clause, to: Role, from: Role, _ type: MessageType, _ parameters: Parameters) {
        // Room for four at once: grown one by one, a reaction that sends
        // two or three messages (many do) was allocated again for each.
        if emissions.isEmpty { emissions.reserveCapacity(4) }
        emissions.append(Emission(Message(from: from, to: to, type: type, parameters: parameters), clause))
    }

    /// Empty again, keeping its storage (and its spares) for the next
    /// message.
    mutating func clear() {
        firstClauses = 0
        // Only when there is something to remove: emptying goes through
        // the generic `replaceSubrange` even for an empty list, and a
        // monitor's reaction is usually emptied already.
        if !moreClauses.isEmpty { moreClauses.removeAll(keepingCapacity: true) }
        if !emissions.isEmpty { emissions.removeAll(keepingCapacity: true) }
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
