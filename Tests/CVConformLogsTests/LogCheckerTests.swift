import CVConformCells
import CVConformModel
import CVConformTestSupport
import CVConformTrace
import CVConformWire
import Foundation
import Testing
@testable import CVConformLogs

/// Everything a check tells its observer, in order.
struct LogRecorder: LogCheckObserver, Sendable {
    var started: [LogSegmentStart] = []
    var found: [LogViolation] = []
    var segments: [LogSegmentResult] = []
    var judged = 0

    mutating func started(_ segment: LogSegmentStart) { started.append(segment) }
    mutating func found(_ violation: LogViolation, in segment: LogSegmentStart) { found.append(violation) }
    mutating func finished(_ segment: LogSegmentResult) { segments.append(segment) }
    mutating func judged(_ entry: LogEntry, _ judgement: CellJudgement, in segment: LogSegmentStart) { judged += 1 }
    var followsMessages: Bool { true }
}

/// A wire line for a message in compact form.
func wire(_ compact: String) -> String {
    WireProtocol.message(m(compact))
}

let oneAgentReset = #"{"op":"reset","trace":"t","setup":{"agents":[{"id":"1001","skills":["10"]}],"stations":["4001"],"vdns":[{"number":"5000","skill":"10"}]}}"#
let twoCellReset = #"{"op":"reset","trace":"cells","setup":{"agents":[{"id":"1001","skills":["10"]},{"id":"2001","skills":["20"]}],"stations":["4001","4002"],"vdns":[{"number":"5001","skill":"10"},{"number":"5002","skill":"20"}]},"cells":[["1001","4001","5001","10"],["2001","4002","5002","20"]]}"#

func loginLines(_ agent: String, _ station: String) -> [String] {
    ["browser>icm login agent=\(agent) extension=\(station)",
     "icm>cvct login-request agent=\(agent) extension=\(station)",
     "cvct>ecs asai-login agent=\(agent) extension=\(station)",
     "ecs>cvct logged-in agent=\(agent) extension=\(station)",
     "cvct>icm login-confirmed agent=\(agent) extension=\(station)",
     "icm>browser acw-open agent=\(agent)"].map(wire)
}

/// Checks a log held in memory.
func check(_ lines: [String], options: LogCheckOptions = LogCheckOptions()) throws -> (LogCheckSummary, LogRecorder) {
    var recorder = LogRecorder()
    let bytes = Array(lines.joined(separator: "\n").utf8)
    let summary = try LogChecker(options: options).check(.bytes(bytes, name: "test.log"), observer: &recorder)
    return (summary, recorder)
}

@Suite("check-log: segments, cells, skipped lines, malformed messages, windows (contract section 7)")
struct LogCheckerTests {
    @Test("A rejection shows the sender's state before the line that made it decide, while the cell's window holds all its lines")
    func stateBeforeTheDecision() throws {
        var lines = [oneAgentReset] + loginLines("1001", "4001")
        lines[4] = wire("ecs>cvct login-denied agent=1001 extension=4001 cause=unknown-agent")
        let (_, recorder) = try check(lines)
        guard case .rejected(let rejection)? = recorder.found.first?.kind else {
            Issue.record("no rejection: \(recorder.found)")
            return
        }
        #expect(rejection.decidedAfter == "line 4")
        #expect(rejection.lines(at: "line 5").contains { $0.hasPrefix("ecs before it received line 4 (the state it decided in): ") })
    }

    @Test("Each reset starts a segment at its line; outcomes and lines of the first violation")
    func segments() throws {
        let lines = [oneAgentReset] + loginLines("1001", "4001")
            + [oneAgentReset, wire("icm>browser acw-open agent=1001")]
            + [oneAgentReset, wire("browser>icm login agent=1001 extension=4001")]
        let (summary, recorder) = try check(lines)
        #expect(recorder.segments.map(\.line) == [1, 8, 10])
        #expect(recorder.segments.map(\.outcome) == [.accepted, .rejected, .incomplete])
        #expect(recorder.segments.map(\.at) == [nil, 9, nil])
        #expect(recorder.segments.map(\.messages) == [6, 1, 1])
        #expect(recorder.segments.map(\.lastLine) == [7, 9, 11])
        #expect(recorder.segments[0].detail == "")
        #expect(recorder.segments[1].detail == "line 9 icm→browser acw-open(agent=1001) is not allowed: nothing is owed on icm→browser")
        #expect(recorder.segments[2].detail == "still owed at the end: icm→cvct login-request(agent=1001, extension=4001)")
        #expect(recorder.segments.allSatisfy { $0.trace == "t" && $0.cellCount == nil })
        #expect(summary.segments == 3 && summary.accepted == 1 && summary.rejected == 1 && summary.incomplete == 1)
        #expect(summary.failed)
        #expect(summary.lines == 11 && summary.messages == 8)
    }

