import CVConformModel
import CVConformTrace
import Dispatch
import Synchronization

/// `verify` without races: a state is a quiescent state, and a transition
/// is one stimulus with its whole propagation (the serial semantics of
/// sections 5 and 7). In `core` a stimulus whose propagation enters an
/// unspecified situation is not sent.
struct SerialSearch<System: VerifiedSystem> {
    private var record: SearchRecord
    private let start: System
    private var seen = Set<PackedState>()
    /// A stimulus whose messages never stopped: the state it was sent in.
    private var endless: (state: Int, stimulus: UInt16)?

    init(options: VerifyOptions, start: System) {
        record = SearchRecord(options: options)
        self.start = start
    }

    /// A state of the level being expanded.
    private struct Node: Sendable {
        var system: System
        var number: Int32
        var requested: Int
    }

    /// A state a chunk reached first, with the invariants it breaks, and
    /// where it stands among the chunk's transitions.
    private struct Candidate: Sendable {
        var packed: PackedState
        var requested: Int
        var system: System
        var broken: UInt16
        /// The node it was reached from (its place in the level) and by
        /// which stimulus.
        var nodePlace: Int32
        var stimulus: UInt16
        /// The chunk's transitions before this one, and the clauses they
        /// and this one applied: a search that stops at this state counts
        /// exactly what one thread would have.
        var transitionsBefore: Int32
        var clausesSoFar: UInt64
    }

    /// What a chunk of a level came to. Only the states reached first and
    /// the first stimulus whose messages never stopped are kept one by one
    /// (the serial order needs them); the other transitions are counted.
    private struct Expansion: Sendable {
        var transitions = 0
        var clauses: UInt64 = 0
        var candidates: [Candidate] = []
        /// The first stimulus whose messages never stopped, and the
        /// transitions before it.
        var firstUnfinished: (nodePlace: Int32, stimulus: UInt16, transitionsBefore: Int)?
    }

    mutating func run(progress: ((VerifyProgress) -> Void)?) -> VerifyResult {
        seen.insert(record.layout.pack(start.machines, requested: 0))
        record.check(start.machines, state: 0)
        var level = [Node(system: start, number: 0, requested: 0)]
        var complete = true
        search: while !level.isEmpty {
            var next: [Node] = []
            for expansion in expand(level) {
                // Taken in the serial order: a state two chunks reach is
                // numbered from the first.
                for candidate in expansion.candidates {
                    guard seen.insert(candidate.packed).inserted else { continue }
                    let number = record.add(from: Int(level[Int(candidate.nodePlace)].number), by: .stimulus(candidate.stimulus))
                    record.record(broken: candidate.broken, state: number)
                    next.append(Node(system: candidate.system, number: Int32(number), requested: candidate.requested))
                    if record.states >= record.options.maxStates {
                        // Counted up to here, as one thread would.
                        record.transitions += Int(candidate.transitionsBefore) + 1
                        record.reachedMask |= candidate.clausesSoFar
                        if let unfinished = expansion.firstUnfinished, unfinished.transitionsBefore < Int(candidate.transitionsBefore) {
                            noteEndless(unfinished, in: level)
                        }
                        complete = false
                        break search
                    }
                }
                record.transitions += expansion.transitions
                record.reachedMask |= expansion.clauses
                if let unfinished = expansion.firstUnfinished { noteEndless(unfinished, in: level) }
            }
            if !next.isEmpty { record.depth += 1 }
            level = next
            progress?(VerifyProgress(states: record.states, transitions: record.transitions, depth: record.depth))
        }
        if endless != nil { record.broken[.quiescenceReachable] = record.broken[.quiescenceReachable] ?? -1 }
        return record.result(complete: complete, counterexample: counterexample())
    }

    private mutating func noteEndless(_ unfinished: (nodePlace: Int32, stimulus: UInt16, transitionsBefore: Int), in level: [Node]) {
        if endless == nil { endless = (Int(level[Int(unfinished.nodePlace)].number), unfinished.stimulus) }
    }

