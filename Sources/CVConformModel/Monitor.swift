import CVConformTrace

/// Judges a message sequence against the reference model (contract section 4).
///
/// Each message is received at its place: it is delivered to its receiving
/// role, whose reaction makes messages owed on their channels. A message from
/// an environment role is always allowed; one from a system role is allowed
/// when it is the oldest message owed on its channel.
public struct Monitor: Sendable {
    public private(set) var system: ReferenceSystem
    /// Owed messages per channel, oldest first, indexed by `slot(of:)`:
    /// an array, not a dictionary, since this runs for every message. (One
    /// list for all channels touched less memory, but a system that never
    /// sends what one channel owes would make every other channel's message
    /// scan past all of it.)
    private var owed: [[Emission]] = Array(repeating: [], count: Channel.count)
    private var owedCount = 0
    /// The clause that decided each role's last reaction, for diagnostics:
    /// a byte per role (its order), the clause's ordinal, 0xFF for none.
    /// Bit sets kept in the monitor itself: a log of many cells keeps
    /// hundreds of monitors, and each separate array a message touched was
    /// a cache miss.
    private var lastDecisions: UInt64 = .max
    /// Every clause applied so far, in first-applied order.
    public private(set) var clausesApplied: [Clause] = []
    /// A bit per clause (its ordinal): applied so far.
    private var clauseSeen: UInt64 = 0
    /// 1-based position of the last message observed.
    public private(set) var position = 0

    public init(administration: Administration) {
        system = ReferenceSystem(administration: administration)
    }

    /// A monitor that starts from a system's state (quiet: nothing owed),
    /// for judging a run from the middle of it (one step of a `load` cell).
    public init(system: ReferenceSystem) {
        self.system = system
    }

    /// True when nothing is owed.
    public var isQuiescent: Bool { owedCount == 0 }

    /// Everything owed, channel by channel in a stable order, oldest first.
    public var owedEmissions: [Emission] { owed.flatMap { $0 } }

    /// What is owed on one channel, oldest first.
    public func owed(on channel: Channel) -> [Emission] { owed[Self.slot(of: channel)] }

    /// The clause that decided a role's last reaction.
    private func lastDecision(of role: Role) -> Clause? {
        let ordinal = Int((lastDecisions >> UInt64(role.order * 8)) & 0xFF)
        return ordinal < Clause.byOrdinal.count ? Clause.byOrdinal[ordinal] : nil
    }

    private static func slot(of channel: Channel) -> Int { channel.number }

    public enum Judgement: Hashable, Sendable {
        case allowed(Reaction?)
        /// Boxed: rare and large, it made every judgement as large to copy.
        indirect case rejected(Rejection)
    }

    /// Observes the next message. A rejected message changes nothing.
    ///
    /// Without `keepingReaction` an allowed message's reaction is not
    /// returned (`.allowed(nil)`), and its emissions are moved into what is
    /// owed rather than copied (a copy retains each emission's message).
    public mutating func observe(_ message: Message, keepingReaction: Bool = true) -> Judgement {
        var reaction = Reaction()
        let input = ObservedMessage(message)
        return observe(input, keepingReaction: keepingReaction, reaction: &reaction, recycling: false).judgement
    }

    /// The same, the reaction made in `scratch`, which the caller keeps from
    /// message to message: without `keepingReaction` its storage serves
    /// every message, and judging allocates no list of emissions (one per
    /// message that sent anything, a tenth of judging a log), nor, in the
    /// storage of the owed messages it matches, the model's messages.
    public mutating func observe(_ message: Message, keepingReaction: Bool, scratch reaction: inout Reaction) -> Judgement {
        let input = ObservedMessage(message)
        return observe(input, keepingReaction: keepingReaction, scratch: &reaction).judgement
    }

    /// The same for a message made only where it must be (see
    /// `ObservedMessage`): a line that is, byte for byte, the message owed
    /// is delivered as the owed one. Gives back the message observed, made
    /// or owed.
    public mutating func observe(
        _ input: ObservedMessage, keepingReaction: Bool, scratch reaction: inout Reaction
    ) -> (judgement: Judgement, message: Message) {
        // A reaction handed back is copied, spares and all: recycled into
        // it, storage would be shared and made anew anyway.
        observe(input, keepingReaction: keepingReaction, reaction: &reaction, recycling: !keepingReaction)
    }

    private mutating func observe(
        _ input: ObservedMessage, keepingReaction: Bool, reaction: inout Reaction, recycling: Bool
    ) -> (judgement: Judgement, message: Message) {
        position += 1
        let message: Message
        var recyclesDelivered = false
        if input.from.isSystem {
            let slot = Self.slot(of: Channel(from: input.from, to: input.to))
            guard !owed[slot].isEmpty else {
                let made = input.make()
                return (.rejected(rejection(of: made)), made)
            }
            // remove(at:) shifts the few left in place; removeFirst() went
            // through the generic replaceSubrange, 5% of judging a log.
            if input.isIdentical(to: owed[slot][0].message) {
                // A line that is the owed message, byte for byte: the owed
                // message is delivered, and its storage then recycled.
                message = owed[slot].remove(at: 0).message
                owedCount -= 1
                recyclesDelivered = recycling
            } else {
                let made = input.make()
                guard owed[slot][0].message == made else { return (.rejected(rejection(of: made)), made) }
                let matched = owed[slot].remove(at: 0)
                owedCount -= 1
                // Its storage makes a message the reaction sends: judging
                // then allocates nothing for the model's messages either.
                if recycling { reaction.recycle(matched.message.parameters) }
                message = made
            }
        } else {
            message = input.make()
        }
        defer {
            // After delivery: the message delivered holds it until then.
            if recyclesDelivered { reaction.recycle(message.parameters) }
        }
        guard system.deliver(message, into: &reaction) else { return (.allowed(nil), message) }
        let shift = UInt64(message.to.order * 8)
        let decided = UInt64(reaction.decidingOrdinal ?? 0xFF)
        lastDecisions = lastDecisions & ~(0xFF << shift) | decided << shift
        reaction.forEachClauseOrdinal { ordinal in
            guard clauseSeen & (1 << UInt64(ordinal)) == 0 else { return }
            clauseSeen |= 1 << UInt64(ordinal)
            clausesApplied.append(Clause.byOrdinal[ordinal])
        }
        guard keepingReaction else {
            // Moved into what is owed, not copied (a copy retains each
            // emission's message): popLast moves each out, so reversed
            // first to keep their order; the list keeps its storage.
            reaction.emissions.reverse()
            while let emission = reaction.emissions.popLast() {
                owed[Self.slot(of: emission.message.channel)].append(emission)
                owedCount += 1
            }
            return (.allowed(nil), message)
        }
        for emission in reaction.emissions {
            owed[Self.slot(of: emission.message.channel)].append(emission)
            owedCount += 1
        }
        return (.allowed(reaction), message)
    }

