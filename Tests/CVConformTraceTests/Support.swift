import CVConformTrace
import Foundation

/// A trace document around the given message lines, with a small setup.
func traceText(expect: String = "pass", id: String = "t", profile: String = "core", _ body: String...) -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <trace xmlns="urn:cvconform:trace:1" id="\(id)" profile="\(profile)" expect="\(expect)">
      <setup>
        <agent id="1001" skills="10 20"/>
        <station extension="4001"/>
        <vdn number="5000" skill="10"/>
      </setup>
    \(body.map { "  " + $0 }.joined(separator: "\n"))
    </trace>

    """
}

/// Reads the whole text; returns the error, or nil when it reads.
func readError(_ text: String) -> TraceError? {
    do {
        _ = try Trace.read(text: text, name: "t.xml")
        return nil
    } catch {
        return error
    }
}


/// The built `cvconform`: beside the test bundle, as `swift test` builds it.
let cvconformBinary: String = {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cvconform").path
    if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    return repositoryRoot + "/.build/debug/cvconform"
}()

/// Runs the built `cvconform` in the repository root; returns its exit
/// status, standard output and standard error (through files, so that no
/// pipe can fill up).
func cvconform(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
    let base = NSTemporaryDirectory() + "cvconform-trace-test-" + UUID().uuidString
    let files = (out: base + ".out", err: base + ".err")
    defer {
        try? FileManager.default.removeItem(atPath: files.out)
        try? FileManager.default.removeItem(atPath: files.err)
    }
    for path in [files.out, files.err] { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: cvconformBinary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
    process.standardOutput = FileHandle(forWritingAtPath: files.out)
    process.standardError = FileHandle(forWritingAtPath: files.err)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    let read = { (path: String) in String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }
    return (process.terminationStatus, read(files.out), read(files.err))
}