    @Test("A log cut anywhere is judged as far as it goes: incomplete, not failed")
    func cutShort() throws {
        let lines = [oneAgentReset] + Array(loginLines("1001", "4001").prefix(3))
        let (summary, recorder) = try check(lines)
        #expect(recorder.segments.map(\.outcome) == [.incomplete])
        #expect(!summary.failed)
    }

    @Test("Garbage, truncated JSON, unknown ops and msg lines before any reset are counted and skipped; wire ops and blank lines are not")
    func skipped() throws {
        let lines = [
            wire("browser>icm logout agent=1001"),      // 1: before any reset
            "garbage",                                  // 2
            #"{"op":"hello","protocol":"1"}"#,          // 3: ignored quietly
            oneAgentReset,                              // 4
            "",                                         // 5: blank
            #"{"op":"frobnicate"}"#,                    // 6: unknown op
            #"{"op":"msg","from":"browser","to":"#,     // 7: truncated
            #"[1]"#,                                    // 8: not an object
            #"{"op":"ready"}"#,                         // 9
            wire("browser>icm logout agent=1001"),      // 10: judged
        ]
        let (summary, recorder) = try check(lines)
        #expect(summary.skipped.count == 5)
        #expect(summary.skipped.first.map(\.number) == [1, 2, 6, 7, 8])
        #expect(summary.skipped.first.map(\.reason) == [
            "msg before any reset", "not JSON (at byte 0: expected a value, found 'g')", "unknown op 'frobnicate'",
            "truncated JSON", "a JSON value that is not an object",
        ])
        #expect(summary.ignored == 2)
        #expect(recorder.segments.map(\.outcome) == [.accepted])
        #expect(recorder.segments[0].skippedLines == 3)
        #expect(recorder.segments[0].messages == 1)
        #expect(!summary.failed)
    }

    @Test("A msg that breaks the message table makes its segment malformed at its line; the next segment is judged afresh")
    func malformedMessage() throws {
        let lines = [oneAgentReset, wire("icm>browser acw-open agent=1001"),
                     #"{"op":"msg","from":"browser","to":"icm","type":"login","params":{"agent":"1001"}}"#,
                     #"{"op":"msg","from":"browser","to":"icm","type":"logout","params":{"agent":1001}}"#,
                     oneAgentReset, wire("phone>ecs hangup extension=4001")]
        let (summary, recorder) = try check(lines)
        #expect(recorder.segments.map(\.outcome) == [.malformed, .accepted])
        #expect(recorder.segments[0].malformedAt == 3)
        #expect(recorder.segments[0].at == 2, "the violation before it is still reported")
        #expect(recorder.segments[0].detail == "line 3: message 'login' lacks parameter 'extension'")
        #expect(summary.malformed == 1 && summary.failed)
    }

    @Test("A bad reset makes a malformed segment at its line; a reset line cut short too")
    func malformedResets() throws {
        let lines = [
            #"{"op":"reset","setup":{"agents":[{"id":"1001","skills":["10"]},{"id":"1001","skills":[]}]}}"#,
            #"{"op":"reset","setup":{"stations":["4001"]},"cells":[["4001"],["4001"]]}"#,
            #"{"op":"reset","setup":{"stations":["4001"]},"cells":"all"}"#,
            #"{"op":"reset"}"#,
            #"{"op": "reset", "setup": {"stati"#,
            wire("phone>ecs hangup extension=4001"),
        ]
        let (_, recorder) = try check(lines)
        #expect(recorder.segments.map(\.outcome) == [.malformed, .malformed, .malformed, .malformed, .malformed])
        #expect(recorder.segments.map(\.malformedAt) == [1, 2, 3, 4, 5])
        #expect(recorder.segments.map(\.detail) == [
            "line 1: setup: agent 1001 is administered twice",
            "line 2: cells: id 4001 is listed in cell 1 and in cell 2; cells share no id",
            "line 3: cells must be a list of lists of ids",
            "line 4: the reset has no setup object",
            "line 5: the reset line is not JSON (truncated JSON)",
        ])
        #expect(recorder.segments[4].messages == 1, "the message after a mangled reset is not judged against the segment before")
    }

    @Test("Cells: interleaved cells are accepted; a mixed-up output is rejected in its cell at its line")
    func cells() throws {
        let first = loginLines("1001", "4001")
        let second = loginLines("2001", "4002")
        var interleaved: [String] = []
        for index in first.indices { interleaved += [second[index], first[index]] }
        let (_, accepted) = try check([twoCellReset] + interleaved)
        #expect(accepted.segments.map(\.outcome) == [.accepted])
        #expect(accepted.segments[0].cellCount == 2)
        #expect(accepted.segments[0].cells.map(\.messages) == [6, 6])

        var mixed = interleaved
        mixed.swapAt(8, 10) // cell 2: acw-open before login-confirmed
        let (summary, rejected) = try check([twoCellReset] + mixed)
        #expect(rejected.segments.map(\.outcome) == [.rejected])
        #expect(rejected.segments[0].at == 10)
        #expect(rejected.segments[0].cell == 2)
        #expect(rejected.segments[0].cells.map(\.outcome) == [.accepted, .rejected])
        #expect(rejected.found.map(\.line) == [10], "found before the segment ends")
        #expect(summary.rejected == 1)
    }

    @Test("Cells: a message naming two cells, or none, is a violation at its line")
    func unplaced() throws {
        let lines = [twoCellReset, wire("browser>icm login agent=1001 extension=4002"), wire("browser>icm login agent=9999 extension=9998")]
        let (_, recorder) = try check(lines)
        #expect(recorder.segments[0].outcome == .rejected)
        #expect(recorder.segments[0].at == 2)
        #expect(recorder.segments[0].cell == nil)
        #expect(recorder.segments[0].violationCount == 2)
        #expect(recorder.found.map(\.summary) == [
            "line 2 browser→icm login(agent=1001, extension=4002) names ids of two cells: agent 1001 (cell 1) and extension 4002 (cell 2); cells share no id",
            "line 3 browser→icm login(agent=9999, extension=9998) names no id of any cell: agent 9999, extension 9998 are listed in no cell",
        ])
    }

    @Test("Cells: a session's messages go to the cell of the VDN it was requested on")
    func sessionsByVDN() throws {
        let session = ["customer>icm session-request session=s1 media=realtime vdn=5002",
                       "icm>ecs launch session=s1 vdn=5002 media=realtime",
                       "ecs>cvct progress session=s1 state=offered vdn=5002",
                       "ecs>phone alert session=s1 extension=4002",
                       "ecs>cvct progress session=s1 state=alerting extension=4002",
                       "phone>ecs answer extension=4002",
                       "ecs>cvct progress session=s1 state=answered extension=4002",
                       "cvct>icm answered session=s1 extension=4002",
                       "icm>browser connect agent=2001 session=s1",
                       "phone>ecs hangup extension=4002",
                       "ecs>cvct progress session=s1 state=dropped extension=4002 by=phone",
                       "cvct>icm dropped session=s1",
                       "icm>browser disconnect agent=2001 session=s1 reason=hangup"].map(wire)
        let (_, recorder) = try check([twoCellReset] + loginLines("2001", "4002") + session)
        #expect(recorder.segments.map(\.outcome) == [.accepted])
        #expect(recorder.segments[0].cells.map(\.messages) == [0, 19])
    }

    @Test("A violation shows the messages before it on its channel and in its cell, each at its line, at most the window's size")
    func windows() throws {
        var options = LogCheckOptions()
        options.windowSize = 3
        let lines = [oneAgentReset] + loginLines("1001", "4001") + [wire("icm>browser acw-open agent=1001")]
        let (_, recorder) = try check(lines, options: options)
        let violation = try #require(recorder.found.first)
        #expect(violation.line == 8)
        #expect(violation.channelWindow.map(\.line) == [7])
        #expect(violation.channelWindow.first?.message == m("icm>browser acw-open agent=1001"))
        #expect(violation.cellWindow.map(\.line) == [5, 6, 7])
        #expect(violation.cellWindow.map(\.message) == [m("ecs>cvct logged-in agent=1001 extension=4001"),
                                                         m("cvct>icm login-confirmed agent=1001 extension=4001"),
                                                         m("icm>browser acw-open agent=1001")])
        let rejection = try #require(violation.rejection)
        #expect(rejection.position == 8)
        #expect(rejection.clause == .icmLoginConfirmed)
    }

    @Test("A window keeps a line's place in 16 bytes: up to a terabyte in, up to the longest line long")
    func windowPlaces() {
        let longest = LogLineReader.maximumLineLength
        for (offset, length) in [(0, 1), (12_345, 678), ((1 << 40) - 1, longest), (1 << 33, 1)] {
            let position = LogLinePosition(line: 1 << 35, offset: offset, length: length)
            #expect(LogWindows.Place(position).position == position)
        }
        #expect(MemoryLayout<LogWindows.Place>.size == 16)
        for (offset, length) in [(1 << 40, 10), (5, longest + 1), (5, 0), (-1, 3)] {
            #expect(LogWindows.Place(LogLinePosition(line: 9, offset: offset, length: length)).position == nil)
        }
    }

    @Test("Violations kept per segment are bounded; the rest are counted")
    func violationsBounded() throws {
        var options = LogCheckOptions()
        options.violationsKept = 2
        let lines = [twoCellReset] + Array(repeating: wire("browser>icm login agent=9999 extension=9998"), count: 50)
        let (_, recorder) = try check(lines, options: options)
        #expect(recorder.segments[0].violations.count == 2)
        #expect(recorder.segments[0].violationCount == 50)
        #expect(recorder.found.count == 50)
    }

    @Test("A file is read on two threads and judged as the same bytes in memory are")
    func fileAndMemoryAgree() async throws {
        let folder = try temporaryFolder()
        let path = folder + "/log.jsonl"
        var lines = [twoCellReset]
        for round in 0..<300 {
            lines += loginLines("1001", "4001") + loginLines("2001", "4002")
            lines += ["browser>icm logout agent=1001", "icm>cvct logout-request agent=1001 extension=4001",
                      "icm>browser acw-close agent=1001", "cvct>ecs asai-logout agent=1001 extension=4001",
                      "ecs>cvct logged-out agent=1001 extension=4001 by=request", "phone>ecs logout-feature extension=4002",
                      "ecs>cvct logged-out agent=2001 extension=4002 by=phone", "cvct>icm agent-logged-out agent=2001 extension=4002",
                      "icm>browser acw-close agent=2001"].map(wire)
            if round == 250 { lines.append(wire("icm>browser acw-close agent=1001")) }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var options = LogCheckOptions()
        options.batchSize = 64
        let (summary, recorder) = try await LogChecker(options: options).check(.file(path), observer: LogRecorder())
        let (memorySummary, memory) = try check(lines, options: options)
        #expect(summary == memorySummary)
        #expect(recorder.segments.map(\.outcome) == [.rejected])
        #expect(recorder.segments.map(\.at) == memory.segments.map(\.at))
        #expect(recorder.found.first?.cellWindow == memory.found.first?.cellWindow, "windows read again from the file")
        #expect(recorder.found.first?.cellWindow.isEmpty == false)
        #expect(recorder.judged == lines.count - 1)
    }
}

