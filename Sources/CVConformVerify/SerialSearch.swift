import CVConformModel
import CVConformTrace

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

    mutating func run(progress: ((VerifyProgress) -> Void)?) -> VerifyResult {
        let alphabet = record.alphabet
        let layout = record.layout
        let core = record.options.profile == .core
        seen.insert(layout.pack(start.machines, requested: 0))
        record.check(start.machines, state: 0)
        var level: [(system: System, number: Int32, requested: Int)] = [(start, 0, 0)]
        var complete = true
        search: while !level.isEmpty {
            var next: [(system: System, number: Int32, requested: Int)] = []
            for node in level {
                for index in alphabet.allowed[node.requested] {
                    var system = node.system
                    let propagation = system.propagate(alphabet.stimuli[Int(index)])
                    if core && propagation.entersExtended { continue }
                    record.transitions += 1
                    record.apply(propagation.clauses)
                    if propagation.unfinished {
                        if endless == nil { endless = (Int(node.number), index) }
                        continue
                    }
                    system.normalizeSwitch()
                    let requested = alphabet.requested(after: Int(index), node.requested)
                    guard seen.insert(layout.pack(system.machines, requested: requested)).inserted else { continue }
                    let number = record.add(from: Int(node.number), by: .stimulus(index))
                    record.check(system.machines, state: number)
                    next.append((system, Int32(number), requested))
                    if record.states >= record.options.maxStates {
                        complete = false
                        break search
                    }
                }
            }
            if !next.isEmpty { record.depth += 1 }
            level = next
            progress?(VerifyProgress(states: record.states, transitions: record.transitions, depth: record.depth))
        }
        if endless != nil { record.broken[.quiescenceReachable] = record.broken[.quiescenceReachable] ?? -1 }
        return record.result(complete: complete, counterexample: counterexample())
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
