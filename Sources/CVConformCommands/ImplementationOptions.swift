import ArgumentParser
import CVConformHarness
import CVConformModel
import Foundation
import Synchronization

/// How to reach the implementation under test, and the replay timing:
/// shared by every command that talks to an implementation (run, record,
/// explore, load).
struct ImplementationOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Run this command (through /bin/sh) and speak JSON Lines on its stdin/stdout (contract section 5).",
        valueName: "command"))
    var exec: String?

    @Option(name: .long, help: ArgumentHelp(
        "Speak JSON Lines to a server at this address instead.", valueName: "host:port"))
    var connect: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Seconds to wait for each expected output.", valueName: "seconds"))
    var timeout: Double = 2

    @Option(name: .customLong("quiet-period"), parsing: .unconditional, help: ArgumentHelp(
        "Seconds to listen for stray outputs after a trace's last message.", valueName: "seconds"))
    var quietPeriod: Double = 0.1

    @Option(name: .customLong("startup-timeout"), parsing: .unconditional, help: ArgumentHelp(
        "Seconds an implementation may take to answer hello.", valueName: "seconds"))
    var startupTimeout: Double = 10

    @Option(name: .customLong("max-states"), parsing: .unconditional, help: ArgumentHelp(
        "The most model states the race judge keeps for racing messages (contract section 8); past it the verdict is inconclusive.",
        valueName: "n"))
    var maxStates: Int = RaceJudge.defaultMaxStates

    func validate() throws {
        if exec != nil && connect != nil { throw ValidationError("give --exec or --connect, not both") }
        for (name, value) in [("--timeout", timeout), ("--quiet-period", quietPeriod), ("--startup-timeout", startupTimeout)]
        where !(value > 0 && value <= 3600) {
            throw ValidationError("\(name) must be a number of seconds above 0 and at most 3600 (it is \(value))")
        }
        if let connect { _ = try endpoint(connect) }
        guard maxStates >= 1 else { throw ValidationError("--max-states takes a number of states, at least 1 (it is \(maxStates))") }
    }

    var replayOptions: ReplayOptions {
        ReplayOptions(timeout: .milliseconds(Int(timeout * 1000)), quietPeriod: .milliseconds(Int(quietPeriod * 1000)), maxStates: maxStates)
    }

    /// A fresh implementation each time it is called.
    func factory() throws -> SuiteRunner.Factory {
        let startup = Duration.milliseconds(Int(startupTimeout * 1000))
        let answer = Duration.milliseconds(Int(timeout * 1000))
        if let exec {
            return { WireImplementation(endpoint: .command(exec), startupTimeout: startup, answerTimeout: answer) }
        }
        if let connect {
            let endpoint = try endpoint(connect)
            return { WireImplementation(endpoint: endpoint, startupTimeout: startup, answerTimeout: answer) }
        }
        return { ReferenceImplementation() }
    }

    /// The options that name this implementation again, for a command line
    /// a person can copy (empty for the built-in reference).
    var commandLineSuffix: String {
        if let exec { return " --exec '\(exec.replacingOccurrences(of: "'", with: "'\\''"))'" }
        if let connect { return " --connect \(connect)" }
        return ""
    }

    /// What the reports call the implementation before it has said its name.
    var label: String { exec ?? connect ?? ReferenceImplementation.name }

    private func endpoint(_ address: String) throws -> WireImplementation.Endpoint {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]), port > 0 else {
            throw ValidationError("--connect takes HOST:PORT, e.g. 127.0.0.1:7000 (got '\(address)')")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return .tcp(host: host.isEmpty ? "127.0.0.1" : host, port: port)
    }
}

/// Kills implementation processes on Ctrl-C or SIGTERM, so none outlives
/// the harness; reports already written are complete files (atomic). A
/// command that can stop early and still report (`load`) passes
/// `stopGently`: the first Ctrl-C calls it, a second one quits at once.
enum InterruptHandling {
    private static let state = Mutex<(sources: [DispatchSourceSignal], interrupts: Int)>(([], 0))

    static func install(stopGently: (@Sendable () -> Void)? = nil) {
        state.withLock { state in
            guard state.sources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler {
                    let interrupts = InterruptHandling.state.withLock { state in
                        state.interrupts += 1
                        return state.interrupts
                    }
                    if let stopGently, interrupts == 1 && signalNumber == SIGINT {
                        writeAll("\ncvconform: stopping; the report follows (Ctrl-C again to quit at once)\n", to: STDERR_FILENO)
                        stopGently()
                        return
                    }
                    killAllImplementationProcesses()
                    writeAll("cvconform: interrupted; implementation processes stopped\n", to: STDERR_FILENO)
                    exit(130)
                }
                source.resume()
                state.sources.append(source)
            }
        }
    }
}
