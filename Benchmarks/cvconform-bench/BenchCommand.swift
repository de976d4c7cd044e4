import ArgumentParser

/// `cvconform-bench`: the measurements `Scripts/bench`, `Scripts/bench-json`
/// and `Scripts/bench-check-log` take of parts of cvconform (reading a
/// trace, decoding wire lines, shrinking, judging a log). Kept out of the
/// `cvconform` product, which ships only user commands.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cvconform-bench",
        abstract: "Measure parts of cvconform for Scripts/bench (not a user command).",
        subcommands: [BenchRead.self, BenchWire.self, BenchShrink.self, BenchLog.self]
    )
}
