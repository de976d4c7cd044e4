import ArgumentParser
import CVConformExploration
import CVConformHarness
import CVConformModel
import CVConformPlatform
import CVConformReports
import CVConformTrace
import Foundation
import Synchronization

extension CVConform {
    /// `cvconform explore [--seed N] [--time S] [--steps N] [--output DIR]`
    struct Explore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explore",
            abstract: "Let the reference model drive an implementation, and shrink what it finds to a short trace.",
            discussion: """
                Each run starts from a reset with a random administration (1-5 agents, ids that are prefixes \
                of others or differ by leading zeros) and sends stimuli the model allows in its state, each \
                once everything the previous one caused has been observed; every output is judged as `run` \
                judges it. At the first divergence the run is shrunk (fewer stimuli, a smaller \
                administration, simpler ids) while the divergence persists, replayed several times to \
                confirm it, and written to --output as an expect="pass" trace of what the model does. \
                The same --seed against the same deterministic implementation makes the same run. \
                Exit status: 0 when nothing was found, 1 when a divergence was found (or the implementation \
                could not be started), 2 for a usage error.
                """
        )

        @OptionGroup var implementation: ImplementationOptions

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Seed of the exploration (default: a new one, printed).", valueName: "n"))
        var seed: UInt64?

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Stop exploring after this many seconds (default 30 when --steps is not given).", valueName: "seconds"))
        var time: Double?

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Stop exploring after this many stimuli.", valueName: "n"))
        var steps: Int?

        @Option(name: .long, help: ArgumentHelp("Where a finding's trace is written.", valueName: "dir"))
        var output: String = "explore-findings"

        @Option(name: .long, help: ArgumentHelp("core (default: nothing leads into an unspecified situation) or extended.", valueName: "profile"))
        var profile: String = "core"

        @Option(name: .long, help: ArgumentHelp("Write the JSON report of contract section 7 to this file.", valueName: "file"))
        var json: String?

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Replays of the final trace that confirm the failure.", valueName: "n"))
        var confirmations = 5

        @Option(name: .customLong("shrink-time"), parsing: .unconditional, help: ArgumentHelp("Seconds shrinking may take before it settles for what it has.", valueName: "seconds"))
        var shrinkTime: Double = 300

        @Flag(name: .long, help: "Also send racing stimuli: two or three for one agent's situation back to back, judged by every interleaving the model allows (contract section 8).")
        var races = false

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
            "Runs under way at once, each against an implementation of its own, 1 to 8 (default: one per core, at most 8, against the built-in reference; 1 against --exec or --connect). The runs made do not depend on it.",
            valueName: "n"))
        var jobs: Int?

        @Flag(name: .long, help: "Print only the result.")
        var quiet = false

        mutating func validate() throws {
            if let time, !(time > 0 && time <= 86_400) {
                throw ValidationError("--time must be a number of seconds above 0 and at most 86400 (it is \(time))")
            }
            if let steps, steps < 1 { throw ValidationError("--steps must be at least 1 (it is \(steps))") }
            guard Profile(rawValue: profile) != nil else { throw ValidationError("--profile takes core or extended (it is '\(profile)')") }
            guard (1...100).contains(confirmations) else { throw ValidationError("--confirmations takes a number from 1 to 100") }
            guard shrinkTime > 0 && shrinkTime <= 86_400 else { throw ValidationError("--shrink-time must be above 0 and at most 86400 seconds") }
            if let seed, seed > UInt64(Int64.max) { throw ValidationError("--seed must be at most \(Int64.max)") }
            // A run is steered by the runs eight before it (EXP-17), so no
            // more than eight are ever under way at once.
            if let jobs, !(1...Explorer.coverageLag).contains(jobs) {
                throw ValidationError("--jobs takes a number from 1 to \(Explorer.coverageLag) (it is \(jobs))")
            }
        }

        mutating func run() async throws {
            InterruptHandling.install()
            try ensureWritable(folder: output)
            let seed = self.seed ?? UInt64.random(in: 0..<(1 << 31))
            let chosenProfile = Profile(rawValue: profile) ?? .core
            var options = ExploreOptions(
                seed: seed, timeLimit: time.map(Self.duration) ?? (steps == nil ? .seconds(30) : nil), stepLimit: steps,
                profile: chosenProfile, replay: implementation.replayOptions, confirmations: confirmations,
                shrinkTimeLimit: Self.duration(shrinkTime)
            )
            options.races = races
            // Another process or server is started once per job only when
            // asked: it may not take more than one.
            options.jobs = jobs ?? (implementation.exec == nil && implementation.connect == nil
                ? min(Explorer.coverageLag, ProcessInfo.processInfo.activeProcessorCount) : 1)
            var output = StandardOutput()
            let reproduce = reproduceCommand(seed: seed)
            output.line("explore: seed \(seed) (\(reproduce)), profile \(chosenProfile.rawValue), implementation \(implementation.label)")
            output.flush()
            let line = ProgressLine(enabled: !quiet)
            let result = await Explorer.explore(options: options, label: implementation.label,
                                                makeImplementation: try implementation.factory()) { line.show($0) }
            line.clear()
            if let failure = result.startFailure {
                output.line("error: the implementation did not start: \(failure.message)")
            }
            for note in result.notes { output.line("note: " + note) }
            var file: String?
            if let finding = result.finding {
                let trace = ExplorationReport.findingTrace(finding, result: result,
                                                           command: reproduceCommand(seed: seed, naming: false) + " against the implementation")
                let path = self.output + "/" + trace.header.id + ".xml"
                try AtomicFile.write(TraceWriter.xml(trace), to: path)
                file = path
                output.line("found after \(result.stimuli) stimuli: \(finding.headline)")
                for text in RunReport.details(finding.result) { output.line("      " + text) }
                if finding.reproduced {
                    output.line("confirmed: the trace failed \(finding.confirmedFailures) of \(finding.confirmationRuns) replays"
                                + (finding.isFlaky ? " (flaky: the implementation does not always fail the same way)" : ""))
                } else {
                    output.line("flaky: the run did not fail again when replayed from a reset (\(finding.confirmationRuns) tries); it was not shrunk")
                }
                output.line("wrote \(path)")
                output.line("replay it: cvconform run \(path)\(implementation.commandLineSuffix)")
            }
            for text in ExplorationReport.summary(result) { output.line(text) }
            output.line(result.startFailure != nil ? "nothing explored: the implementation did not start"
                        : result.finding == nil ? "nothing found" : "divergence found (seed \(seed))")
            output.flush()
            if let json { try AtomicFile.write(ExplorationReport.json(result, file: file).serialized(pretty: true) + "\n", to: json) }
            if result.finding != nil || result.startFailure != nil { throw ExitCode.failure }
        }

        /// The command that makes the same run; `naming: false` leaves the
        /// implementation (--exec, --connect) out.
        private func reproduceCommand(seed: UInt64, naming: Bool = true) -> String {
            var parts = ["cvconform explore --seed \(seed)"]
            if let time { parts.append("--time \(time)") }
            if let steps { parts.append("--steps \(steps)") }
            if profile != "core" { parts.append("--profile \(profile)") }
            if races { parts.append("--races") }
            return parts.joined(separator: " ") + (naming ? implementation.commandLineSuffix : "")
        }

        static func duration(_ seconds: Double) -> Duration { .milliseconds(Int((seconds * 1000).rounded())) }
    }
}

/// The explorer's progress on a TTY's status line.
final class ProgressLine: Sendable {
    private let terminal: Mutex<Terminal>
    private let enabled: Bool

    init(enabled: Bool) {
        terminal = Mutex(Terminal())
        self.enabled = enabled
    }

    func show(_ progress: ExploreProgress) {
        guard enabled else { return }
        let text: String
        switch progress {
        case .exploring(let stimuli, let runs, let clauses, let situations, let elapsed):
            text = "exploring: \(String(format2: ExplorationReport.seconds(elapsed))) s, \(stimuli) stimuli, \(runs) runs, "
                + "\(clauses) clauses, \(situations) situations"
        case .found(let after, let detail):
            text = "found after \(after) stimuli: \(detail)"
        case .shrinking(let stimuli, let messages, let candidates, let elapsed):
            text = "shrinking: \(stimuli) stimuli, \(messages) messages; \(candidates) candidates tried, "
                + "\(String(format2: ExplorationReport.seconds(elapsed))) s"
        case .confirming(let run, let of):
            text = "confirming: replay \(run) of \(of)"
        }
        terminal.withLock { $0.progress(text) }
    }

    func clear() { terminal.withLock { $0.clearProgress() } }
}
