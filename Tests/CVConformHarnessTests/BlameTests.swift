import CVConformHarnessTestSupport
import CVConformModel
import CVConformMutation
import CVConformTrace
import Testing
@testable import CVConformHarness

@Suite("Blame: which stimulus an output or a failure is put on")
struct BlameTests {
    /// A realtime session connected at 4001, then a release with a button
    /// that does not fit (ignored: no output) and a new session request,
    /// which go out back to back.
    static let scenario = Scenario(
        administration: Administration(agents: [.init(id: "1001", skills: ["10"])], stations: ["4001"],
                                       vdns: [.init(number: "5001", skill: "10")]),
        stimuli: [
            "browser>icm login agent=1001 extension=4001",
            "customer>icm session-request session=s1 media=realtime vdn=5001",
            "phone>ecs answer extension=4001",
            "browser>icm release agent=1001 session=s1 button=close",
            "customer>icm session-request session=s2 media=messaging vdn=5001",
        ].map { try! Message(compact: $0) }
    )

    @Test("An unwanted drop-request is put on the release, not on the session request sent after it")
    func blamedOnTheCause() async throws {
        let mutant = try #require(Mutant.catalog().first { $0.id == "ICM-RELEASE-4/react-to-ignored" })
        let trace = Self.scenario.trace(header: TraceHeader(id: "blame"), profile: .core)
        let result = try await replay(trace, on: ReferenceImplementation(mutant: mutant))
        #expect(result.verdict == .fail)
        // Both went out before the drop-request came: the last one sent is the session request.
        let requestIndex = try #require(trace.entries.lastIndex { $0.message.type == .sessionRequest })
        let unexpectedAt = try #require(result.events.firstIndex { if case .unexpected = $0 { return true } else { return false } })
        #expect(result.events.prefix(unexpectedAt).contains(.sent(requestIndex)))
        let divergence = try #require(result.divergence)
        #expect(divergence.lastStimulus?.type == .release, "\(divergence.explanation)")
        #expect(divergence.candidateStimuli.isEmpty)
        #expect(divergence.explanation.first?.contains("release") == true)
    }

    @Test("The model knows what can cause what: a release can cause a drop-request, a session request cannot")
    func canCause() throws {
        let table = EmissionTable.reference
        let dropRequest = try Message(compact: "icm>cvct drop-request session=s1 extension=4001")
        #expect(table.canCause(Self.scenario.stimuli[3], dropRequest))
        #expect(!table.canCause(Self.scenario.stimuli[4], dropRequest))
        // Through the relays: a hang-up at the phone can make the ICM disconnect the ACW.
        let disconnect = try Message(compact: "icm>browser disconnect agent=1001 session=s1 reason=hangup")
        #expect(table.canCause(try Message(compact: "phone>ecs hangup extension=4001"), disconnect))
    }

    @Test("A failure while several stimuli were in hand names every one of them")
    func failureCandidates() throws {
        var result = ReplayResult(id: "t", file: "", verdict: .error, detail: "")
        let stimuli = Array(Self.scenario.stimuli[3...4])
        ReplayLedger.record(HarnessFailure(.exited, "exited with status 1"), atReset: false,
                            candidates: [(21, stimuli[0]), (22, stimuli[1])], into: &result)
        #expect(result.detail.contains("one of the stimuli at messages 22–23, sent back to back"))
        #expect(result.detail.contains("22 browser→icm release") && result.detail.contains("23 customer→icm session-request"))
        ReplayLedger.record(HarnessFailure(.exited, "exited with status 1"), atReset: false, candidates: [(21, stimuli[0])], into: &result)
        #expect(result.detail.contains("while handling the stimulus at message 22"))
    }
}
