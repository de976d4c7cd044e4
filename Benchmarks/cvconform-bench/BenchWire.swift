import ArgumentParser
import CVConformHarness
import CVConformJSON
import CVConformWire
import Foundation

extension BenchCommand {
    /// `cvconform-bench bench-wire FILE`: decodes every line of a JSON Lines file
    /// of wire messages and prints the time per line, for Scripts/bench-json.
    struct BenchWire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench-wire",
            abstract: "Time decoding wire lines: fields only, fields and the contract's check, and a whole JSONValue tree."
        )

        @Argument(help: "A file of wire lines (JSON objects, one per line).")
        var file: String

        @Option(name: .long, parsing: .unconditional, help: "Repetitions; the best is printed.")
        var repeats = 3

        mutating func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
            let clock = ContinuousClock()
            func best(_ name: String, _ body: (String) -> Bool) {
                var fastest = Duration.seconds(3600)
                var good = 0
                for _ in 0..<max(1, repeats) {
                    good = 0
                    let elapsed = clock.measure { for line in lines where body(line) { good += 1 } }
                    fastest = min(fastest, elapsed)
                }
                let seconds = Double(fastest.components.seconds) + Double(fastest.components.attoseconds) / 1e18
                let perLine = seconds / Double(max(1, lines.count)) * 1e9
                print("\(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(format: "%7.3f", seconds)) s  "
                      + "\(String(format: "%6.0f", perLine)) ns/line  (\(good) of \(lines.count) decoded)")
            }
            best("fields (MessageFields, no tree)") { line in
                var line = line
                return line.withUTF8 { bytes in (try? WireProtocol.MessageFields(bytes))?.type != nil }
            }
            best("fields + contract (WireProtocol.parse)") { line in
                if case .message? = try? WireProtocol.parse(line) { return true }
                return false
            }
            best("tree (JSONValue(parsing:))") { line in (try? JSONValue(parsing: line)) != nil }
        }
    }
}