/// A one-agent reset whose segment holds only the boundary messages
/// (contract section 8).
let externalReset = #"{"op":"reset","trace":"ext","observed":"external","setup":{"agents":[{"id":"1001","skills":["10"]}],"stations":["4001"],"vdns":[{"number":"5000","skill":"10"}]}}"#
let twoCellExternalReset = #"{"op":"reset","trace":"ext-cells","observed":"external","setup":{"agents":[{"id":"1001","skills":["10"]},{"id":"2001","skills":["20"]}],"stations":["4001","4002"],"vdns":[{"number":"5001","skill":"10"},{"number":"5002","skill":"20"}]},"cells":[["1001","4001","5001","10"],["2001","4002","5002","20"]]}"#

/// Boundary lines up to a connected session, stimuli sent back to back.
func connectedBoundary(_ agent: String = "1001", _ station: String = "4001", vdn: String = "5000", session: String = "s1") -> [String] {
    ["browser>icm login agent=\(agent) extension=\(station)",
     "customer>icm session-request session=\(session) media=realtime vdn=\(vdn)",
     "icm>browser acw-open agent=\(agent)",
     "ecs>phone alert session=\(session) extension=\(station)",
     "phone>ecs answer extension=\(station)",
     "icm>browser connect agent=\(agent) session=\(session)"].map(wire)
}

