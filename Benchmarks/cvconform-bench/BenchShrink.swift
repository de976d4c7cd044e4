import ArgumentParser
import CVConformExploration
import CVConformHarness
import CVConformModel
import CVConformMutation
import CVConformReports
import CVConformTrace
import Foundation

extension BenchCommand {
    /// `cvconform-bench bench-shrink`: shrinks a failure found after about 500
    /// stimuli against `cvconform serve --mutant` over JSON Lines, and says
    /// how long it took. Scripts/bench measures shrinking with it.
    struct BenchShrink: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench-shrink",
            abstract: "Shrink a failure found after about N stimuli against `serve --mutant` (for benchmarks)."
        )

        @Option(name: .long, parsing: .unconditional, help: "Stimuli before the failure.")
        var stimuli = 500

        mutating func run() async throws {
            // A generated run of the wanted length, then, on ids of their
            // own, the shortest run that shows a mutant's mistake, for a
            // mutant the generated run never shows.
            let seed: UInt64 = 1
            let (prefix, _) = Scenario.generated(seed: seed, length: stimuli)
            let own = Administration(agents: [.init(id: "9001", skills: ["91"]), .init(id: "9002", skills: ["91", "92"])],
                                     stations: ["9401", "09402"], vdns: [.init(number: "9501", skill: "91"), .init(number: "9502", skill: "92")])
            let setup = Administration(agents: prefix.administration.agents + own.agents, stations: prefix.administration.stations + own.stations,
                                       vdns: prefix.administration.vdns + own.vdns)
            var chosen: (Scenario, Mutant, Int)?
            for mutant in Mutant.catalog() where chosen == nil && mutant.distinguishes(prefix, profile: .core) == nil {
                guard let witness = DistinguishingSearch.search(mutant, bound: .init(depth: 4), setup: own).witness, witness.stimuli.count >= 3 else { continue }
                let run = Scenario(administration: setup, stimuli: prefix.stimuli + witness.stimuli)
                if let at = mutant.distinguishes(run, profile: .core), at >= prefix.stimuli.count { chosen = (run, mutant, at) }
            }
            guard let (run, mutant, at) = chosen else { throw ValidationError("no mutant to show after the generated run") }
            // `cvconform` is built beside this executable.
            let cvconform = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cvconform").path
            let serve = cvconform + " serve --mutant '\(mutant.id)'"
            let started = ContinuousClock.now
            let finding = await Explorer.shrink(run, options: ExploreOptions(seed: seed, confirmations: 1)) {
                WireImplementation(endpoint: .command(serve))
            }
            let elapsed = ContinuousClock.now - started
            print("mutant \(mutant.id), failing at stimulus \(at + 1): shrunk \(run.stimuli.count) → \(finding.shrunk.stimuli.count) stimuli, "
                  + "\(finding.originalMessages) → \(finding.trace.entries.count) messages, \(finding.shrinking?.candidates ?? 0) candidates, "
                  + "\(String(format2: ExplorationReport.seconds(elapsed))) s")
        }
    }
}
