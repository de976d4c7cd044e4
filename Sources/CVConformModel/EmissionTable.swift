import CVConformTrace

/// The shape of a message a rule sends: its channel and type, and for the
/// messages whose meaning turns on one word, that word (a progress's state
/// and `by`, a logged-out's `by`, a disconnect's reason, a login-denied's
/// cause). Values of ids are not part of it.
public struct EmissionShape: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var from: Role
    public var to: Role
    public var type: MessageType
    /// The distinguishing word, if the type has one.
    public var word: String?

    public init(_ message: Message) {
        from = message.from
        to = message.to
        type = message.type
        switch message.type {
        case .progress: word = message[.state] + (message.parameters[.by].map { " by \($0)" } ?? "")
        case .loggedOut: word = "by " + message[.by]
        case .disconnect: word = message[.reason]
        case .loginDenied, .loginFailed: word = message[.cause]
        default: word = nil
        }
    }

    public var channel: Channel { Channel(from: from, to: to) }

    /// `progress(alerting)`, `logged-out(by phone)`, `alert`.
    public var description: String { type.rawValue + (word.map { "(\($0))" } ?? "") }

    public static func < (lhs: EmissionShape, rhs: EmissionShape) -> Bool {
        (lhs.from.order, lhs.to.order, lhs.type.ordinal, lhs.word ?? "") < (rhs.from.order, rhs.to.order, rhs.type.ordinal, rhs.word ?? "")
    }
}

/// What each rule sends, derived from the machines themselves by walking
/// each one over every message it can receive (as the diagram generator
/// does), so that it cannot drift from them: the shapes each clause emits,
/// the pairs it emits side by side in one reaction, whether it changes the
/// role's state, and the reverse (which clauses send a shape). Diagnostics
/// ("which rule sends this message") and mutation analysis read it.
public struct EmissionTable: Sendable {
    /// Shapes each clause emits, in the order first seen.
    public private(set) var shapes: [Clause: [EmissionShape]] = [:]
    /// Neighbouring emissions of one reaction, both made by the clause.
    public private(set) var neighbours: [Clause: [[EmissionShape]]] = [:]
    /// Clauses that, deciding a reaction, changed the role's state.
    public private(set) var changesState: Set<Clause> = []
    /// Clauses seen deciding a reaction.
    public private(set) var decides: Set<Clause> = []
    /// How often each clause emitted each shape (to rank the reverse).
    private var counts: [EmissionShape: [Clause: Int]] = [:]
    /// One message of each shape seen (for tests and descriptions).
    public private(set) var exampleMessages: [Message] = []
    /// For each kind of message a role takes (channel and type), the kinds
    /// of message it was seen to send for it.
    private var sentFor: [MessageKind: Set<MessageKind>] = [:]

    /// A message's channel and type.
    struct MessageKind: Hashable, Sendable {
        var channel: Channel
        var type: MessageType
        init(_ message: Message) {
            channel = message.channel
            type = message.type
        }
    }

    /// The table of the reference model (derived once, on first use).
    public static let reference = EmissionTable.derive()

    /// Walks every role machine over the universe of messages it can receive.
    public static func derive(steps: Int = 30_000, seed: UInt64 = 0x5EED_7AB1E) -> EmissionTable {
        var table = EmissionTable()
        var random = SeededRandom(seed: seed)
        table.walk(ICMMachine.self, steps: steps, random: &random)
        table.walk(CVCTMachine.self, steps: steps, random: &random)
        table.walk(ECSMachine.self, steps: steps, random: &random)
        return table
    }

    private mutating func walk<Machine: RoleMachine & Equatable>(_ type: Machine.Type, steps: Int, random: inout SeededRandom) {
        let universe = ModelExplorer.inputs(for: Machine.role)
        var machine = Machine(administration: ModelExplorer.administration)
        for step in 0..<steps {
            if step % 48 == 0 { machine = Machine(administration: ModelExplorer.administration) }
            let before = machine
            let input = random.pick(universe)
            let reaction = machine.receive(input)
            // Whether the state changed matters only for a clause not yet
            // seen to change it: comparing machines is most of the walk.
            let deciding = reaction.decidingClause
            record(reaction, changed: deciding.map { !changesState.contains($0) } == true && machine != before)
            let kind = MessageKind(input)
            if sentFor[kind] == nil { sentFor[kind] = [] }
            for emission in reaction.emissions { sentFor[kind]?.insert(MessageKind(emission.message)) }
        }
    }

    /// Records one reaction.
    mutating func record(_ reaction: Reaction, changed: Bool) {
        if let deciding = reaction.decidingClause {
            decides.insert(deciding)
            if changed { changesState.insert(deciding) }
        }
        var previous: Emission?
        for emission in reaction.emissions {
            let shape = EmissionShape(emission.message)
            if shapes[emission.clause]?.contains(shape) != true { shapes[emission.clause, default: []].append(shape) }
            if counts[shape] == nil { exampleMessages.append(emission.message) }
            counts[shape, default: [:]][emission.clause, default: 0] += 1
            if let previous, previous.clause == emission.clause {
                let pair = [EmissionShape(previous.message), shape]
                if neighbours[emission.clause]?.contains(pair) != true { neighbours[emission.clause, default: []].append(pair) }
            }
            previous = emission
        }
    }

    /// The clauses whose rule sends a message of this shape: core before
    /// extended, then the one that sends it most often first.
    public func clauses(sending message: Message) -> [Clause] {
        let shape = EmissionShape(message)
        guard let byClause = counts[shape] else { return [] }
        return byClause.keys.sorted { lhs, rhs in
            if lhs.profile != rhs.profile { return lhs.profile == .core }
            let (l, r) = (byClause[lhs] ?? 0, byClause[rhs] ?? 0)
            return l != r ? l > r : lhs < rhs
        }
    }

    /// Every shape any clause emits.
    public var allShapes: Set<EmissionShape> { Set(counts.keys) }

    /// Whether some rule, directly or through the roles that relay what
    /// it sends, sends a message of `output`'s channel and type for a
    /// message like `stimulus` (a run's blame: which stimulus could have
    /// caused an output, and which cannot).
    public func canCause(_ stimulus: Message, _ output: Message) -> Bool {
        let target = MessageKind(output)
        var seen: Set<MessageKind> = [MessageKind(stimulus)]
        var frontier = [MessageKind(stimulus)]
        while let kind = frontier.popLast() {
            for next in sentFor[kind] ?? [] where seen.insert(next).inserted {
                if next == target { return true }
                if next.channel.to.isSystem { frontier.append(next) }
            }
        }
        return false
    }
}
