import CVConformCells
import CVConformModel
import CVConformTrace
import Foundation
import Synchronization

/// Judges a JSON-Lines log of a running system (contract section 7,
/// `check-log`), streaming, in memory that does not grow with the log.
///
/// A `reset` line starts a segment; the `msg` lines after it are judged as a
/// trace of section 4, cell by cell when the reset names cells. Lines that
/// are not JSON, truncated, of an unknown op or before any reset are counted
/// and skipped; a `msg` that breaks the message table makes its segment
/// malformed.
///
/// A file or standard input is read on two threads: a thread of its own
/// reads, splits and decodes lines (JSON and the message table), the
/// calling thread judges; batches go through a short bounded queue. From
/// standard input every read is handed on at once, so a live log is judged
/// as it grows.
package struct LogChecker: Sendable {
    package var options: LogCheckOptions

    package init(options: LogCheckOptions = LogCheckOptions()) {
        self.options = options
    }

    /// Judges a whole log, telling `observer` as it goes. Blocks the calling
    /// thread until the log ends: call it from a thread of its own, or use
    /// the async form.
    package func check(_ source: LogSource, observer: inout some LogCheckObserver) throws(LogReadError) -> LogCheckSummary {
        var state = State(options: options, lines: LogLineFetcher(source: source))
        if case .bytes = source {
            let lines = try LogLineReader.read(source) { line in
                if let item = LogItem.decode(line) { state.handle(item, &observer) }
            }
            state.handle(.end(lines: lines), &observer)
            return state.summary
        }
        let queue = HandOffQueue<LogBatch>(capacity: 4)
        // Judged batches go back to the reading thread to be filled again,
        // so their buffers are reused, and the items they hold aside are
        // freed by the thread that made them. Never full: at most the
        // forward queue's batches and two more exist at any time.
        let returned = HandOffQueue<LogBatch>(capacity: 8)
        let stopped = DispatchSemaphore(value: 0)
        let failure = Mutex<LogReadError?>(nil)
        let batchSize = options.batchSize
        let thread = Thread {
            var batches = BatchFilling(queue: queue, returned: returned, size: batchSize)
            do throws(LogReadError) {
                let lines = try LogLineReader.read(source, line: { line in
                    batches.add(line)
                }, afterRead: {
                    if source.isLive { batches.handOn() }
                })
                batches.add(.end(lines: lines))
            } catch {
                failure.withLock { $0 = error }
            }
            batches.handOn()
            queue.finish()
            while returned.poll() != nil {}
            stopped.signal()
        }
        thread.name = "cvconform-log-reader"
        thread.start()
        while let batch = queue.take() {
            state.handle(batch, &observer)
            returned.put(batch)
        }
        stopped.wait()
        if let error = failure.withLock({ $0 }) { throw error }
        return state.summary
    }

    /// Judges a whole log on a thread of its own, so no task's thread waits
    /// for the log; the observer comes back with the summary.
    package func check<Observer: LogCheckObserver & Sendable>(
        _ source: LogSource, observer: Observer
    ) async throws(LogReadError) -> (LogCheckSummary, Observer) {
        let outcome: Result<(LogCheckSummary, Observer), LogReadError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                var observer = observer
                do throws(LogReadError) {
                    let summary = try check(source, observer: &observer)
                    continuation.resume(returning: .success((summary, observer)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.name = "cvconform-log-judge"
            thread.start()
        }
        return try outcome.get()
    }

    /// The reading thread's side: fills batches and hands them on. A struct
    /// changed in place, not locals a nested function captures (those are
    /// checked for exclusive access at every line).
    private struct BatchFilling {
        let queue: HandOffQueue<LogBatch>
        let returned: HandOffQueue<LogBatch>
        let size: Int
        private var batch: LogBatch
        /// False once the judging side has stopped taking batches.
        private(set) var isOpen = true

        init(queue: HandOffQueue<LogBatch>, returned: HandOffQueue<LogBatch>, size: Int) {
            self.queue = queue
            self.returned = returned
            self.size = size
            batch = LogBatch(capacity: size)
        }

        mutating func add(_ line: LogLineReader.Line) {
            guard isOpen else { return }
            batch.add(line)
            if batch.isFull { handOn() }
        }

        mutating func add(_ item: consuming LogItem) {
            guard isOpen else { return }
            batch.add(item)
        }

        mutating func handOn() {
            guard isOpen, batch.count > 0 else { return }
            isOpen = queue.put(batch)
            // Refill a judged batch (its items are freed here), or start a
            // new one.
            if var old = returned.poll() {
                old.removeAll()
                old.readOn(after: batch)
                batch = old
            } else {
                var fresh = LogBatch(capacity: size)
                fresh.readOn(after: batch)
                batch = fresh
            }
        }
    }

    /// Every line of a log in memory, decoded into batches as the reading
    /// thread fills them (to see or time the batches apart from judging).
    package static func decodeAll(_ bytes: [UInt8], batchSize: Int = LogCheckOptions().batchSize) -> [LogBatch] {
        var batches: [LogBatch] = []
        var batch = LogBatch(capacity: batchSize)
        let lines = (try? LogLineReader.read(.bytes(bytes, name: "")) { line in
            batch.add(line)
            if batch.isFull {
                batches.append(batch)
                var next = LogBatch(capacity: batchSize)
                next.readOn(after: batch)
                batch = next
            }
        }) ?? 0
        batch.add(.end(lines: lines))
        batches.append(batch)
        return batches
    }

    /// Judges batches already decoded, on this thread alone, building each
    /// message as the judging thread does (to time judging apart from
    /// reading: `cvconform-bench bench-log`).
    package func judge(_ batches: [LogBatch], source: LogSource, observer: inout some LogCheckObserver) -> LogCheckSummary {
        var state = State(options: options, lines: LogLineFetcher(source: source))
        for batch in batches { state.handle(batch, &observer) }
        return state.summary
    }

    /// The judging side: the current segment and the counters.
    private struct State {
        let options: LogCheckOptions
        let lines: LogLineFetcher
        var summary = LogCheckSummary()
        var segment: LogSegmentJudging?

        init(options: LogCheckOptions, lines: LogLineFetcher) {
            self.options = options
            self.lines = lines
        }

        /// Each line of a batch, in order.
        mutating func handle(_ batch: LogBatch, _ observer: inout some LogCheckObserver) {
            batch.forEach(messages: { handle($0, at: $1, named: $2, &observer) }, others: { handle($0, &observer) })
        }

        mutating func handle(
            _ message: ObservedMessage, at position: LogLinePosition, named: NamedCell?,
            _ observer: inout some LogCheckObserver
        ) {
            summary.messages += 1
            guard segment != nil else {
                summary.skipped.add(position.line, "msg before any reset")
                return
            }
            segment?.observe(message, at: position, named: named, lines: lines, observer: &observer)
        }

        mutating func handle(_ item: LogItem, _ observer: inout some LogCheckObserver) {
            switch item {
            case .message(let message, let position, let named):
                handle(ObservedMessage(message), at: position, named: named, &observer)
            case .badMessage(let line, let reason):
                summary.messages += 1
                guard segment != nil else {
                    summary.skipped.add(line, "msg before any reset")
                    return
                }
                segment?.malformed(line: line, reason: reason)
            case .reset(let reset, let line):
                finishSegment(&observer)
                let starting = LogSegmentJudging(reset: reset, line: line, options: options, keepsMessages: !lines.canReadAgain)
                observer.started(starting.start)
                segment = starting
            case .skipped(let line, let reason):
                summary.skipped.add(line, reason)
                segment?.skipped(line: line)
            case .ignored(let line):
                summary.ignored += 1
                segment?.passed(line: line)
            case .end(let lines):
                summary.lines = lines
                finishSegment(&observer)
            }
        }

        private mutating func finishSegment(_ observer: inout some LogCheckObserver) {
            guard let ending = segment else { return }
            segment = nil
            let result = ending.finish()
            summary.count(result.outcome)
            observer.finished(result)
        }
    }
}
