import Dispatch
import Foundation

/// Long traces are read on two threads: a thread of its own drives libxml2
/// and the grammar and makes the strings, while the calling thread checks
/// each message against the table and runs the caller's work, so two cores
/// share it.
extension TraceReader {
    /// Files at least this long are read on two threads by `forEachEntry`.
    public static let twoThreadFileSize = 4 << 20

    /// Messages handed from the reading thread to the checking one.
    struct Batch: Sendable {
        var messages: [RawMessage] = []
        /// Where the first problem the reading found stands (its order):
        /// messages after it are not handed out.
        var firstProblem: Int?
    }

    /// Hands every remaining message to `body`, with its 1-based position,
    /// and throws every malformation of the file at its end. Messages after
    /// a malformation are not handed out. The reading thread has always
    /// stopped when this returns.
    public func forEachEntry(_ body: (TraceEntry, Int) -> Void) throws(TraceError) {
        _ = try readHeader()
        guard case .file(let path) = source, problems.isEmpty, !reachedEnd, Self.fileSize(path) >= Self.twoThreadFileSize else {
            while let entry = try next() { body(entry, position) }
            return
        }
        let queue = HandOffQueue<Batch>(capacity: 4)
        let stopped = DispatchSemaphore(value: 0)
        // The reading thread owns the reader until `stopped`: this thread
        // touches only the queue meanwhile.
        nonisolated(unsafe) let reading = self
        let thread = Thread {
            reading.readBatches(into: queue)
            stopped.signal()
        }
        thread.name = "cvconform-reader"
        thread.start()
        var checking = ProblemList()
        var firstReadingProblem = Int.max
        while let batch = queue.take() {
            firstReadingProblem = min(firstReadingProblem, batch.firstProblem ?? .max)
            for raw in batch.messages {
                switch MessageConversion.entry(from: raw, file: source.name, describing: checking.wouldList(raw.order)) {
                case .success(let entry):
                    guard checking.isEmpty && raw.order < firstReadingProblem else { continue }
                    position = raw.position
                    body(entry, raw.position)
                case .failure(let problem):
                    checking.add(problem)
                }
            }
        }
        stopped.wait()
        problems.merge(checking)
        position = grammar.messageCount
        try endReading()
    }

    /// The reading half, on a thread of its own.
    private func readBatches(into queue: HandOffQueue<Batch>) {
        xml.withDiagnostics {
            var batch = Batch()
            batch.messages.reserveCapacity(1024)
            while !reachedEnd {
                guard case .message(let raw) = step() else { continue }
                batch.messages.append(raw)
                if batch.messages.count == 1024 {
                    batch.firstProblem = problems.firstOrder
                    queue.put(batch)
                    batch = Batch()
                    batch.messages.reserveCapacity(1024)
                }
            }
            batch.firstProblem = problems.firstOrder
            queue.put(batch)
            queue.finish()
        }
    }

    private static func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }
}