    /// Whether the model still has anything to do with a session: a role
    /// holds it (requested, queued, alerting, connected) or an owed message
    /// names it. Cells forget a session's cell once this turns false.
    package func holds(session: String) -> Bool {
        if system.holds(session: session) { return true }
        guard owedCount > 0 else { return false }
        for queue in owed where !queue.isEmpty {
            for emission in queue where emission.message.parameters[.session] == session { return true }
        }
        return false
    }

    /// Sets a rejection's sender state to the one it decided in: before the
    /// message whose reaction owes what was expected on the channel.
    /// `messages` are every message judged before the rejected one, from
    /// `setup`'s initial state; `place` names a message by its index there.
    public static func explainDecision(_ rejection: inout Rejection, messages: [Message], setup: Administration,
                                       place: (Int) -> String) {
        guard rejection.race == nil, !rejection.owedOnChannel.isEmpty else { return }
        let causes = ModelCauses(messages: messages, setup: setup)
        guard let cause = causes.cause(ofNextOn: rejection.message.channel) else { return }
        rejection.roleState = causes.state(of: rejection.message.from, before: cause)
        rejection.decidedAfter = place(cause)
    }

    private func rejection(of message: Message) -> Rejection {
        let channel = message.channel
        let owedHere = owed(on: channel)
        // What was owed says which rule this message should have followed;
        // with nothing owed, the rule that sends such a message says when.
        let clause = owedHere.first?.clause ?? Clause.sending(message).first ?? lastDecision(of: message.from)
        var rejection = Rejection(
            position: position, message: message, owedOnChannel: owedHere.map(\.message),
            clause: clause, roleState: system.state(of: message.from)
        )
        rejection.lastClause = lastDecision(of: message.from)
        return rejection
    }
}

/// Why a message is not allowed where it stands, in the terms a person needs:
/// what was owed instead on its channel, the sending role's state, the clause.
public struct Rejection: Hashable, Sendable, CustomStringConvertible {
    public var position: Int
    public var message: Message
    /// What the sender owed on this channel, oldest first (empty: nothing).
    public var owedOnChannel: [Message]
    /// The clause that owes the oldest message here, or else the rule that
    /// sends messages like this one.
    public var clause: Clause?
    public var roleState: String
    /// When `roleState` is the sender's state before the message whose
    /// reaction owes what was expected here (the state it decided in), that
    /// message's place as the report names places (`message 4`, `line 57`);
    /// nil when it is the sender's state now.
    public var decidedAfter: String?
    /// The rule that decided the sender's last reaction.
    public var lastClause: Clause?
    /// Judged by the race judge (contract section 8): what every
    /// surviving interleaving allowed, which replaces the serial lines.
    public var race: RaceRejection?

    package init(position: Int, message: Message, owedOnChannel: [Message], clause: Clause?, roleState: String,
                 decidedAfter: String? = nil, lastClause: Clause? = nil, race: RaceRejection? = nil) {
        self.position = position
        self.message = message
        self.owedOnChannel = owedOnChannel
        self.clause = clause
        self.roleState = roleState
        self.decidedAfter = decidedAfter
        self.lastClause = lastClause
        self.race = race
    }

    public var description: String {
        lines(at: "message \(position)").joined(separator: "\n")
    }

    /// The explanation, line by line, its first line naming the message's
    /// place as `place` says it (`message 22`, `line 57`).
    public func lines(at place: String) -> [String] {
        if let race { return race.lines(at: place) }
        var lines = ["\(place) \(message) is not allowed"]
        if let expected = owedOnChannel.first {
            lines.append("expected instead: \(expected)")
            if owedOnChannel.count > 1 {
                lines.append("then: " + owedOnChannel.dropFirst().map(\.description).joined(separator: "; "))
            }
        } else {
            lines.append("nothing is owed on \(message.channel)")
        }
        if let decidedAfter {
            lines.append("\(message.from.rawValue) before it received \(decidedAfter) (the state it decided in): \(roleState)")
        } else {
            lines.append("\(message.from.rawValue) state: \(roleState)")
        }
        if let clause {
            let role = owedOnChannel.isEmpty ? " (the rule that sends it)" : ""
            lines.append("clause \(clause.id)\(role): \(clause.summary)")
        }
        if owedOnChannel.isEmpty, let lastClause, lastClause != clause {
            lines.append("\(message.from.rawValue)'s last rule applied: \(lastClause.id): \(lastClause.summary)")
        }
        return lines
    }
}