@Suite("check-log of black-box segments: \"observed\":\"external\" (contract section 8)")
struct ExternalLogTests {
    let race = ["browser>icm release agent=1001 session=s1 button=drop", "phone>ecs hangup extension=4001"].map(wire)

    @Test("A hang-up crossing a Drop: either disconnect is accepted, a second one is rejected at its line with every interleaving's view")
    func hangupCrossesDrop() throws {
        let dropped = wire("icm>browser disconnect agent=1001 session=s1 reason=dropped")
        let hungUp = wire("icm>browser disconnect agent=1001 session=s1 reason=hangup")
        let lines = [externalReset] + connectedBoundary() + race + [dropped]
            + [externalReset] + connectedBoundary() + race + [hungUp]
            + [externalReset] + connectedBoundary() + race + [dropped, hungUp]
        let (summary, recorder) = try check(lines)
        #expect(recorder.segments.map(\.outcome) == [.accepted, .accepted, .rejected])
        #expect(recorder.segments[2].at == 31)
        #expect(recorder.segments[2].detail.contains("is allowed by no interleaving"))
        let explanation = recorder.found.first?.rejection?.lines(at: "line 31") ?? []
        #expect(explanation.contains { $0.contains("nothing on icm→browser") })
        #expect(summary.failed)
    }

