import CVConformModel
import CVConformMutation
import CVConformTrace
import Foundation

/// What `verify` checks and how (contract section 9).
package struct VerifyOptions: Sendable {
    package var universe: Universe
    package var profile: Profile
    /// The asynchronous semantics of section 8 instead of the serial one.
    package var races: Bool
    /// With races: how many stimuli may be sent before the system is
    /// quiescent again (2: racing pairs).
    package var raceWidth: Int
    /// A mutant of `mutate`'s catalog to check instead of the reference.
    package var mutant: Mutant?
    /// Stop (the result says so) past this many states.
    package var maxStates: Int
    /// A serial level of at least this many states is worked out in
    /// `chunks` chunks at once (the result is the same either way).
    package var parallelFrom = 512
    package var chunks = ProcessInfo.processInfo.activeProcessorCount

    package init(universe: Universe = .default, profile: Profile = .core, races: Bool = false, raceWidth: Int = 2,
                mutant: Mutant? = nil, maxStates: Int = 50_000_000) {
        self.universe = universe
        self.profile = profile
        self.races = races
        self.raceWidth = raceWidth
        self.mutant = mutant
        self.maxStates = maxStates
    }
}

/// How far a check has come, for a progress line.
package struct VerifyProgress: Sendable {
    package var states: Int
    package var transitions: Int
    package var depth: Int
}

/// What `verify` found.
package struct VerifyResult: Sendable {
    package var options: VerifyOptions
    package var states: Int
    package var transitions: Int
    /// The length of the longest shortest path to a state (in steps: a
    /// stimulus and its propagation serially; a send or a delivery with races).
    package var depth: Int
    /// Each invariant, and whether it held in every state checked.
    package var invariants: [(invariant: Invariant, holds: Bool)]
    package var reached: [Clause]
    /// The clauses of the profile no state reaches.
    package var dead: [Clause]
    /// The first violation found: a shortest path to it.
    package var counterexample: Counterexample?
    /// The state limit was reached before every state was seen.
    package var complete: Bool

    package var holds: Bool { invariants.allSatisfy(\.holds) }
}

/// A shortest run to a state that breaks an invariant, as a trace of
/// section 4: the messages the checked model sends.
package struct Counterexample: Sendable {
    package var invariant: Invariant
    package var trace: Trace
    /// What was wrong, in words.
    package var explanation: String
    package var messages: Int { trace.entries.count }
}

/// One step of a path: a stimulus (its index in the alphabet) or, with
/// races, the delivery of a channel's head.
enum VerifyStep: Hashable, Sendable {
    case stimulus(UInt16)
    case delivery(slot: UInt8)

    var code: UInt16 {
        switch self {
        case .stimulus(let index): return index
        case .delivery(let slot): return 0x8000 | UInt16(slot)
        }
    }

    init(code: UInt16) {
        self = code & 0x8000 != 0 ? .delivery(slot: UInt8(code & 0xFF)) : .stimulus(code)
    }
}

/// Breadth-first exploration of every state of the model reachable over a
/// bounded universe (contract section 9): serially, each stimulus taken
/// with its whole propagation; with races, each send and each delivery a
/// step of its own. States are deduplicated by their packed form.
package enum ModelChecker {
    package static func verify(_ options: VerifyOptions, progress: ((VerifyProgress) -> Void)? = nil) -> VerifyResult {
        let administration = options.universe.administration
        if let mutant = options.mutant {
            return run(options, start: MutatedSystem(mutant, administration: administration), progress: progress)
        }
        return run(options, start: ReferenceSystem(administration: administration), progress: progress)
    }

    private static func run<System: VerifiedSystem>(_ options: VerifyOptions, start: System,
                                                    progress: ((VerifyProgress) -> Void)?) -> VerifyResult {
        if options.races {
            var search = RaceSearch(options: options, start: start)
            return search.run(progress: progress)
        }
        var search = SerialSearch(options: options, start: start)
        return search.run(progress: progress)
    }
}

/// What every search shares: the universe, the states' numbers and the
/// paths to them, the clauses reached and the first violation.
struct SearchRecord: Sendable {
    let options: VerifyOptions
    let layout: PackedLayout
    let alphabet: VerifyAlphabet
    let administration: Administration
    /// Which numbers of the checked systems stand for administered ids.
    let administered: AdministeredIDs
    /// For each state by number, the state it was first reached from and
    /// the step that reached it.
    var parent: [Int32] = [-1]
    var step: [UInt16] = [0]
    var transitions = 0
    var depth = 0
    var reachedMask: UInt64 = 0
    var broken: [Invariant: Int] = [:]

    init(options: VerifyOptions) {
        self.options = options
        layout = PackedLayout(options.universe)
        alphabet = VerifyAlphabet(universe: options.universe, profile: options.profile)
        administration = options.universe.administration
        administered = AdministeredIDs(administration, numberedLike: ReferenceSystem(administration: administration))
    }

    var states: Int { parent.count }

    /// Numbers a new state reached from `from` by `step`.
    mutating func add(from: Int, by step: VerifyStep) -> Int {
        parent.append(Int32(from))
        self.step.append(step.code)
        return parent.count - 1
    }

    /// The steps from the start to a state.
    func path(to state: Int) -> [VerifyStep] {
        var steps: [VerifyStep] = []
        var current = state
        while current > 0 {
            steps.append(VerifyStep(code: step[current]))
            current = Int(parent[current])
        }
        return steps.reversed()
    }

    /// Checks the invariants of a quiescent state; the first broken one is
    /// remembered with the state.
    mutating func check(_ system: ReferenceSystem, state: Int) {
        for invariant in Invariant.allCases where invariant != .quiescenceReachable && broken[invariant] == nil {
            if !invariant.holds(in: system, administration: administration) { broken[invariant] = state }
        }
    }

    /// The invariants a quiescent state breaks, one bit each (in
    /// `Invariant.allCases` order): checked where the state was made, on
    /// any thread, and recorded with `record(broken:state:)`.
    func brokenMask(_ system: ReferenceSystem) -> UInt16 {
        let view = InvariantView(system, administered: administered)
        var mask: UInt16 = 0
        for (bit, invariant) in Invariant.allCases.enumerated() where invariant != .quiescenceReachable {
            if !invariant.holds(in: view) { mask |= 1 << UInt16(bit) }
        }
        return mask
    }

    /// Remembers the invariants `mask` names as broken at `state`, where
    /// none broke them before.
    mutating func record(broken mask: UInt16, state: Int) {
        guard mask != 0 else { return }
        for (bit, invariant) in Invariant.allCases.enumerated() where mask & (1 << UInt16(bit)) != 0 && broken[invariant] == nil {
            broken[invariant] = state
        }
    }

    mutating func apply(_ clauses: [Clause]) {
        for clause in clauses { reachedMask |= 1 << UInt64(clause.ordinal) }
    }

    func result(complete: Bool, counterexample: Counterexample?) -> VerifyResult {
        let reached = Clause.allCases.filter { reachedMask & (1 << UInt64($0.ordinal)) != 0 }
        let profileClauses = Clause.allCases.filter { $0.profile == .core || options.profile == .extended }
        return VerifyResult(
            options: options, states: states, transitions: transitions, depth: depth,
            invariants: Invariant.allCases.map { ($0, broken[$0] == nil) },
            reached: reached, dead: profileClauses.filter { !reached.contains($0) },
            counterexample: counterexample, complete: complete
        )
    }

    /// The first broken invariant (in the list's order) and its state.
    var firstBroken: (Invariant, Int)? {
        broken.min { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
