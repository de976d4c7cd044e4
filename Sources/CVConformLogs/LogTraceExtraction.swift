import CVConformCells
import CVConformModel
import CVConformPlatform
import CVConformTrace

/// A trace to cut out of a log (contract section 4): the messages of one
/// cell of one segment (or of the whole segment when its reset names no
/// cells) from its reset up to a line, under that cell's administration.
package struct LogTraceRequest: Hashable, Sendable {
    /// The line of the segment's reset.
    package var segmentLine: Int
    /// The cell's index (0 when the reset names no cells).
    package var cell: Int
    /// The last line taken; nil: to the end of the segment.
    package var through: Int?
    /// The line of the message to mark `invalid="true"` (fail traces).
    package var invalidLine: Int?
    package var header: TraceHeader
    package var path: String

    package init(segmentLine: Int, cell: Int, through: Int?, invalidLine: Int?, header: TraceHeader, path: String) {
        self.segmentLine = segmentLine
        self.cell = cell
        self.through = through
        self.invalidLine = invalidLine
        self.header = header
        self.path = path
    }
}

/// Writes the requested traces while a log is judged a second time: the
/// same judging places every message in its cell, so a cell's trace holds
/// exactly the messages its model judged, in their order, and `validate`
/// judges the trace as `check-log` judged the cell. Streaming: each trace
/// goes straight to its file (written atomically), nothing is held.
package struct LogTraceExtraction: LogCheckObserver {
    private let requests: [LogTraceRequest]
    private var open: [(request: LogTraceRequest, stream: AtomicFileStream)] = []
    package private(set) var written: [String] = []
    package private(set) var failures: [AtomicFile.WriteError] = []

    package init(_ requests: [LogTraceRequest]) {
        self.requests = requests
    }

    package mutating func started(_ segment: LogSegmentStart) {
        for request in requests where request.segmentLine == segment.line {
            do {
                let stream = try AtomicFileStream(path: request.path)
                stream.write(TraceWriter.header(request.header))
                open.append((request, stream))
            } catch {
                failures.append(error)
            }
        }
    }

    package var followsMessages: Bool { true }

    package mutating func judged(_ entry: LogEntry, _ judgement: CellJudgement, in segment: LogSegmentStart) {
        guard !open.isEmpty, let cell = judgement.cell else { return }
        for (request, stream) in open where request.cell == cell && entry.line <= request.through ?? .max {
            stream.write(TraceWriter.messageLine(entry.message, invalid: entry.line == request.invalidLine))
        }
    }

    package mutating func finished(_ segment: LogSegmentResult) {
        for (request, stream) in open {
            stream.write(TraceWriter.footer)
            do {
                try stream.commit()
                written.append(request.path)
            } catch {
                failures.append(error)
            }
        }
        open.removeAll()
    }
}
