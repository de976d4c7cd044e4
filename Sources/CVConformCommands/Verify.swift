import ArgumentParser
import CVConformModel
import CVConformMutation
import CVConformPlatform
import CVConformReports
import CVConformTrace
import CVConformVerify
import Foundation

extension CVConform {
    /// `cvconform verify [--agents N] … [--races] [--mutant ID] [--promela FILE]`
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check every state of the reference model over a bounded universe (contract section 9).",
            discussion: """
                Explores breadth first every state the model reaches over a small universe: every stimulus the \
                environment may send in each state, serially (each after quiescence) or, with --races, in the \
                asynchronous semantics of section 8 (up to --race-width stimuli before quiescence). It checks the \
                invariants of spec/verify.md (INV-…) in every quiescent state, that quiescence is reachable from \
                every state, and which clauses are reached; a clause of the profile no state reaches is dead. \
                A broken invariant is shown with a shortest run to it, written into --output as a trace. \
                --mutant checks a mutant of `mutate`'s catalog instead; --promela writes the same bounded model \
                for SPIN. Exit status: 0 when every invariant holds, 1 when one does not, 2 for a usage error.
                """
        )

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
            "Administered agents (default \(Universe.default.agents); with --races \(Universe.defaultWithRaces.agents)).", valueName: "n"))
        var agents: Int?
        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
            "Stations (default \(Universe.default.stations); with --races \(Universe.defaultWithRaces.stations)).", valueName: "n"))
        var stations: Int?
        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
            "VDNs (default \(Universe.default.vdns); with --races \(Universe.defaultWithRaces.vdns)).", valueName: "n"))
        var vdns: Int?
        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
            "Skills (default \(Universe.default.skills); with --races \(Universe.defaultWithRaces.skills)).", valueName: "n"))
        var skills: Int?
        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
            "Session ids the customers may request, each once (default \(Universe.default.sessions); with --races \(Universe.defaultWithRaces.sessions)).",
            valueName: "n"))
        var sessions: Int?

        @Flag(name: .long, help: "Use the asynchronous semantics of section 8: messages cross.")
        var races = false

        @Option(name: .customLong("race-width"), parsing: .unconditional, help: ArgumentHelp(
            "With --races: stimuli the environment may send before the system is quiescent again (default 2: racing pairs).",
            valueName: "n"))
        var raceWidth = 2

        @Option(name: .long, help: ArgumentHelp("core (default) or extended.", valueName: "profile"))
        var profile: String = "core"

        @Option(name: .long, help: ArgumentHelp("Check this mutant of `cvconform mutate`'s catalog instead of the reference.", valueName: "id"))
        var mutant: String?

        @Option(name: .long, help: ArgumentHelp("Write the JSON report of contract section 9 to this file.", valueName: "file"))
        var json: String?

        @Option(name: .long, help: ArgumentHelp("Write a counterexample as a trace into this folder.", valueName: "dir"))
        var output: String?

        @Option(name: .long, help: ArgumentHelp("Write the same bounded model in Promela, for SPIN, to this file.", valueName: "file"))
        var promela: String?

        @Option(name: .customLong("import-trail"), help: ArgumentHelp(
            "Convert SPIN's replay of a trail (the output of `spin -t MODEL.pml`, for a model --promela wrote with the same sizes "
                + "and profile) into a trace in --output (default: this folder), and stop.", valueName: "file"))
        var importTrail: String?

        @Option(name: .customLong("max-states"), parsing: .unconditional, help: ArgumentHelp(
            "Stop past this many states; the result says it is incomplete (default 50000000).", valueName: "n"))
        var maxStates = 50_000_000

        /// The universe asked for; each size left out is the default's, a
        /// smaller one with races (the default finishes in about a second).
        private var universe: Universe {
            let base = races ? Universe.defaultWithRaces : Universe.default
            return Universe(agents: agents ?? base.agents, stations: stations ?? base.stations, vdns: vdns ?? base.vdns,
                            skills: skills ?? base.skills, sessions: sessions ?? base.sessions)
        }

        mutating func validate() throws {
            guard let chosen = Profile(rawValue: profile) else { throw ValidationError("--profile takes core or extended (it is '\(profile)')") }
            if let problem = universe.problem { throw ValidationError(problem) }
            guard (1...4).contains(raceWidth) else { throw ValidationError("--race-width takes a number from 1 to 4") }
            guard maxStates >= 1 else { throw ValidationError("--max-states takes a positive number") }
            if let mutant, Self.mutant(mutant, profile: chosen) == nil {
                let ids = Mutant.catalog(profile: chosen).map(\.id)
                // Ids that begin with what was typed first, then the same clause's.
                let clause = mutant.split(separator: "/").first.map(String.init) ?? mutant
                let near = (ids.filter { $0.hasPrefix(mutant) } + ids.filter { $0.hasPrefix(clause) && !$0.hasPrefix(mutant) }).prefix(5)
                throw ValidationError("no mutant '\(mutant)' in the \(chosen.rawValue) catalog"
                                      + (near.isEmpty ? " (cvconform mutate --json lists them)" : "; did you mean: \(near.joined(separator: ", "))"))
            }
            if promela != nil && mutant != nil {
                throw ValidationError("--promela writes the reference model; leave out --mutant")
            }
            if promela != nil, let problem = PromelaModel(universe: universe, profile: chosen, raceWidth: races ? raceWidth : nil).problem {
                throw ValidationError(problem)
            }
        }

        static func mutant(_ id: String, profile: Profile) -> Mutant? {
            Mutant.catalog(profile: profile).first { $0.id == id }
        }

        mutating func run() throws {
            let chosen = Profile(rawValue: profile) ?? .core
            if let output { try ensureWritable(folder: output) }
            if let importTrail {
                let text: String
                do { text = try String(contentsOfFile: importTrail, encoding: .utf8) } catch {
                    throw ValidationError("cannot read \(importTrail): \(error.localizedDescription)")
                }
                let counterexample: Counterexample
                do {
                    counterexample = try ModelChecker.importTrail(text, file: importTrail, options: VerifyOptions(universe: universe, profile: chosen))
                } catch let error as TrailImportError {
                    printError("cvconform verify: \(error.description)")
                    throw ExitCode.failure
                }
                let path = (output ?? ".") + "/" + counterexample.trace.header.id + ".xml"
                try AtomicFile.write(TraceWriter.xml(counterexample.trace), to: path)
                var out = StandardOutput()
                out.line("wrote \(path): \(counterexample.messages) messages, breaking \(counterexample.invariant.id)")
                out.line("  " + counterexample.explanation)
                out.flush()
                return
            }
            let options = VerifyOptions(universe: universe, profile: chosen, races: races, raceWidth: raceWidth,
                                        mutant: mutant.flatMap { Self.mutant($0, profile: chosen) }, maxStates: maxStates)
            if let promela {
                try AtomicFile.write(PromelaModel(universe: universe, profile: chosen, raceWidth: races ? raceWidth : nil).text, to: promela)
                var out = StandardOutput()
                out.line("wrote the Promela model of \(universe) to \(promela) (spin -a \(promela) && gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan)")
                out.flush()
            }
            let started = ContinuousClock.now
            var terminal = Terminal()
            let result = ModelChecker.verify(options) { progress in
                let seconds = Self.seconds(ContinuousClock.now - started)
                terminal.progress("verify: \(progress.states) states, \(progress.transitions) transitions, depth \(progress.depth), "
                                  + "\(Int(Double(progress.states) / max(seconds, 1e-6))) states/s")
            }
            terminal.clearProgress()
            let elapsed = Self.seconds(ContinuousClock.now - started)
            var file: String?
            if let counterexample = result.counterexample, let output {
                let path = output + "/" + counterexample.trace.header.id + ".xml"
                try AtomicFile.write(TraceWriter.xml(counterexample.trace), to: path)
                file = path
            }
            let measures = VerifyReport.Measures(elapsed: elapsed, memory: Self.peakMemory(), counterexampleFile: file)
            var out = StandardOutput()
            for line in VerifyReport.lines(result, measures) { out.line(line) }
            out.flush()
            if let json { try AtomicFile.write(VerifyReport.json(result, measures).serialized(pretty: true) + "\n", to: json) }
            if !result.holds { throw ExitCode.failure }
        }

        static func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }

        /// The process's peak resident memory, in bytes.
        static func peakMemory() -> Int {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return usage.ru_maxrss * 1024
        }
    }
}
