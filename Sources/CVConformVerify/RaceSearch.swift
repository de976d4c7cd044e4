import CVConformModel
import CVConformTrace

/// `verify --races`: the asynchronous semantics of section 8. A state is
/// the three machines plus the messages in flight on each channel; a step
/// sends a stimulus or delivers the head of a channel. The environment
/// sends up to `raceWidth` stimuli before the system is quiescent again
/// (2: every racing pair). In `core` a stimulus is sent only when no
/// interleaving of the deliveries it allows enters an unspecified
/// situation (section 8's rule for racing stimuli).
struct RaceSearch<System: VerifiedSystem> {
    private struct Node {
        var system: System
        var inFlight = ChannelQueues<Message>()
        var requested = 0
        /// Stimuli sent since the system was last quiescent.
        var racing = 0
        var number: Int32 = 0
    }

    /// A state: the machines packed, and what is in flight, each message
    /// as a small number (a universe holds finitely many messages).
    private struct Key: Hashable {
        var machines: PackedState
        var flight: [UInt16]
    }

    private var record: SearchRecord
    private let start: System
    private var seen = Set<Key>()
    private var messageNumbers: [Message: UInt16] = [:]
    /// Whether no interleaving of deliveries from a state enters an
    /// unspecified situation (core), by state.
    private var safe: [Key: Bool] = [:]
    private let core: Bool

    init(options: VerifyOptions, start: System) {
        record = SearchRecord(options: options)
        self.start = start
        core = options.profile == .core
    }

    mutating func run(progress: ((VerifyProgress) -> Void)?) -> VerifyResult {
        let alphabet = record.alphabet
        let width = record.options.raceWidth
        seen.insert(key(of: Node(system: start)))
        record.check(start.machines, state: 0)
        var level = [Node(system: start)]
        var complete = true
        search: while !level.isEmpty {
            var nextLevel: [Node] = []
            for node in level {
                for slot in node.inFlight.slots {
                    var next = node
                    guard let reaction = deliver(slot: slot, in: &next) else { continue }
                    if core && reaction.clauses.contains(where: { $0.profile == .extended }) { continue }
                    record.transitions += 1
                    record.apply(reaction.clauses)
                    if visit(&next, from: node, by: .delivery(slot: slot)) { nextLevel.append(next) }
                    if record.states >= record.options.maxStates { complete = false; break search }
                }
                guard node.racing < width else { continue }
                for index in alphabet.allowed[node.requested] {
                    var next = node
                    let stimulus = alphabet.stimuli[Int(index)]
                    next.inFlight.append(stimulus, on: stimulus.channel.slot)
                    next.racing += 1
                    next.requested = alphabet.requested(after: Int(index), node.requested)
                    if core && !isSafe(next) { continue }
                    record.transitions += 1
                    if visit(&next, from: node, by: .stimulus(index)) { nextLevel.append(next) }
                    if record.states >= record.options.maxStates { complete = false; break search }
                }
            }
            if !nextLevel.isEmpty { record.depth += 1 }
            level = nextLevel
            progress?(VerifyProgress(states: record.states, transitions: record.transitions, depth: record.depth))
        }
        return record.result(complete: complete, counterexample: counterexample())
    }

    /// Takes the head of a channel: its role reacts, and what it sends to
    /// a system role goes in flight.
    private func deliver(slot: UInt8, in node: inout Node) -> Reaction? {
        guard let message = node.inFlight.removeHead(on: slot),
              let clauses = node.system.take(message, into: &node.inFlight) else { return nil }
        if node.inFlight.isEmpty { node.racing = 0 }
        return Reaction(clauses: clauses)
    }

    /// Records a state reached; true when it is new.
    private mutating func visit(_ node: inout Node, from parent: Node, by step: VerifyStep) -> Bool {
        guard seen.insert(key(of: node)).inserted else { return false }
        let number = record.add(from: Int(parent.number), by: step)
        node.number = Int32(number)
        if node.inFlight.isEmpty {
            record.check(node.system.machines, state: number)
        } else if record.broken[.quiescenceReachable] == nil && !drains(node) {
            record.broken[.quiescenceReachable] = number
        }
        return true
    }

    /// Whether taking channel heads, the first channel first, empties
    /// every channel: a path to a quiescent state.
    private func drains(_ start: Node) -> Bool {
        var node = start
        var steps = 0
        while let slot = node.inFlight.slots.first, steps < 10_000 {
            _ = deliver(slot: slot, in: &node)
            steps += 1
        }
        return node.inFlight.isEmpty
    }

    /// Whether no interleaving of deliveries from a state enters an
    /// unspecified situation. A state met again on the way counts as safe
    /// (a cycle of deliveries applies nothing new), and past `depth`
    /// deliveries the answer is yes: only a mutant's messages go on that
    /// long, and INV-8 reports them.
    private mutating func isSafe(_ node: Node, depth: Int = 0) -> Bool {
        if node.inFlight.isEmpty || depth > 200 { return true }
        var plain = node
        plain.racing = 0
        plain.requested = 0
        let key = key(of: plain)
        if let known = safe[key] { return known }
        safe[key] = true
        var result = true
        for slot in node.inFlight.slots {
            var next = node
            guard let reaction = deliver(slot: slot, in: &next) else { continue }
            if reaction.clauses.contains(where: { $0.profile == .extended }) || !isSafe(next, depth: depth + 1) {
                result = false
                break
            }
        }
        safe[key] = result
        return result
    }

    private mutating func key(of node: Node) -> Key {
        var flight: [UInt16] = []
        flight.reserveCapacity(node.inFlight.count * 2)
        var lastSlot: UInt8?
        for item in node.inFlight.items {
            if item.slot != lastSlot {
                flight.append(0x8000 | UInt16(item.slot))
                lastSlot = item.slot
            }
            if let number = messageNumbers[item.element] {
                flight.append(number)
            } else {
                let number = UInt16(messageNumbers.count)
                messageNumbers[item.element] = number
                flight.append(number)
            }
        }
        return Key(machines: record.layout.pack(node.system.machines, requested: node.requested, racing: node.racing), flight: flight)
    }

    private func counterexample() -> Counterexample? {
        guard let (invariant, state) = record.firstBroken else { return nil }
        var writer = CounterexampleWriter(start: start, record: record)
        for step in record.path(to: state) { writer.take(step) }
        if invariant == .quiescenceReachable {
            return writer.counterexample(invariant, "From this state, taking the oldest messages first, the messages never stop.")
        }
        return writer.counterexample(invariant, writer.explain(invariant))
    }
}
