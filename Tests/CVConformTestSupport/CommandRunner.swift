import Foundation
import Subprocess
import SystemPackage

/// What a command printed and how it ended.
public struct CommandResult: Sendable {
    /// The exit status, or the number of the signal that killed it.
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `cvconform` with arguments in the repository root.
public func cvconform(_ arguments: String...) async throws -> CommandResult {
    try await cvconform(arguments)
}

/// Runs `cvconform` with arguments in the repository root.
public func cvconform(_ arguments: [String]) async throws -> CommandResult {
    try await runProcess(cvconformBinary, arguments)
}

/// Runs `cvconform` with arguments in the repository root, `input` on its
/// standard input.
public func cvconform(_ arguments: [String], input: String) async throws -> CommandResult {
    try await runProcess(cvconformBinary, arguments, input: input)
}

/// Runs a program in the repository root, standard input empty (or
/// `input`), and collects both outputs. swift-subprocess waits for the
/// exit without blocking a thread, so tests that run commands side by side
/// leave the cooperative pool free.
public func runProcess(_ executable: String, _ arguments: [String], input: String? = nil) async throws -> CommandResult {
    await CommandSlots.shared.acquire()
    let outcome: Result<CommandResult, any Error>
    do { outcome = .success(try await collect(executable, arguments, input: input)) } catch { outcome = .failure(error) }
    await CommandSlots.shared.release()
    return try outcome.get()
}

private func collect(_ executable: String, _ arguments: [String], input: String?) async throws -> CommandResult {
    let limit = 256 << 20
    let result = if let input {
        try await run(.path(FilePath(executable)), arguments: Arguments(arguments), workingDirectory: FilePath(repositoryRoot),
                      input: .string(input), output: .string(limit: limit), error: .string(limit: limit))
    } else {
        try await run(.path(FilePath(executable)), arguments: Arguments(arguments), workingDirectory: FilePath(repositoryRoot),
                      input: .none, output: .string(limit: limit), error: .string(limit: limit))
    }
    let status: Int32
    switch result.terminationStatus {
    case .exited(let code): status = Int32(code)
    case .signaled(let signal): status = Int32(signal)
    }
    return CommandResult(status: status, stdout: result.standardOutput, stderr: result.standardError)
}

/// At most one command per core at a time: tests that run commands with a
/// time budget (explore --time, load --duration) must not starve each
/// other. Waiting suspends; no thread blocks.
actor CommandSlots {
    static let shared = CommandSlots(ProcessInfo.processInfo.activeProcessorCount)

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = max(1, count) }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}
