import ArgumentParser
import CVConformHarness
import CVConformLoad
import CVConformModel
import CVConformPlatform
import CVConformReports
import CVConformTrace
import Foundation
import Synchronization

extension CVConform {
    /// `cvconform load [--cells N] [--rate R] [--duration S] [--seed N] [--log FILE] [--html FILE]`
    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "load",
            abstract: "Drive many independent cells at once through one implementation and judge every output.",
            discussion: """
                One reset loads the administration of every cell (2-3 agents, their stations, VDNs and \
                skills, with ids no other cell uses). Each cell then walks the model on its own, as explore \
                does: a stimulus once what its previous one caused is in. Across cells stimuli overlap \
                freely. Each output is placed in the cell whose ids it names and judged there: on each \
                channel a cell's messages keep the model's order; different cells' may interleave. A cell \
                that diverges stops; the others go on. Without --rate each cell sends as fast as its \
                answers come (closed loop); with --rate stimuli arrive at that many per second over all \
                cells (open loop), and a busy cell keeps them until it is free. Ctrl-C stops early and \
                still reports. Exit status: 0 no violation, 1 a violation (or the implementation broke \
                down), 2 a usage error.
                """
        )

        @OptionGroup var implementation: ImplementationOptions

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Independent cells driven at once.", valueName: "n"))
        var cells = 50

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Stimuli per second over all cells (default: closed loop, as fast as answers come).", valueName: "r"))
        var rate: Double?

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Seconds to send stimuli; what is in flight then may finish.", valueName: "seconds"))
        var duration: Double = 10

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Seed of the cells and their walks (default: a new one, printed).", valueName: "n"))
        var seed: UInt64?

        @Option(name: .long, help: ArgumentHelp("Write every message, in the order its receiver took it, as JSON Lines for check-log.", valueName: "file"))
        var log: String?

        @Option(name: .long, help: ArgumentHelp("Write a self-contained HTML report (plots over time, violations with their cell's last messages).", valueName: "file"))
        var html: String?

        @Option(name: .long, help: ArgumentHelp("Write the JSON report of contract section 7 to this file.", valueName: "file"))
        var json: String?

        @Option(name: .long, help: ArgumentHelp("core (default: nothing leads into an unspecified situation) or extended.", valueName: "profile"))
        var profile: String = "core"

        @Flag(name: .long, help: "Cells race within themselves too: now and then two or three stimuli for one agent's situation back to back, judged by every interleaving the model allows (contract section 8).")
        var races = false

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Judge the cells' outputs in this many jobs at once, 1 to 64 (default: one per core; 1 leaves the other cores to an implementation on this machine).", valueName: "n"))
        var jobs: Int?

        @Flag(name: .long, help: "Print only the result.")
        var quiet = false

        mutating func validate() throws {
            guard (1...9_999).contains(cells) else { throw ValidationError("--cells takes a number from 1 to 9999 (it is \(cells))") }
            if let rate, !(rate > 0 && rate <= 10_000_000) {
                throw ValidationError("--rate must be a number of stimuli per second above 0 and at most 10000000 (it is \(rate))")
            }
            guard duration > 0 && duration <= 86_400 else {
                throw ValidationError("--duration must be a number of seconds above 0 and at most 86400 (it is \(duration))")
            }
            guard Profile(rawValue: profile) != nil else { throw ValidationError("--profile takes core or extended (it is '\(profile)')") }
            if let seed, seed > UInt64(Int64.max) { throw ValidationError("--seed must be at most \(Int64.max)") }
            if let jobs, !(1...64).contains(jobs) { throw ValidationError("--jobs takes a number from 1 to 64 (it is \(jobs))") }
        }

        mutating func run() async throws {
            let stop = StopRequest()
            InterruptHandling.install(stopGently: { stop.request() })
            for path in [html, json].compactMap({ $0 }) { try ensureWritable(folder: (path as NSString).deletingLastPathComponent.nonEmpty ?? ".") }
            var logFile: LoadLog?
            if let log {
                switch LoadLog.open(log) {
                case .success(let opened): logFile = opened
                case .failure(let failure): throw ValidationError(failure.message)
                }
            }
            let seed = self.seed ?? UInt64.random(in: 0..<(1 << 31))
            var options = LoadOptions(
                cells: cells, rate: rate, duration: .milliseconds(Int((duration * 1000).rounded())), seed: seed,
                profile: Profile(rawValue: profile) ?? .core, replay: implementation.replayOptions
            )
            options.races = races
            options.judgingCores = jobs
            var output = StandardOutput()
            output.line("load: \(cells) cells, " + (rate.map { "open loop at \(String(format2: $0)) stimuli/s" } ?? "closed loop")
                        + ", \(String(format2: duration)) s, seed \(seed), implementation \(implementation.label)")
            output.flush()
            let status = LoadStatus(enabled: !quiet)
            let result = await LoadRunner.run(options: options, label: implementation.label, makeImplementation: try implementation.factory(),
                                              log: logFile, stop: stop) { status.show($0) }
            status.clear()
            await logFile?.close()
            for text in LoadReport.lines(result) { output.line(text) }
            if let log {
                output.line("log: \(log) (judge it again with: cvconform check-log \(log); an output that never came shows there as still owed)")
            }
            if result.violationCount > 0 {
                output.line("reproduce: cvconform load --cells \(cells) --seed \(seed)" + (rate.map { " --rate \($0)" } ?? "")
                            + (jobs.map { " --jobs \($0)" } ?? "")
                            + " --duration \(String(format2: duration))" + (races ? " --races" : "") + implementation.commandLineSuffix
                            + " (interleavings differ from run to run)")
            }
            output.flush()
            if let json { try AtomicFile.write(LoadReport.json(result).serialized(pretty: true) + "\n", to: json) }
            if let html { try AtomicFile.write(LoadReport.html(result), to: html) }
            if result.violationCount > 0 || result.failure != nil { throw ExitCode.failure }
        }
    }
}

private extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

/// Load's progress: a status line on a TTY every half second, a plain line
/// every five seconds otherwise (a CI log shows the run is alive).
final class LoadStatus: Sendable {
    private let terminal = Mutex(Terminal())
    private let lastPlain = Mutex(Duration.zero)
    private let enabled: Bool

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ progress: LoadProgress) {
        guard enabled else { return }
        let text = "\(String(format2: Double(progress.elapsed / .milliseconds(1)) / 1000)) s: "
            + "\(Int(progress.stimuliPerSecond.rounded())) stimuli/s, \(Int(progress.messagesPerSecond.rounded())) messages/s, "
            + "p99 \(String(format2: progress.p99 * 1000)) ms, \(progress.violations) violation(s)"
        terminal.withLock { terminal in
            if terminal.isInteractive {
                terminal.progress(text)
                return
            }
            let due = lastPlain.withLock { last -> Bool in
                guard progress.elapsed - last >= .seconds(5) else { return false }
                last = progress.elapsed
                return true
            }
            if due { writeAll(text + "\n", to: STDOUT_FILENO) }
        }
    }

    func clear() { terminal.withLock { $0.clearProgress() } }
}
