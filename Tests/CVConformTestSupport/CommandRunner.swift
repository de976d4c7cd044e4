import Foundation
import Synchronization

/// What a command printed and how it ended.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `cvconform` with arguments in the repository root.
public func cvconform(_ arguments: String...) throws -> CommandResult {
    try cvconform(arguments)
}

/// Runs `cvconform` with arguments in the repository root.
public func cvconform(_ arguments: [String]) throws -> CommandResult {
    try runProcess(cvconformBinary, arguments)
}

/// Runs `cvconform` with arguments in the repository root, `input` on its
/// standard input.
public func cvconform(_ arguments: [String], input: String) throws -> CommandResult {
    try runProcess(cvconformBinary, arguments, input: input)
}

/// Runs a program in the repository root, standard input empty (or
/// `input`, written on a thread of its own), and collects both outputs.
public func runProcess(_ executable: String, _ arguments: [String], input: String? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let inputPipe = input.map { _ in Pipe() }
    if let inputPipe { process.standardInput = inputPipe } else { process.standardInput = FileHandle.nullDevice }
    try process.run()
    if let inputPipe, let input {
        let handle = inputPipe.fileHandleForWriting
        let data = Data(input.utf8)
        Thread.detachNewThread {
            try? handle.write(contentsOf: data)
            try? handle.close()
        }
    }
    // Read both pipes to the end before waiting, so neither can fill up:
    // stderr on another thread, handed back through a lock.
    let errData = Mutex(Data())
    let errDone = DispatchSemaphore(value: 0)
    let errHandle = err.fileHandleForReading
    Thread.detachNewThread {
        let data = errHandle.readDataToEndOfFile()
        errData.withLock { $0 = data }
        errDone.signal()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    errDone.wait()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus,
        stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData.withLock { $0 }, as: UTF8.self)
    )
}
