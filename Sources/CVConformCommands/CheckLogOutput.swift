import CVConformHarness
import CVConformJSON
import CVConformLogs
import CVConformPlatform
import CVConformReports
import Foundation

/// What `check-log` does with each finding as the log is judged: the lines a
/// person reads (violations at once when live), the JSON report streamed to
/// its file, and the traces to cut out afterwards.
struct CheckLogOutput: LogCheckObserver {
    /// Traces `--trace-out` writes at most: the first rejections.
    static let tracesKept = 20

    let source: String
    /// Print each violation as soon as it is found.
    let live: Bool
    let quiet: Bool
    private var output = StandardOutput()
    private let terminal = Terminal()
    private var json: AtomicFileStream?
    private var segmentsWritten = 0
    private let traceDirectory: String?
    private(set) var traceRequests: [LogTraceRequest] = []
    private(set) var traceNotes: [String] = []
    private var tracesLeftOut = 0
    private let extract: (line: Int, cell: Int?, path: String)?
    private(set) var extractRequest: Result<LogTraceRequest, LogTraceRequest.Refusal>?

    init(
        source: String, live: Bool, quiet: Bool, json: AtomicFileStream?,
        traceDirectory: String?, extract: (line: Int, cell: Int?, path: String)?
    ) {
        self.source = source
        self.live = live
        self.quiet = quiet
        self.json = json
        self.traceDirectory = traceDirectory
        self.extract = extract
        json?.write("{\"segments\":[")
    }

    mutating func found(_ violation: LogViolation, in segment: LogSegmentStart) {
        guard live else { return }
        var lines = LogCheckReport.explanation(violation)
        let trace = segment.trace.map { "segment \($0), " } ?? "segment at "
        output.line(terminal.paint("FAIL", .red) + " " + lines.removeFirst() + "   [\(trace)\(source):\(segment.line)]")
        for line in lines { output.line("     " + line) }
        output.flush()
    }

    mutating func finished(_ segment: LogSegmentResult) {
        if !quiet || segment.failed {
            let line = LogCheckReport.line(segment, source: source)
            let word = segment.failed ? "FAIL" : "ok  "
            output.line(terminal.paint(word, segment.failed ? .red : .green) + line.dropFirst(word.count))
            for detail in LogCheckReport.details(segment, violationsShown: live) { output.line(detail) }
        }
        if live { output.flush() }
        json?.write((segmentsWritten == 0 ? "\n" : ",\n") + LogCheckReport.json(segment).serialized())
        segmentsWritten += 1
        planTraces(segment)
    }

    private mutating func planTraces(_ segment: LogSegmentResult) {
        if let traceDirectory {
            for violation in segment.violations {
                guard traceRequests.count < Self.tracesKept else {
                    if violation.rejection != nil { tracesLeftOut += 1 }
                    continue
                }
                if let request = LogTraceRequest.failing(violation, in: segment, source: source, directory: traceDirectory) {
                    traceRequests.append(request)
                } else if traceNotes.count < 5 {
                    traceNotes.append("no trace for line \(violation.line): a message naming two cells or none belongs to no one cell's trace")
                }
            }
        }
        if let extract, extract.line == segment.line {
            do throws(LogTraceRequest.Refusal) {
                extractRequest = .success(try LogTraceRequest.whole(segment, cell: extract.cell, source: source, path: extract.path))
            } catch {
                extractRequest = .failure(error)
            }
        }
    }

    /// The summary lines, the end of the JSON report; what is left to do.
    mutating func finish(_ summary: LogCheckSummary) -> CheckLogPassOne {
        for line in LogCheckReport.summary(summary) { output.line(line) }
        output.flush()
        var result = CheckLogPassOne(summary: summary, traceRequests: traceRequests, traceNotes: traceNotes)
        if tracesLeftOut > 0 {
            result.traceNotes.append("\(tracesLeftOut) more rejections left out: --trace-out writes the first \(Self.tracesKept)")
        }
        if let extract {
            result.extract = extractRequest ?? .failure(LogTraceRequest.Refusal(
                description: "no segment starts at line \(extract.line): --extract takes the line of a reset (shown after the file name)"))
        }
        if let json {
            let tail = JSONValue.object(LogCheckReport.jsonTail(summary, source: source)).serialized()
            json.write("\n]," + tail.dropFirst() + "\n")
            do { try json.commit() } catch { result.jsonFailure = error.description }
        }
        return result
    }
}

/// What the first pass over a log leaves for the command.
struct CheckLogPassOne: Sendable {
    var summary: LogCheckSummary
    var traceRequests: [LogTraceRequest]
    var traceNotes: [String]
    var extract: Result<LogTraceRequest, LogTraceRequest.Refusal>?
    var jsonFailure: String?
    var readFailure: String?

    init(summary: LogCheckSummary, traceRequests: [LogTraceRequest] = [], traceNotes: [String] = []) {
        self.summary = summary
        self.traceRequests = traceRequests
        self.traceNotes = traceNotes
    }
}
