import CVConformHarness
import CVConformModel
import CVConformMutation
import CVConformTrace
import CVConformVerify
import Foundation

/// How a mutation analysis runs.
package struct MutationOptions: Sendable {
    package var profile: Profile
    /// The bounded exhaustive search that looks for a run telling a
    /// surviving mutant from the reference.
    package var bound: DistinguishingSearch.Bound
    /// Stimuli `explore` sends against a survivor the search could not tell
    /// from the reference, before it is judged equivalent.
    package var exploreSteps: Int
    /// Mutants analysed at once.
    package var jobs: Int
    /// Runs behaviour prints are taken on (duplicates, and witnesses).
    package var printRuns: Int
    /// Also check each mutant with `verify` (the default universe, serial)
    /// and say which invariant it breaks first.
    package var checkInvariants: Bool
    /// The mutants to analyse; nil for the whole catalog of the profile.
    package var mutants: [Mutant]?

    package init(profile: Profile = .core, bound: DistinguishingSearch.Bound = .init(), exploreSteps: Int = 20_000,
                jobs: Int = ProcessInfo.processInfo.activeProcessorCount, printRuns: Int = 48, checkInvariants: Bool = false) {
        self.checkInvariants = checkInvariants
        self.profile = profile
        self.bound = bound
        self.exploreSteps = exploreSteps
        self.jobs = max(1, jobs)
        self.printRuns = printRuns
    }
}

/// What became of one mutant.
package struct MutantResult: Sendable {
    package var mutant: Mutant
    /// The ids of the traces that do not pass against it.
    package var killedBy: [String] = []
    /// Behaves as the reference as far as was searched.
    package var equivalent = false
    /// For a survivor that is not equivalent: a short run that tells it
    /// from the reference (what `--augment` writes).
    package var witness: Scenario?
    /// Mutants that behave exactly like this one, left out of the count.
    package var duplicates: [Mutant] = []
    /// The first invariant the mutant breaks in `verify`'s default
    /// universe (`mutate --invariants`); nil when none or not checked.
    package var breaks: Invariant?

    package var killed: Bool { !killedBy.isEmpty }
}

/// Mutation analysis (contract section 7, `mutate`): every mutant of the
/// reference model, each replayed as an implementation, in process, against
/// the pass traces; a mutant is killed when one of them does not pass.
/// Mutants that behave alike on a fixed set of runs are counted once; a
/// survivor is equivalent when no run within the search bound, and no run
/// `explore` makes, tells it from the reference.
package enum MutationAnalysis {
    package static func analyse(traces: [Trace], options: MutationOptions) async -> [MutantResult] {
        let mutants = options.mutants ?? Mutant.catalog(profile: options.profile)
        let printRuns = FingerprintRuns(count: options.printRuns, profile: options.profile)
        let runs = printRuns.scenarios
        let prints = await inParallel(mutants, jobs: options.jobs) { $0.fingerprint(printRuns) }
        let referencePrint = printRuns.referencePrint
        // Duplicates by behaviour: the first (by id) stands for the rest.
        // Mutants that print as the reference does are not compared with one
        // another: the runs never reached their mistakes.
        var representative: [[Int]: Int] = [:]
        var results: [MutantResult] = []
        for (mutant, print) in zip(mutants, prints) {
            if print != referencePrint, let index = representative[print] {
                results[index].duplicates.append(mutant)
            } else {
                representative[print] = results.count
                results.append(MutantResult(mutant: mutant))
            }
        }
        return await inParallel(results, jobs: options.jobs) { result in
            var result = result
            if options.checkInvariants {
                let verified = ModelChecker.verify(VerifyOptions(profile: options.profile, mutant: result.mutant))
                result.breaks = verified.invariants.first { !$0.holds }?.invariant
            }
            result.killedBy = await kills(result.mutant, traces: traces)
            guard !result.killed else { return result }
            let printed = prints[mutants.firstIndex(of: result.mutant) ?? 0] != referencePrint
            result.witness = await witness(for: result.mutant, printedDifferently: printed, runs: runs, options: options)
            result.equivalent = result.witness == nil
            return result
        }
    }

    /// The traces that do not pass against a mutant.
    static func kills(_ mutant: Mutant, traces: [Trace]) async -> [String] {
        let implementation = ReferenceImplementation(mutant: mutant)
        guard let greeting = try? await implementation.start() else { return [] }
        var killers: [String] = []
        for trace in traces {
            let result = await Replayer.replay(trace, on: implementation, greeting: greeting, options: ReplayOptions())
            if result.verdict == .fail || result.verdict == .error { killers.append(trace.header.id) }
        }
        return killers
    }

    /// A short run that tells a mutant from the reference, or nil: first the
    /// bounded search (a shortest run), then the print runs (shortened),
    /// then `explore` against the mutant (shrunk).
    static func witness(for mutant: Mutant, printedDifferently: Bool, runs: [Scenario], options: MutationOptions) async -> Scenario? {
        let searched = DistinguishingSearch.search(mutant, profile: options.profile, bound: options.bound)
        if let found = searched.witness { return found }
        if printedDifferently, let run = runs.first(where: { mutant.distinguishes($0, profile: options.profile) != nil }) {
            return mutant.shorten(run, profile: options.profile)
        }
        guard options.exploreSteps > 0 else { return nil }
        let explore = ExploreOptions(seed: 1, timeLimit: nil, stepLimit: options.exploreSteps, profile: options.profile,
                                     confirmations: 1, shrinkTimeLimit: .seconds(30))
        let result = await Explorer.explore(options: explore, label: mutant.id) { ReferenceImplementation(mutant: mutant) }
        return result.finding.map { mutant.shorten($0.shrunk, profile: options.profile) }
    }
}

/// Runs `work` over `items`, `jobs` at a time, results in the items' order.
func inParallel<Item: Sendable, Result: Sendable>(
    _ items: [Item], jobs: Int, _ work: @escaping @Sendable (Item) async -> Result
) async -> [Result] {
    await withTaskGroup(of: (Int, Result).self) { group in
        var results = [Result?](repeating: nil, count: items.count)
        var next = 0
        for _ in 0..<min(jobs, items.count) {
            let index = next
            group.addTask { (index, await work(items[index])) }
            next += 1
        }
        while let (index, result) = await group.next() {
            results[index] = result
            if next < items.count {
                let index = next
                group.addTask { (index, await work(items[index])) }
                next += 1
            }
        }
        return results.compactMap { $0 }
    }
}
