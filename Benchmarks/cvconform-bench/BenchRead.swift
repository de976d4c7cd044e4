import ArgumentParser
import CVConformTrace
import Foundation

extension BenchCommand {
    /// `cvconform-bench bench-read FILE`: reads a trace and counts its messages,
    /// judging nothing. Scripts/bench measures the reader with it.
    struct BenchRead: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench-read",
            abstract: "Read a trace to its end and print how many messages it has (for benchmarks)."
        )

        @Argument(help: "A trace file.")
        var file: String

        mutating func run() async throws {
            do {
                let reader = try TraceReader(file: file)
                _ = try reader.readHeader()
                var count = 0
                try reader.forEachEntry { _, _ in count += 1 }
                print("\(count) messages")
            } catch {
                FileHandle.standardError.write(Data("cvconform-bench: \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}
