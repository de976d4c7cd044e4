import CVConformModel
import CVConformTrace
import Foundation

/// One input, as a trace file: judged from a file (the bytes as they are,
/// so libxml2 detects the encoding, as `cvconform validate` reads) and from
/// memory (the bytes as UTF-8 text); each judgement must hold together.
/// A trace that reads without malformation is written back with
/// `TraceWriter` and must read back the same.
///
/// Rejecting an input is fine; crashing, hanging, leaking, or breaking one
/// of these checks is a finding (a failed check stops the process with its
/// reason, so libFuzzer keeps the input).
enum TraceTarget {
    /// One file per process: libFuzzer's `-fork` and `-jobs` run several.
    static let path = NSTemporaryDirectory() + "cvconform-fuzz-trace-\(getpid()).xml"

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let lines = bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        guard FileManager.default.createFile(atPath: path, contents: Data(buffer: bytes)) else {
            fatalError("cannot write \(path)")
        }
        check(Validator.validate(file: path), lines: lines)

        let text = String(decoding: bytes, as: UTF8.self)
        check(Validator.validate(text: text), lines: text.utf8.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) })
        roundTrip(text)
    }

    /// What every judgement must satisfy, whatever the input.
    static func check(_ result: ValidationResult, lines: Int) {
        func require(_ condition: Bool, _ what: String) {
            if !condition { fatalError("\(what): \(result)") }
        }
        require((result.outcome == .malformed) == (result.malformation != nil), "malformed exactly when there is a malformation")
        require((result.outcome == .rejected) == (result.at != nil), "a position exactly when rejected")
        require((result.outcome == .rejected) == (result.rejection != nil), "a rejection exactly when rejected")
        if let at = result.at { require(at >= 1 && at <= result.messageCount, "the rejected message is one of those read") }
        if let invalidAt = result.invalidAt { require(invalidAt >= 1 && invalidAt <= result.messageCount, "invalid marks a message read") }
        require(result.outcome == .incomplete || result.owedAtEnd.isEmpty, "owed messages only when incomplete")
        for malformation in result.malformations {
            let location = malformation.location
            require(location.line >= 0 && location.line <= lines && location.column >= 0,
                    "\(malformation) stands inside the input's \(lines) lines")
            require(!malformation.message.isEmpty, "every malformation says what is wrong")
        }
        require(result.malformations.count <= 100, "at most 100 malformations are listed")
        // Every text a report shows is made without trapping.
        _ = result.problem
        _ = result.malformation?.listing
        _ = result.rejection.map { String(describing: $0) }
        _ = result.owedAtEnd.map(\.description)
        _ = result.notes
    }

    /// A trace that reads whole is written and read back to the same trace.
    static func roundTrip(_ text: String) {
        guard let trace = try? Trace.read(text: text, name: "input") else { return }
        let written = TraceWriter.xml(trace)
        let again: Trace
        do {
            again = try Trace.read(text: written, name: "written")
        } catch {
            fatalError("the written trace does not read back: \(error)\n\(written)")
        }
        guard again.header == trace.header,
              again.entries.map(\.message) == trace.entries.map(\.message),
              again.entries.map(\.invalid) == trace.entries.map(\.invalid)
        else {
            fatalError("the written trace reads back differently:\n\(trace)\n\(again)\n\(written)")
        }
    }
}
