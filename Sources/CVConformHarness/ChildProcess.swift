import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A command run through `/bin/sh -c` in a process group of its own, with
/// pipes for stdin, stdout and stderr. The whole group is killed on stop, so
/// nothing the implementation started outlives the harness.
final class ChildProcess: Sendable {
    let pid: pid_t
    let stdinDescriptor: Int32
    let stdoutDescriptor: Int32
    let stderrDescriptor: Int32
    private let exitStatus = Mutex<Int32?>(nil)

    private static let spawning = NSLock()

    /// Every live process group, for Ctrl-C.
    private static let live = Mutex<Set<pid_t>>([])

    init(command: String) throws(HarnessFailure) {
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        var errors: [Int32] = [0, 0]
        // Pipes are made and handed over under one lock, close-on-exec, so an
        // implementation started at the same moment cannot inherit the other's
        // ends and keep them open (its end of output would never come).
        Self.spawning.lock()
        defer { Self.spawning.unlock() }
        guard pipe(&input) == 0, pipe(&output) == 0, pipe(&errors) == 0 else {
            throw HarnessFailure(.unavailable, "cannot create pipes: \(String(cString: strerror(errno)))")
        }
        for descriptor in input + output + errors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        // A write to a closed pipe must be an error, not a signal that ends us.
        signal(SIGPIPE, SIG_IGN)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigmask(&attributes, &noMask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let arguments = ["/bin/sh", "-c", command]
        let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let status = posix_spawn(&child, "/bin/sh", &actions, &attributes, &argv, &envp)
        close(input[0])
        close(output[1])
        close(errors[1])
        guard status == 0 else {
            close(input[1])
            close(output[0])
            close(errors[0])
            throw HarnessFailure(.unavailable, "cannot start /bin/sh: \(String(cString: strerror(status)))")
        }
        pid = child
        stdinDescriptor = input[1]
        stdoutDescriptor = output[0]
        stderrDescriptor = errors[0]
        _ = Self.live.withLock { $0.insert(child) }
    }

    /// How the process ended, if it has: "exited with status 3",
    /// "was killed by signal 9". Waits up to `grace` for it to end.
    func describeExit(grace: Duration = .milliseconds(300)) -> String? {
        let deadline = ContinuousClock.now + grace
        while true {
            if let status = reap(block: false) { return Self.describe(status) }
            if ContinuousClock.now >= deadline { return nil }
            usleep(5_000)
        }
    }

    /// Kills the process group and reaps the process.
    func kill() {
        Glibc.kill(-pid, SIGKILL)
        _ = reap(block: true)
        closeInput()
        _ = Self.live.withLock { $0.remove(pid) }
    }

    /// Closes stdin and gives the process `grace` to end before killing it.
    func finish(grace: Duration) {
        closeInput()
        let deadline = ContinuousClock.now + grace
        while reap(block: false) == nil && ContinuousClock.now < deadline { usleep(5_000) }
        Glibc.kill(-pid, SIGKILL)
        _ = reap(block: true)
        _ = Self.live.withLock { $0.remove(pid) }
    }

    private let inputClosed = Mutex(false)

    /// Closes stdin once, however often it is asked.
    private func closeInput() {
        let first = inputClosed.withLock { closed -> Bool in
            defer { closed = true }
            return !closed
        }
        if first { close(stdinDescriptor) }
    }

    private func reap(block: Bool) -> Int32? {
        exitStatus.withLock { known in
            if let known { return known }
            var status: Int32 = 0
            let result = waitpid(pid, &status, block ? 0 : WNOHANG)
            guard result == pid else { return nil }
            known = status
            return status
        }
    }

    private static func describe(_ status: Int32) -> String {
        let signal = status & 0x7f
        if signal == 0 { return "exited with status \((status >> 8) & 0xff)" }
        return "was killed by signal \(signal)"
    }

    /// Kills every live process group (Ctrl-C).
    static func killAll() {
        for group in live.withLock({ $0 }) { Glibc.kill(-group, SIGKILL) }
    }
}

/// Stops every implementation process the harness started (for Ctrl-C).
public func killAllImplementationProcesses() {
    ChildProcess.killAll()
}
