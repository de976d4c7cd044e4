import CVConformModel
import CVConformTrace

extension LogTraceRequest {
    /// Why no trace can be cut for what was asked.
    package struct Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        package var description: String

        package init(description: String) {
            self.description = description
        }
    }

    /// The trace of a rejection (`--trace-out`): the rejected message's cell
    /// from the reset up to that message, marked invalid, `expect="fail"`.
    /// `validate` judges it rejected at that message, as `check-log` did.
    /// Nil for a message naming two cells or none: no one cell's trace
    /// holds it.
    package static func failing(
        _ violation: LogViolation, in segment: LogSegmentResult, source: String, directory: String
    ) -> LogTraceRequest? {
        guard violation.rejection != nil, let partition = segment.partition else { return nil }
        let index = (violation.cell ?? 1) - 1
        guard partition.cells.indices.contains(index) else { return nil }
        let id = traceID(segment: segment, cell: violation.cell, suffix: "line\(violation.line)")
        let place = violation.cell.map { "cell \($0) of " } ?? ""
        let header = TraceHeader(
            id: id, profile: violation.entersExtended ? .extended : .core, expect: .fail,
            title: "check-log: \(violation.message.type.rawValue) rejected at line \(violation.line) of \(baseName(source))",
            description: "Cut out of \(source) by cvconform check-log: \(place)the segment whose reset is at line \(segment.line)"
                + (segment.trace.map { " (trace \($0))" } ?? "")
                + ", from the reset to line \(violation.line), the message marked invalid. \(violation.summary).",
            tags: ["check-log"], setup: partition.cells[index].administration
        )
        return LogTraceRequest(
            segmentLine: segment.line, cell: index, through: violation.line, invalidLine: violation.line,
            header: header, path: directory + "/" + id + ".xml"
        )
    }

    /// The whole of a segment, or of one of its cells (`--extract LINE
    /// [--cell N]`), as a trace whose `expect` is what `check-log` found:
    /// accepted → pass, incomplete → incomplete, rejected → fail with the
    /// first rejected message marked invalid.
    package static func whole(
        _ segment: LogSegmentResult, cell number: Int?, source: String, path: String
    ) throws(Refusal) -> LogTraceRequest {
        let at = "the segment at line \(segment.line)"
        guard segment.outcome != .malformed, let partition = segment.partition else {
            throw Refusal(description: "\(at) is malformed (\(segment.detail)): it has no trace to extract")
        }
        if partition.isDivided {
            guard let number else {
                throw Refusal(description: "\(at) has \(partition.cells.count) cells: choose one with --cell 1…\(partition.cells.count)")
            }
            guard partition.cells.indices.contains(number - 1) else {
                throw Refusal(description: "\(at) has no cell \(number): its cells are 1…\(partition.cells.count)")
            }
        } else if number != nil {
            throw Refusal(description: "\(at) names no cells: leave out --cell to extract the whole segment")
        }
        let index = (number ?? 1) - 1
        guard segment.cells.indices.contains(index) else {
            throw Refusal(description: "\(at) was not judged cell by cell")
        }
        let cell = segment.cells[index]
        let expect: Expectation
        switch cell.outcome {
        case .rejected: expect = .fail
        case .incomplete: expect = .incomplete
        default: expect = .pass
        }
        let place = number.map { "cell \($0) of " } ?? ""
        let unplaced = segment.violations.filter { $0.rejection == nil }.count
        let header = TraceHeader(
            id: traceID(segment: segment, cell: number, suffix: nil), profile: cell.entersExtended ? .extended : .core, expect: expect,
            title: "check-log: \(place)the segment at line \(segment.line) of \(baseName(source))",
            description: "Extracted from \(source) by cvconform check-log: \(place)the segment whose reset is at line \(segment.line)"
                + (segment.trace.map { " (trace \($0))" } ?? "")
                + " to its end at line \(segment.lastLine), \(cell.messages) messages; check-log found it \(cell.outcome.rawValue)"
                + (cell.at.map { " at line \($0)" } ?? "") + "."
                + (unplaced > 0 ? " Messages that name two cells or none belong to no cell's trace." : ""),
            tags: ["check-log"], setup: partition.cells[index].administration
        )
        return LogTraceRequest(
            segmentLine: segment.line, cell: index, through: nil, invalidLine: expect == .fail ? cell.at : nil,
            header: header, path: path
        )
    }

    /// `load-7-cell3-line57`: the reset's trace (or `log-segmentL`), the
    /// cell and a suffix; only letters, digits, `.`, `_` and `-`, so it is
    /// both a trace id and a file name.
    static func traceID(segment: LogSegmentResult, cell: Int?, suffix: String?) -> String {
        let base = segment.trace.flatMap { $0.isEmpty ? nil : $0 } ?? "log-segment\(segment.line)"
        let parts = [base] + (cell.map { ["cell\($0)"] } ?? []) + (suffix.map { [$0] } ?? [])
        let raw = parts.joined(separator: "-")
        return String(raw.unicodeScalars.map { scalar -> Character in
            let allowed = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
            return allowed ? Character(scalar) : "-"
        })
    }

    private static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