    @Test("The same lines without \"observed\" are judged in their literal order, and a black box's log fails")
    func literalOrderWithoutObserved() throws {
        let lines = [oneAgentReset] + connectedBoundary() + race + [wire("icm>browser disconnect agent=1001 session=s1 reason=dropped")]
        let (_, recorder) = try check(lines)
        #expect(recorder.segments.map(\.outcome) == [.rejected])
    }

    @Test("Outputs only missing: incomplete, with what the closest interleaving owes")
    func missingOutputs() throws {
        let lines = [externalReset] + Array(connectedBoundary().prefix(2))
        let (summary, recorder) = try check(lines)
        #expect(recorder.segments.map(\.outcome) == [.incomplete])
        #expect(recorder.segments[0].detail.contains("acw-open(agent=1001)"))
        #expect(!summary.failed)
    }

    @Test("Past --max-states: inconclusive, said plainly, and a failure")
    func boundedStates() throws {
        var options = LogCheckOptions()
        options.maxStates = 2
        let (summary, recorder) = try check([externalReset] + connectedBoundary() + race, options: options)
        #expect(recorder.segments.map(\.outcome) == [.inconclusive])
        #expect(recorder.segments[0].detail.contains("--max-states 2"))
        #expect(summary.inconclusive == 1 && summary.failed)
    }

    @Test("Cells keep their own sets of states: a race in one cell does not touch the other")
    func racesPerCell() throws {
        let lines = [twoCellExternalReset]
            + connectedBoundary("1001", "4001", vdn: "5001", session: "a1")
            + connectedBoundary("2001", "4002", vdn: "5002", session: "b1")
            + ["browser>icm release agent=1001 session=a1 button=drop", "phone>ecs hangup extension=4001",
               "icm>browser disconnect agent=1001 session=a1 reason=hangup",
               "icm>browser disconnect agent=2001 session=b1 reason=hangup"].map(wire)
        let (_, recorder) = try check(lines)
        #expect(recorder.segments.map(\.outcome) == [.rejected])
        #expect(recorder.segments[0].cell == 2, "cell 2 never hung up")
        #expect(recorder.segments[0].cells.map(\.outcome) == [.accepted, .rejected])
    }

    @Test("An unknown \"observed\" value makes the segment malformed, naming the one value allowed")
    func unknownObserved() throws {
        let reset = externalReset.replacingOccurrences(of: #""external""#, with: #""internal""#)
        let (_, recorder) = try check([reset] + connectedBoundary())
        #expect(recorder.segments.map(\.outcome) == [.malformed])
        #expect(recorder.segments[0].detail.contains("'external'") && recorder.segments[0].detail.contains("'reports'"))
    }
}
