import CVConformPlatform
import Foundation
import Subprocess
import Synchronization

/// An implementation run as a child process: `/bin/sh -c COMMAND` in a
/// process group of its own, stdin, stdout and stderr as pipes (through
/// swift-subprocess, which closes every other descriptor in the child and
/// waits for its exit on a monitor of its own). The whole group is killed
/// on stop, so nothing the implementation started outlives the harness.
final class ProcessTransport: LineTransport {
    let inbox = Inbox()
    let log = LogTail()
    private let outgoing: AsyncStream<Outgoing>.Continuation
    private let state = Locked(State())
    private let finished: Task<Void, Never>

    private enum Outgoing: Sendable {
        case bytes([UInt8])
        /// Close stdin, wait up to the grace for the end, then kill.
        case finish(Duration)
        case kill
    }

    private struct State {
        var pid: pid_t?
        var ending: String?
        /// Bytes queued and not yet written.
        var unwritten = 0
        var writeFailure: HarnessFailure?
        var startFailure: HarnessFailure?
    }

    /// Bytes that may wait unwritten before `write` waits too.
    private static let backlog = 1 << 22

    /// Every live process group, for Ctrl-C.
    static let live = Locked<Set<pid_t>>([])

    init(command: String) async throws(HarnessFailure) {
        let (stream, continuation) = AsyncStream.makeStream(of: Outgoing.self, bufferingPolicy: .unbounded)
        outgoing = continuation
        var options = PlatformOptions()
        options.processGroupID = 0
        let configuration = Configuration(executable: .path("/bin/sh"), arguments: ["-c", command], platformOptions: options)
        let started = AsyncStream.makeStream(of: Bool.self)
        let (inbox, log, state) = (self.inbox, self.log, self.state)
        finished = Task {
            do {
                let result = try await Subprocess.run(configuration, input: .inputWriter, output: .sequence, error: .sequence) { execution in
                    let pid = execution.processIdentifier.value
                    state.withLock { $0.pid = pid }
                    _ = Self.live.withLock { $0.insert(pid) }
                    started.continuation.yield(true)
                    await Self.serve(execution, outgoing: stream, inbox: inbox, log: log, state: state)
                }
                let ending = Self.describe(result.terminationStatus)
                let pid = state.withLock { state -> pid_t? in
                    if state.ending == nil { state.ending = ending }
                    return state.pid
                }
                if let pid { _ = Self.live.withLock { $0.remove(pid) } }
            } catch {
                state.withLock { $0.startFailure = HarnessFailure(.unavailable, "cannot start /bin/sh: \(error)") }
                started.continuation.yield(false)
            }
            inbox.close(HarnessFailure(.exited, "the implementation \(state.withLock { $0.ending } ?? "closed its output")"))
        }
        for await ok in started.stream {
            if ok { return }
            break
        }
        throw state.withLock { $0.startFailure } ?? HarnessFailure(.unavailable, "cannot start the implementation")
    }

    deinit {
        killGroup()
        outgoing.finish()
    }

    /// The life of the process, inside swift-subprocess's scope: read its
    /// output and its log, write what is queued, until its output ends.
    private static func serve(
        _ execution: Execution<CustomWriteInput, SequenceOutput, SequenceOutput>, outgoing: AsyncStream<Outgoing>,
        inbox: Inbox, log: LogTail, state: Locked<State>
    ) async {
        enum Event: Sendable { case outputEnded, logEnded, writerEnded }
        let writer = execution.standardInputWriter
        await withTaskGroup(of: Event.self) { group in
            group.addTask {
                var framer = LineFramer()
                var overlong = false
                do {
                    reading: for try await buffer in execution.standardOutput {
                        inbox.noteBytes(buffer.count)
                        let fits = buffer.withUnsafeBytes { framer.feed($0) { inbox.push($0) } }
                        if !fits {
                            overlong = true
                            break reading
                        }
                    }
                } catch {}
                if overlong {
                    inbox.close(HarnessFailure(.protocolViolation, "the implementation wrote a line longer than 1 MiB"))
                } else {
                    framer.finish { inbox.push($0) }
                    // How it ended is added by whoever reads this (`ending`).
                    inbox.close(HarnessFailure(.exited, "the implementation closed its output"))
                }
                return .outputEnded
            }
            group.addTask {
                var framer = LineFramer()
                do {
                    for try await buffer in execution.standardError {
                        _ = buffer.withUnsafeBytes { framer.feed($0) { log.append($0) } }
                    }
                } catch {}
                framer.finish { log.append($0) }
                return .logEnded
            }
            group.addTask {
                for await item in outgoing {
                    switch item {
                    case .bytes(let bytes):
                        do {
                            _ = try await writer.write(bytes)
                        } catch {
                            state.withLock { $0.writeFailure = $0.writeFailure ?? HarnessFailure(.exited, "cannot write to the implementation (\(error))") }
                        }
                        state.withLock { $0.unwritten -= bytes.count }
                    case .finish:
                        try? await writer.finish()
                    case .kill:
                        return .writerEnded
                    }
                }
                return .writerEnded
            }
            // Until the output ends: then the log gets a moment to be read
            // to its end, and whatever else is going on stops.
            while let event = await group.next() {
                guard event == .outputEnded else { continue }
                let grace = Task { try? await Task.sleep(for: .milliseconds(100)) }
                group.addTask {
                    await grace.value
                    return .writerEnded
                }
                while let next = await group.next(), next != .logEnded && next != .writerEnded {}
                grace.cancel()
                group.cancelAll()
                return
            }
        }
        state.withLock { $0.writeFailure = $0.writeFailure ?? HarnessFailure(.exited, "the implementation is not running") }
    }

    private static func describe(_ status: TerminationStatus) -> String {
        switch status {
        case .exited(let code): return "exited with status \(code)"
        case .signaled(let signal): return "was killed by signal \(signal)"
        }
    }

    func write(_ text: String, timeout: Duration) async throws(HarnessFailure) {
        let bytes = Array(text.utf8)
        if let failure = state.withLock({ $0.writeFailure }) { throw failure }
        let backlog = state.withLock { state -> Int in
            state.unwritten += bytes.count
            return state.unwritten
        }
        outgoing.yield(.bytes(bytes))
        guard backlog > Self.backlog else { return }
        // A great deal is still unwritten: the implementation may have
        // stopped reading. Wait for it to catch up, at most `timeout`.
        let deadline = ContinuousClock.now + timeout
        while state.withLock({ $0.unwritten }) > Self.backlog {
            guard ContinuousClock.now < deadline else {
                throw HarnessFailure(.timeout, "the implementation stopped reading its input (a write waited \(timeout))")
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    func close(grace: Duration) async {
        outgoing.yield(.finish(grace))
        if await ending(grace: grace) == nil { killGroup() }
        await finished.value
    }

    func kill() async {
        killGroup()
        outgoing.yield(.kill)
        await finished.value
    }

    /// SIGKILL to the process group: the implementation and whatever it
    /// started.
    private func killGroup() {
        if let pid = state.withLock({ $0.ending == nil ? $0.pid : nil }) { _ = CVConformPlatform.kill(-pid, SIGKILL) }
    }

    func ending(grace: Duration) async -> String? {
        let deadline = ContinuousClock.now + grace
        while true {
            if let ending = state.withLock({ $0.ending }) { return ending }
            guard ContinuousClock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Kills every live process group (Ctrl-C).
    static func killAll() {
        for group in live.withLock({ $0 }) { _ = CVConformPlatform.kill(-group, SIGKILL) }
    }
}
