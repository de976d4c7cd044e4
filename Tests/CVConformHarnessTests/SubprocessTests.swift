import CVConformHarnessTestSupport
import CVConformTestSupport
import CVConformTrace
import Foundation
import Testing
@testable import CVConformHarness

let helloLine = #"{"op":"hello","protocol":"1","implementation":"shell","roles":["icm","cvct","ecs"],"internal":true}"#

/// A shell implementation that answers hello and reset, then does `then`.
func shellImplementation(then script: String) -> String {
    "read l; echo '\(helloLine)'; read l; echo '{\"op\":\"ready\"}'; \(script)"
}

func runSuite(_ files: [String], command: String, options: ReplayOptions = fastOptions) async -> [ReplayResult] {
    let runner = SuiteRunner(options: options) {
        WireImplementation(endpoint: .command(command), startupTimeout: .seconds(5), answerTimeout: .seconds(2))
    }
    var results: [ReplayResult] = []
    for file in files { results.append(await runner.run(file: repositoryRoot + "/traces/" + file)) }
    await runner.finish()
    return results
}

@Suite("Subprocess adapter: well-behaved and misbehaving implementations", .tags(.endToEnd, .timing))
struct SubprocessTests {
    let login = "login/login-basic.xml"
    let session = "sessions/session-realtime-answered.xml"

    @Test("The reference over the wire (cvconform serve) passes; one process serves the suite")
    func serve() async {
        let results = await runSuite([login, session, "logout/logout-phone.xml"], command: builtExecutable("cvconform") + " serve")
        #expect(results.map(\.verdict) == [.pass, .pass, .pass], "\(results.map(\.detail))")
    }

    @Test("Crash right after hello: error, with how it ended")
    func crashAfterHello() async {
        let results = await runSuite([login], command: "read l; echo '\(helloLine)'; exit 3")
        #expect(results[0].verdict == .error)
        #expect(results[0].detail.contains("exited with status 3"), "\(results[0].detail)")
    }

    @Test("Never answering hello: error after the startup timeout, and the rest is not retried forever")
    func neverAnswers() async {
        let results = await runSuite([login, session, login], command: "cat > /dev/null")
        #expect(results.map(\.verdict) == [.error, .error, .error])
        #expect(results[0].detail.contains("did not answer with hello"))
        #expect(results[2].detail.contains("not replayed"))
    }

    @Test("Garbage instead of JSON: error naming the line")
    func garbage() async {
        let results = await runSuite([login], command: shellImplementation(then: "read l; echo 'this is not json'; sleep 60"))
        #expect(results[0].verdict == .error)
        #expect(results[0].detail.contains("not a JSON object: this is not json"))
    }

    @Test("A missing output from a live implementation is a fail, not an error")
    func missingButAlive() async {
        let forgetful = "\(builtExecutable("cvconform")) serve | grep --line-buffered -v acw-open"
        let results = await runSuite([login, session], command: forgetful)
        #expect(results.map(\.verdict) == [.fail, .fail], "\(results.map(\.detail))")
    }

    @Test("Blank lines and CRLF line ends from an implementation are tolerated")
    func blankLines() async {
        let serve = builtExecutable("cvconform") + " serve"
        let results = await runSuite([login], command: "\(serve) | sed -u 's/$/\\r/; a\\'")
        #expect(results[0].verdict == .pass, "\(results[0].detail)")
    }

    @Test("A flood of output is cut off; the run goes on")
    func flood() async {
        let line = #"{"op":"msg","from":"icm","to":"browser","type":"acw-open","params":{"agent":"1"}}"#
        let results = await runSuite([login, login], command: shellImplementation(then: "read l; yes '\(line)'"))
        #expect(results[0].verdict == .fail)
        // The flooding process cannot answer the next reset; a fresh one
        // replays the trace, and floods again.
        #expect(results[1].verdict == .fail, "\(results[1].detail)")
        #expect(results[1].log.first?.contains("fresh one") == true)
    }

    @Test("A line longer than 1 MiB is a protocol violation, not a stall")
    func overlongLine() async {
        let results = await runSuite([login], command: shellImplementation(then: "read l; head -c 1200000 /dev/zero | tr '\\0' x; sleep 60"))
        #expect(results[0].verdict == .error)
        #expect(results[0].detail.contains("longer than 1 MiB"), "\(results[0].detail)")
    }

    @Test("Nothing at all on stdout: the hello timeout says stdout may not be flushed; bytes without an end of line say so")
    func unflushed() async throws {
        let silent = WireImplementation(endpoint: .command("cat > /dev/null"), startupTimeout: .milliseconds(600))
        let nothing = await #expect(throws: HarnessFailure.self) { _ = try await silent.start() }
        #expect(nothing?.message.contains("flush stdout after each line") == true, "\(nothing?.message ?? "")")
        await silent.abort()
        let partial = WireImplementation(endpoint: .command("printf '{\\\"op\\\":'; cat > /dev/null"), startupTimeout: .milliseconds(600))
        let bytes = await #expect(throws: HarnessFailure.self) { _ = try await partial.start() }
        #expect(bytes?.message.contains("but no end of line") == true, "\(bytes?.message ?? "")")
        await partial.abort()
    }

    @Test("A refused TCP connection is an error that says so, at once")
    func refusedConnection() async {
        let runner = SuiteRunner(options: fastOptions) { WireImplementation(endpoint: .tcp(host: "127.0.0.1", port: 1), startupTimeout: .seconds(5)) }
        let result = await runner.run(file: repositoryRoot + "/traces/" + login)
        #expect(result.verdict == .error)
        #expect(result.detail.contains("nothing listens on 127.0.0.1:1: connection refused"), "\(result.detail)")
    }

