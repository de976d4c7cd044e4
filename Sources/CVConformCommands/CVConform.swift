import ArgumentParser
import Foundation

/// `cvconform`: conformance traces and a reference model for the agent and
/// session lifecycle of the DEFINITY ECS with CentreVu Internet Solutions.
package struct CVConform: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "cvconform",
        abstract: "Conformance traces and a reference model for DEFINITY ECS / CentreVu Internet Solutions.",
        discussion: """
            Traces are XML message sequence charts (namespace urn:cvconform:trace:1). `validate` judges them \
            against the reference model; `run` replays them against an implementation (the reference, a \
            program speaking JSON Lines, or a TCP server) and `record` fills in a trace from its stimuli. \
            `explore` lets the model drive an implementation (with `--races`, messages cross); `mutate` measures \
            a suite against mutants of the model and `generate` writes one from the model; `load` drives many \
            agents at once; `check-log` judges a JSON-Lines log of a running system; `merge` and `diff` join \
            and compare JSON reports; `serve` runs the reference over JSON Lines; `verify` checks the model \
            itself over a bounded universe (and writes it for SPIN); `diagram` and `schema` print what the \
            model and the format define. See README.md.
            """,
        version: "0.1.0",
        subcommands: [Validate.self, Run.self, Explore.self, Mutate.self, Generate.self, Load.self, CheckLog.self, Record.self, Merge.self, Diff.self, Serve.self,
                      Diagram.self, Schema.self, Verify.self]
    )

    package init() {}

    /// Runs the command line, with the exit codes of the contract: 0 all
    /// good, 1 a trace or implementation not ok, 2 a usage error.
    package static func runMain(arguments: [String]? = nil) async -> Never {
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exit(dueTo: error)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch let error as ValidationError {
            // The one error type for usage problems found while running
            // (a missing path, a bad expectations file, reports that do not
            // merge): exit 2, like ArgumentParser's own.
            let name = type(of: command)._commandName
            printError("cvconform \(name): \(error.message)")
            printError("See 'cvconform \(name) --help' for more information.")
            Foundation.exit(2)
        } catch {
            exit(dueTo: error)
        }
    }

    /// Exit 0 or 1 as ArgumentParser decides (help, `ExitCode`); any other
    /// error is one of its usage problems: the message, a hint, exit 2.
    private static func exit(dueTo error: any Error) -> Never {
        let code = exitCode(for: error)
        if code == .success || code == .failure || error is ExitCode {
            self.exit(withError: error)
        }
        printError(fullMessage(for: error))
        Foundation.exit(2)
    }
}

/// Writes to standard error.
func printError(_ text: String) {
    writeAll(text + "\n", to: STDERR_FILENO)
}

/// Writes text to a descriptor with write(2). FileHandle.write traps when
/// the reader has gone (`cvconform run … | head`); this gives up quietly
/// instead: output nobody reads is not worth a crash.
func writeAll(_ text: String, to descriptor: Int32) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { Foundation.write(descriptor, $0.baseAddress?.advanced(by: offset), $0.count - offset) }
        if written > 0 {
            offset += written
        } else if written < 0 && errno == EINTR {
            continue
        } else {
            return
        }
    }
}
