import CVConformTestSupport
import Foundation
import Testing

/// The example implementation (Sources/ExampleImplementation), written apart
/// from the reference model, against the suite: it must pass, and each of
/// its deliberate mistakes must be caught.
@Suite("Example implementation against the core suite", .tags(.endToEnd, .timing))
struct ExampleImplementationTests {
    let example: String = {
        URL(fileURLWithPath: cvconformBinary).deletingLastPathComponent().appendingPathComponent("cvconform-example").path
    }()
    /// For runs that should pass: the default timeout, so a loaded machine cannot fail them.
    let passing = ["--quiet-period", "0.03", "--jobs", "2", "--quiet"]
    /// For runs that should fail or err: short waits keep them quick.
    let fast = ["--quiet-period", "0.03", "--timeout", "0.5", "--startup-timeout", "2", "--jobs", "2", "--quiet"]

    /// The example serving TCP on a free port, and that port (it prints
    /// "listening on 127.0.0.1:PORT" on stderr).
    func listeningExample() throws -> (Process, String) {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: example)
        server.arguments = ["--listen", "0"]
        let log = Pipe()
        server.standardError = log
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        var text = ""
        while !text.contains("\n") {
            let data = log.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        do {
            let port = try #require(text.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
            return (server, port)
        } catch {
            server.terminate()
            throw error
        }
    }

    @Test("It passes the core suite through --exec")
    func passesOverExec() async throws {
        let result = try await cvconform(["run", "traces", "--exec", example] + passing)
        #expect(result.status == 0, "\(result.stdout.suffix(2000))")
        #expect(result.stdout.contains("implementation: cvconform-example"))
    }

    @Test("A server that serves one connection at a time, asked for two jobs: the hint names that, not output buffering")
    func oneConnectionAtATime() async throws {
        let (server, port) = try listeningExample()
        defer { server.terminate() }
        let result = try await cvconform(["run", "traces/login", "--connect", "127.0.0.1:\(port)", "--jobs", "2", "--startup-timeout", "1",
                                    "--quiet-period", "0.03"])
        #expect(result.stdout.contains("serves one connection at a time"), "\(result.stdout.prefix(1500))")
        #expect(!result.stdout.contains("python3 -u"))
    }

    @Test("It passes the core suite through --connect, as a TCP server")
    func passesOverTCP() async throws {
        let (server, port) = try listeningExample()
        defer { server.terminate() }
        let result = try await cvconform(["run", "traces", "--connect", "127.0.0.1:\(port)", "--quiet-period", "0.03", "--quiet"])
        #expect(result.status == 0, "\(result.stdout.suffix(2000))")
    }

    @Test("Each deliberate mistake fails at least one core trace", arguments: [
        "echo-drop", "no-most-idle", "wrong-cause-order", "no-quiet", "ignore-wrong-button", "extra-output",
    ])
    func mistakesAreCaught(_ fault: String) async throws {
        let result = try await cvconform(["run", "traces", "--exec", "\(example) --fault \(fault)"] + fast)
        #expect(result.status == 1)
        #expect(("\n" + result.stdout).contains("\nFAIL "), "\(fault) was not caught")
    }

    @Test("Keeping each channel's order but not the order across channels still conforms")
    func swappedChannelsConform() async throws {
        let result = try await cvconform(["run", "traces", "--exec", "\(example) --fault swap-channels"] + passing)
        #expect(result.status == 0, "\(result.stdout.suffix(2000))")
    }

    @Test("Misbehaviour is an error with a reason, never a hang", arguments: [
        ("crash-after-hello", "exited"), ("garbage", "not a JSON object"), ("wrong-protocol", "speaks protocol"),
        ("exit-mid-trace", "exited"), ("hang", "did not answer"),
    ])
    func misbehaviour(_ fault: String, _ reason: String) async throws {
        let result = try await cvconform(["run", "traces/login", "--exec", "\(example) --fault \(fault)"] + fast)
        #expect(result.status == 1)
        #expect(("\n" + result.stdout).contains("\nERROR "), "\(fault)")
        #expect(result.stdout.contains(reason), "\(fault): \(result.stdout.prefix(1500))")
    }

    @Test("The Python example passes the login traces (and the rest of the core suite)")
    func python() async throws {
        let result = try await cvconform(["run", "traces", "--exec", "python3 Scripts/minimal_implementation.py"] + passing)
        #expect(result.status == 0, "\(result.stdout.suffix(2000))")
    }
}