    /// Every stimulus sent in every node of a level, in chunks: on every
    /// core when the level is large (the work of a transition, propagating
    /// and packing, touches nothing shared; the states seen before the
    /// level are only read), then taken in the serial order, so states are
    /// numbered and paths chosen exactly as one thread would.
    private func expand(_ level: [Node]) -> [Expansion] {
        let record = record
        let known = seen
        // By default one chunk per core: a state two chunks reach is worked
        // out in both.
        let chunks = level.count >= record.options.parallelFrom ? min(record.options.chunks, level.count) : 1
        guard chunks > 1 else { return [Self.expand(level, from: 0, to: level.count, record: record, known: known)] }
        let chunkSize = (level.count + chunks - 1) / chunks
        let results = Mutex([Expansion](repeating: Expansion(), count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let expansion = Self.expand(level, from: min(level.count, chunk * chunkSize), to: min(level.count, (chunk + 1) * chunkSize),
                                        record: record, known: known)
            results.withLock { $0[chunk] = expansion }
        }
        return results.withLock { $0 }
    }

    /// The transitions of a run of nodes. Only the first time the run
    /// reaches a state does it keep the state's system and check it: most
    /// transitions lead to a state another one reached already.
    private static func expand(_ level: [Node], from start: Int, to end: Int, record: SearchRecord, known: Set<PackedState>) -> Expansion {
        let alphabet = record.alphabet
        // In `core`, a stimulus that enters an unspecified situation is not sent.
        var leftOut: UInt64 = 0
        if record.options.profile == .core {
            for clause in Clause.allCases where clause.profile == .extended { leftOut |= 1 << UInt64(clause.ordinal) }
        }
        var expansion = Expansion()
        var reached = Set<PackedState>()
        var pending: [Message] = []
        for nodePlace in start..<end {
            // Once per node: `level[nodePlace].system` in the loop copied the
            // whole node out of the array for every stimulus, twice (a
            // quarter of verify was retaining and releasing those copies).
            let node = level[nodePlace]
            let nodeRequested = node.requested
            for index in alphabet.allowed[nodeRequested] {
                var system = node.system
                let (clauses, unfinished) = system.propagateForClauses(alphabet.stimuli[Int(index)], pending: &pending)
                if clauses & leftOut != 0 { continue }
                let transitionsBefore = expansion.transitions
                expansion.transitions += 1
                expansion.clauses |= clauses
                if unfinished {
                    if expansion.firstUnfinished == nil {
                        expansion.firstUnfinished = (Int32(nodePlace), index, transitionsBefore)
                    }
                    continue
                }
                let requested = alphabet.requested(after: Int(index), nodeRequested)
                // Most stimuli change nothing (a login denied, a release
                // of another session): the node's own state, known, with
                // nothing to normalize, pack or look up.
                if requested == nodeRequested && system.sharesState(with: node.system) { continue }
                system.normalizeSwitch()
                let packed = record.layout.pack(system.machines, requested: requested)
                guard !known.contains(packed), reached.insert(packed).inserted else { continue }
                expansion.candidates.append(Candidate(
                    packed: packed, requested: requested, system: system, broken: record.brokenMask(system.machines),
                    nodePlace: Int32(nodePlace), stimulus: index, transitionsBefore: Int32(transitionsBefore), clausesSoFar: expansion.clauses
                ))
            }
        }
        return expansion
    }

    private func counterexample() -> Counterexample? {
        guard let (invariant, state) = record.firstBroken else { return nil }
        var writer = CounterexampleWriter(start: start, record: record)
        if state < 0, let endless {
            for step in record.path(to: endless.state) { writer.take(step) }
            writer.take(.stimulus(endless.stimulus), limit: 60)
            return writer.counterexample(invariant, "the messages this stimulus causes never stop (the model sent more than 10,000)")
        }
        for step in record.path(to: state) { writer.take(step) }
        return writer.counterexample(invariant, writer.explain(invariant))
    }
}
