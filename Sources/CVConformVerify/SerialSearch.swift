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

    /// What one stimulus sent in a node came to, worked out on any thread.
    private enum Outcome: Sendable {
        /// Left out: in `core`, its propagation enters an unspecified situation.
        case skipped
        /// Its messages never stopped.
        case unfinished(clauses: UInt64)
        /// A quiescent state already seen, or seen earlier in the serial
        /// order: nothing more to do.
        case known(clauses: UInt64)
        /// A quiescent state its chunk reaches here first (another chunk
        /// may have reached it before): its place among the candidates.
        case candidate(clauses: UInt64, at: Int32)
    }

    /// A state a chunk reached first, with the invariants it breaks.
    private struct Candidate: Sendable {
        var packed: PackedState
        var requested: Int
        var system: System
        var broken: UInt16
    }

    /// What a chunk of a level came to: an outcome for each stimulus of
    /// each of its nodes, in order.
    private struct Expansion: Sendable {
        var nodes = 0
        var outcomes: [Outcome] = []
        var candidates: [Candidate] = []
    }

    mutating func run(progress: ((VerifyProgress) -> Void)?) -> VerifyResult {
        seen.insert(record.layout.pack(start.machines, requested: 0))
        record.check(start.machines, state: 0)
        var level = [Node(system: start, number: 0, requested: 0)]
        var complete = true
        search: while !level.isEmpty {
            var next: [Node] = []
            var first = 0
            for expansion in expand(level) {
                // Its outcomes follow its nodes and their stimuli in order.
                var place = 0
                // By place: a node copied out would retain its whole system.
                for nodePlace in first..<first + expansion.nodes {
                    let nodeNumber = level[nodePlace].number
                    for index in record.alphabet.allowed[level[nodePlace].requested] {
                        let outcome = expansion.outcomes[place]
                        place += 1
                        switch outcome {
                        case .skipped:
                            continue
                        case .unfinished(let clauses):
                            record.transitions += 1
                            record.reachedMask |= clauses
                            if endless == nil { endless = (Int(nodeNumber), index) }
                        case .known(let clauses):
                            record.transitions += 1
                            record.reachedMask |= clauses
                        case .candidate(let clauses, let at):
                            record.transitions += 1
                            record.reachedMask |= clauses
                            let candidate = expansion.candidates[Int(at)]
                            guard seen.insert(candidate.packed).inserted else { continue }
                            let number = record.add(from: Int(nodeNumber), by: .stimulus(index))
                            record.record(broken: candidate.broken, state: number)
                            next.append(Node(system: candidate.system, number: Int32(number), requested: candidate.requested))
                            if record.states >= record.options.maxStates {
                                complete = false
                                break search
                            }
                        }
                    }
                }
                first += expansion.nodes
            }
            if !next.isEmpty { record.depth += 1 }
            level = next
            progress?(VerifyProgress(states: record.states, transitions: record.transitions, depth: record.depth))
        }
        if endless != nil { record.broken[.quiescenceReachable] = record.broken[.quiescenceReachable] ?? -1 }
        return record.result(complete: complete, counterexample: counterexample())
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
        guard chunks > 1 else { return [Self.expand(level[...], record: record, known: known)] }
        let chunkSize = (level.count + chunks - 1) / chunks
        let results = Mutex([Expansion](repeating: Expansion(), count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let nodes = level[min(level.count, chunk * chunkSize)..<min(level.count, (chunk + 1) * chunkSize)]
            let expansion = Self.expand(nodes, record: record, known: known)
            results.withLock { $0[chunk] = expansion }
        }
        return results.withLock { $0 }
    }

    /// The outcomes of a run of nodes. Only the first time the run reaches
    /// a state does it keep the state's system and check it: most
    /// transitions lead to a state another one reached already.
    private static func expand(_ nodes: ArraySlice<Node>, record: SearchRecord, known: Set<PackedState>) -> Expansion {
        let alphabet = record.alphabet
        // In `core`, a stimulus that enters an unspecified situation is not sent.
        var leftOut: UInt64 = 0
        if record.options.profile == .core {
            for clause in Clause.allCases where clause.profile == .extended { leftOut |= 1 << UInt64(clause.ordinal) }
        }
        var expansion = Expansion(nodes: nodes.count)
        var reached = Set<PackedState>()
        var pending: [Message] = []
        for nodePlace in nodes.indices {
            let nodeRequested = nodes[nodePlace].requested
            for index in alphabet.allowed[nodeRequested] {
                var system = nodes[nodePlace].system
                let (clauses, unfinished) = system.propagateForClauses(alphabet.stimuli[Int(index)], pending: &pending)
                if clauses & leftOut != 0 {
                    expansion.outcomes.append(.skipped)
                    continue
                }
                if unfinished {
                    expansion.outcomes.append(.unfinished(clauses: clauses))
                    continue
                }
                let requested = alphabet.requested(after: Int(index), nodeRequested)
                // Most stimuli change nothing (a login denied, a release
                // of another session): the node's own state, known, with
                // nothing to normalize, pack or look up.
                if requested == nodeRequested && system.sharesState(with: nodes[nodePlace].system) {
                    expansion.outcomes.append(.known(clauses: clauses))
                    continue
                }
                system.normalizeSwitch()
                let packed = record.layout.pack(system.machines, requested: requested)
                guard !known.contains(packed), reached.insert(packed).inserted else {
                    expansion.outcomes.append(.known(clauses: clauses))
                    continue
                }
                expansion.outcomes.append(.candidate(clauses: clauses, at: Int32(expansion.candidates.count)))
                expansion.candidates.append(Candidate(packed: packed, requested: requested, system: system,
                                                      broken: record.brokenMask(system.machines)))
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
