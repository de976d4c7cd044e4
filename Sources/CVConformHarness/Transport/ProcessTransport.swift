import CVConformPlatform
import NIOCore
import NIOPosix
import Subprocess
import SystemPackage

/// An implementation run as a child process: `/bin/sh -c COMMAND` in a
/// process group of its own. swift-subprocess starts it (closing every other
/// descriptor in the child) and waits for its exit on a monitor of its own;
/// its stdin, stdout and stderr are pipes read and written on NIO's event
/// loops. Stopping it cancels the task that runs it, and swift-subprocess's
/// teardown kills the whole group, so nothing the implementation started
/// outlives the harness.
final class ProcessTransport: LineTransport {
    let inbox: Inbox
    let log = LogTail()
    private let writer: ChannelWriter
    private let output: any Channel
    private let ending = Locked<String?>(nil)
    private let exited: Task<Void, Never>
    private let loop: any EventLoop

    /// Every live process group, for Ctrl-C: the command exits at once
    /// then, before any asynchronous teardown could run, so the groups are
    /// killed there and then (`killAll`).
    static let live = Locked<Set<pid_t>>([])

    init(command: String, loop: any EventLoop) async throws(HarnessFailure) {
        inbox = Inbox(loop: loop)
        self.loop = loop
        typealias Pipe = (readEnd: SystemPackage.FileDescriptor, writeEnd: SystemPackage.FileDescriptor)
        let (stdin, stdout, stderr): (Pipe, Pipe, Pipe)
        do {
            stdin = try SystemPackage.FileDescriptor.pipe()
            stdout = try SystemPackage.FileDescriptor.pipe()
            stderr = try SystemPackage.FileDescriptor.pipe()
        } catch {
            throw HarnessFailure(.unavailable, "cannot create pipes: \(error)")
        }
        // Our ends are close-on-exec (swift-subprocess also closes every
        // descriptor but the three in the child).
        for end in [stdin.writeEnd, stdout.readEnd, stderr.readEnd] { _ = fcntl(end.rawValue, F_SETFD, FD_CLOEXEC) }
        var options = PlatformOptions()
        options.processGroupID = 0
        // Cancelling `exited` kills the group (the implementation and
        // whatever it started), and the exit is then awaited.
        options.teardownSequence = [.send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .zero)]
        let configuration = Configuration(executable: .path("/bin/sh"), arguments: ["-c", command], platformOptions: options)
        let (started, startedSignal) = AsyncStream.makeStream(of: Optional<pid_t>.self)
        let ending = self.ending
        let spawnedPID = Locked<pid_t?>(nil)
        exited = Task {
            do {
                let result = try await Subprocess.run(
                    configuration, input: .fileDescriptor(stdin.readEnd, closeAfterSpawningProcess: true),
                    output: .fileDescriptor(stdout.writeEnd, closeAfterSpawningProcess: true),
                    error: .fileDescriptor(stderr.writeEnd, closeAfterSpawningProcess: true)
                ) { execution in
                    let pid = execution.processIdentifier.value
                    spawnedPID.withLock { $0 = pid }
                    _ = Self.live.withLock { $0.insert(pid) }
                    startedSignal.yield(pid)
                }
                ending.withLock { $0 = Self.describe(result.terminationStatus) }
                _ = Self.live.withLock { $0.remove(result.processIdentifier.value) }
            } catch {
                // Cancelled: the teardown killed the group.
                ending.withLock { $0 = Task.isCancelled ? "was killed by signal \(SIGKILL)" : "could not be started (\(error))" }
                if let pid = spawnedPID.value { _ = Self.live.withLock { $0.remove(pid) } }
                startedSignal.yield(nil)
            }
        }
        var spawned: pid_t?
        for await value in started {
            spawned = value
            break
        }
        guard spawned != nil else {
            for end in [stdin.writeEnd, stdout.readEnd, stderr.readEnd] { try? end.close() }
            throw HarnessFailure(.unavailable, "cannot start /bin/sh: \(ending.value ?? "")")
        }
        let (inbox, log) = (self.inbox, self.log)
        do {
            output = try await NIOPipeBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            LineReadingHandler(feeding: inbox, closing: "the implementation closed its output"))
                    }
                }
                .takingOwnershipOfDescriptors(input: stdout.readEnd.rawValue, output: stdin.writeEnd.rawValue).get()
            _ = try await NIOPipeBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(LineReadingHandler(line: { log.append($0) }, ended: { _ in log.markEnded() }))
                    }
                }
                .takingOwnershipOfDescriptor(input: stderr.readEnd.rawValue).get()
        } catch {
            exited.cancel()
            throw HarnessFailure(.unavailable, "cannot read the implementation's output: \(error)")
        }
        writer = ChannelWriter(channel: output)
    }

    deinit {
        exited.cancel()
        output.close(promise: nil)
    }

    private static func describe(_ status: TerminationStatus) -> String {
        switch status {
        // The shell's own codes, in words: the commonest start-up mistakes.
        case .exited(127): return "exited with status 127 (the shell found no such command)"
        case .exited(126): return "exited with status 126 (the shell could not run the command: not executable)"
        case .exited(let code): return "exited with status \(code)"
        case .signaled(let signal): return "was killed by signal \(signal)"
        }
    }

    func write(_ text: String, timeout: Duration) async throws(HarnessFailure) {
        try await writer.write(text, timeout: timeout)
    }

    func close(grace: Duration) async {
        // End of input: a well-behaved implementation ends too.
        try? await output.close(mode: .output).get()
        if await ending(grace: grace) == nil { killGroup() }
        await exited.value
        try? await output.close().get()
    }

    func kill() async {
        killGroup()
        await exited.value
        try? await output.close().get()
    }

    /// SIGKILL to the process group (the implementation and whatever it
    /// started), by swift-subprocess's teardown.
    private func killGroup() {
        if ending.value == nil { exited.cancel() }
    }

    var hasEnded: Bool { ending.value != nil }

    /// How the process ended, once it has, waiting at most `grace` for
    /// its exit (swift-subprocess reports it; nothing polls).
    func ending(grace: Duration) async -> String? {
        if let ending = ending.value { return ending }
        let (exited, ending) = (self.exited, self.ending)
        return await firstOf(timeout: grace, on: loop) { resume in
            Task {
                await exited.value
                resume(ending.value)
            }
        }
    }

    /// Kills every live process group (Ctrl-C).
    static func killAll() {
        for group in live.value { _ = CVConformPlatform.kill(-group, SIGKILL) }
    }
}