    @Test("A wrong protocol version: error saying both versions")
    func wrongProtocol() async {
        let results = await runSuite([login], command: #"read l; echo '{"op":"hello","protocol":"2","roles":["icm"]}'; sleep 60"#)
        #expect(results[0].verdict == .error)
        #expect(results[0].detail.contains(#"speaks protocol "2""#))
    }

    @Test("Exiting in the middle of a trace: error; a fresh process serves the next trace")
    func exitMidTrace() async {
        let serve = builtExecutable("cvconform") + " serve"
        // The first process dies after its first stimulus; later ones are healthy.
        let marker = NSTemporaryDirectory() + "cvconform-exit-\(UUID().uuidString)"
        let command = "if [ -e \(marker) ]; then exec \(serve); else touch \(marker); \(shellImplementation(then: "read l; exit 0")); fi"
        let results = await runSuite([login, login], command: command)
        #expect(results[0].verdict == .error)
        #expect(results[0].detail.contains("exited with status 0"), "\(results[0].detail)")
        #expect(results[1].verdict == .pass, "\(results[1].detail)")
    }

    @Test("A hang is an error (it answers no reset after the silence), and stderr is kept as its log")
    func log() async {
        let results = await runSuite([login], command: shellImplementation(then: "echo 'something broke' >&2; sleep 60"))
        #expect(results[0].verdict == .error, "\(results[0].detail)")
        #expect(results[0].detail.contains("hung"))
        #expect(results[0].log.contains("something broke"))
    }

    @Test("A crash's last words are kept: stderr is read to its end though the exit is seen first")
    func crashLog() async {
        // A child it leaves behind writes to stderr after the exit.
        let results = await runSuite([login], command: shellImplementation(then: "read l; exec >&-; (sleep 0.3; echo 'dying words' >&2) & exit 4"))
        #expect(results[0].verdict == .error, "\(results[0].detail)")
        #expect(results[0].log.contains("dying words"), "\(results[0].log)")
    }

    @Test("An implementation that never answers reset: after two traces (each also tried on a fresh process) the rest is not replayed")
    func neverAnswersReset() async {
        let command = "read l; echo '\(helloLine)'; cat > /dev/null"
        let results = await runSuite([login, login, login, login], command: command)
        #expect(results.allSatisfy { $0.verdict == .error })
        #expect(results[0].failedAtReset && results[1].failedAtReset)
        #expect(!results[0].detail.hasPrefix("not replayed") && !results[1].detail.hasPrefix("not replayed"))
        #expect(results[2].detail.hasPrefix("not replayed: the implementation did not answer reset in 2 traces in a row"), "\(results[2].detail)")
        #expect(results[3].detail.hasPrefix("not replayed"))
    }

    @Test("A malformed trace is an error of the run, not a crash")
    func malformedTrace() async {
        let runner = SuiteRunner(options: fastOptions) { ReferenceImplementation() }
        let result = await runner.run(file: repositoryRoot + "/Tests/Fixtures/malformed/param-missing.xml")
        #expect(result.verdict == .error)
        // The file is at fault, not the implementation.
        #expect(result.failure == nil && result.malformation != nil)
        #expect(result.detail.contains("the trace is malformed"))
    }
}

@Suite("The optional sync capability", .tags(.endToEnd))
struct SyncCapabilityTests {
    let login = "login/login-basic.xml"
    static let hello = #"{"op":"hello","protocol":"1","implementation":"sync","roles":["icm"],"internal":true,"capabilities":["sync"]}"#

    @Test("The reference over the wire offers sync and passes without waiting out quiet periods")
    func serveOffersSync() async {
        // A quiet period longer than the whole test would take if it were used.
        let slowQuiet = ReplayOptions(timeout: .seconds(2), quietPeriod: .seconds(30))
        let results = await runSuite([login, "logout/logout-phone.xml"], command: builtExecutable("cvconform") + " serve", options: slowQuiet)
        #expect(results.map(\.verdict) == [.pass, .pass])
    }

    @Test("An output written before synced is an extra output: fail")
    func extraBeforeSynced() async {
        // Plays only the ICM: answers login with login-request, then on sync
        // writes a stray acw-close before synced.
        let script = """
            read l; echo '\(Self.hello)'; read l; echo '{"op":"ready"}'; \
            read l; echo '{"op":"msg","from":"icm","to":"cvct","type":"login-request","params":{"agent":"1001","extension":"4001"}}'; \
            while read l; do case "$l" in *sync*) echo '{"op":"msg","from":"icm","to":"browser","type":"acw-close","params":{"agent":"1001"}}'; echo '{"op":"synced","id":"1"}';; \
            *login-confirmed*) echo '{"op":"msg","from":"icm","to":"browser","type":"acw-open","params":{"agent":"1001"}}';; esac; done
            """
        let results = await runSuite([login], command: script)
        #expect(results[0].verdict == .fail, "\(results[0].detail)")
        #expect(results[0].detail.contains("extra output"), "\(results[0].detail)")
    }

    @Test("Offering sync but never answering it is an error, not a hang")
    func syncNeverAnswered() async {
        let script = """
            read l; echo '\(Self.hello)'; read l; echo '{"op":"ready"}'; \
            read l; echo '{"op":"msg","from":"icm","to":"cvct","type":"login-request","params":{"agent":"1001","extension":"4001"}}'; \
            while read l; do case "$l" in *login-confirmed*) echo '{"op":"msg","from":"icm","to":"browser","type":"acw-open","params":{"agent":"1001"}}';; esac; done
            """
        let results = await runSuite([login], command: script)
        #expect(results[0].verdict == .error)
        #expect(results[0].detail.contains("synced"), "\(results[0].detail)")
    }
}
