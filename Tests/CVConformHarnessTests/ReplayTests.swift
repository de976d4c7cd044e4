import CVConformHarnessTestSupport
import CVConformTestSupport
import CVConformTrace
import CVConformWire
import Testing
@testable import CVConformHarness

@Suite("Replay engine (contract section 5)")
struct ReplayTests {
    @Test("Stimuli, outputs and messages not involved follow from the roles played")
    func classification() {
        let all = Greeting(implementation: "x", roles: [.icm, .cvct, .ecs], reportsInternal: true)
        let silent = Greeting(implementation: "x", roles: [.icm, .cvct, .ecs], reportsInternal: false)
        let icm = Greeting(implementation: "x", roles: [.icm], reportsInternal: true)
        #expect(ReplayRole.of(m("browser>icm logout agent=1"), greeting: all) == .stimulus)
        #expect(ReplayRole.of(m("icm>browser acw-close agent=1"), greeting: all) == .output)
        #expect(ReplayRole.of(m("icm>cvct logout-request agent=1 extension=2"), greeting: all) == .output)
        #expect(ReplayRole.of(m("icm>cvct logout-request agent=1 extension=2"), greeting: silent) == .notInvolved)
        #expect(ReplayRole.of(m("cvct>icm dropped session=s"), greeting: icm) == .stimulus)
        #expect(ReplayRole.of(m("cvct>ecs asai-drop session=s extension=2"), greeting: icm) == .notInvolved)
        #expect(ReplayRole.of(m("ecs>phone clear session=s extension=2"), greeting: icm) == .notInvolved)
    }

    @Test("RUN-35: a stimulus placed after internal messages the implementation does not report waits for its word that it is idle, when it offers sync")
    func syncBeforeStimulusAfterHiddenMessages() throws {
        let trace = ["browser>icm logout agent=1001", "icm>browser acw-close agent=1001", "icm>cvct logout-request agent=1001 extension=4001",
                     "cvct>ecs asai-logout agent=1001 extension=4001", "ecs>cvct logged-out agent=1001 extension=4001 by=request",
                     "browser>icm logout agent=1001"].map(m)
        for (reportsInternal, offersSync) in [(false, true), (false, false), (true, true)] {
            var ledger = ReplayLedger(greeting: Greeting(implementation: "x", roles: [.icm, .cvct, .ecs], reportsInternal: reportsInternal))
            ledger.syncsAfterHiddenMessages = offersSync
            ledger.append(trace.map { TraceEntry(message: $0) })
            #expect(ledger.takeSendable() == [trace[0]])
            for output in trace[1...4] where ReplayRole.of(output, greeting: ledger.greeting) == .output { try ledger.observe(output) }
            let waits = offersSync && !reportsInternal
            #expect(ledger.takeSendable() == (waits ? [] : [trace[5]]), "internal \(reportsInternal), sync \(offersSync)")
            #expect(ledger.wantsSync == waits)
            if waits {
                ledger.synced()
                #expect(ledger.takeSendable() == [trace[5]])
                #expect(!ledger.wantsSync)
            }
        }
    }

    @Test("A cleared ledger behaves as a new one, however far the last replay got (load starts each step in the last one's ledger)")
    func clearedLedgerIsNew() throws {
        let trace = ["browser>icm logout agent=1001", "icm>browser acw-close agent=1001", "icm>cvct logout-request agent=1001 extension=4001",
                     "cvct>ecs asai-logout agent=1001 extension=4001", "ecs>cvct logged-out agent=1001 extension=4001 by=request",
                     "browser>icm logout agent=1001"].map(m)
        let greeting = Greeting(implementation: "x", roles: [.icm, .cvct, .ecs], reportsInternal: false)
        /// What a replay of the trace says at each point, from the ledger as given.
        func replay(_ ledger: inout ReplayLedger) throws -> [String] {
            var said: [String] = []
            ledger.append(trace.map { TraceEntry(message: $0) })
            said.append("\(ledger.takeSendable()) \(String(describing: ledger.oldestOwed)) \(ledger.unconfirmed)")
            for output in trace[1...4] where ReplayRole.of(output, greeting: greeting) == .output {
                try ledger.observe(output)
                said.append("\(String(describing: ledger.oldestOwed)) \(ledger.isSettled)")
            }
            said.append("\(ledger.takeSendable()) \(ledger.wantsSync)")
            ledger.synced()
            said.append("\(ledger.takeSendable()) \(ledger.isSettled) \(ledger.events.count) \(ledger.unconfirmed)")
            return said
        }
        var fresh = ReplayLedger(greeting: greeting)
        fresh.syncsAfterHiddenMessages = true
        let expected = try replay(&fresh)
        for stopAfter in 0...3 {
            var used = ReplayLedger(greeting: greeting)
            used.syncsAfterHiddenMessages = true
            used.append(trace.map { TraceEntry(message: $0) })
            if stopAfter >= 1 { _ = used.takeSendable() }
            if stopAfter >= 2 { try used.observe(trace[1]) }
            if stopAfter >= 3 { _ = used.takeSendable() }
            used.clear()
            #expect(try replay(&used) == expected, "cleared after \(stopAfter) steps")
        }
    }

    @Test("The reference implementation passes every pass trace, core and extended")
    func referencePassesSuite() async throws {
        for profile in Profile.allCases {
            for trace in try passTraces(profile: profile) {
                let result = try await replay(trace, on: ReferenceImplementation())
                #expect(result.verdict == .pass, "\(trace.header.id): \(result.detail)")
            }
        }
    }

    @Test("Any role subset, with or without internal messages, passes the core suite", arguments: [
        "icm", "cvct", "ecs", "icm,cvct", "cvct,ecs", "icm,ecs", "icm,cvct,ecs silent",
    ])
    func roleSubsets(_ spec: String) async throws {
        let parts = spec.split(separator: " ")
        let roles = Set(parts[0].split(separator: ",").compactMap { Role(rawValue: String($0)) })
        let reportsInternal = parts.count == 1
        for trace in try passTraces() {
            let result = try await replay(trace, on: ScriptedImplementation(roles: roles, reportsInternal: reportsInternal))
            #expect(result.verdict == .pass, "\(trace.header.id): \(result.detail)")
        }
    }

    @Test("Outputs on different channels may arrive in any order")
    func crossChannelFreedom() async throws {
        for trace in try passTraces() {
            let reversedChannels = ScriptedImplementation { outputs in
                // Keep each channel's order, but put later channels first.
                var channels: [Channel] = []
                for message in outputs where !channels.contains(message.channel) { channels.append(message.channel) }
                return channels.reversed().flatMap { channel in outputs.filter { $0.channel == channel } }
            }
            let result = try await replay(trace, on: reversedChannels)
            #expect(result.verdict == .pass, "\(trace.header.id): \(result.detail)")
        }
    }

    @Test("Two outputs swapped on one channel fail, naming what was expected")
    func swappedOnOneChannel() async throws {
        let trace = try suiteTrace("sessions/session-realtime-answered.xml")
        let swapped = ScriptedImplementation { outputs in
            let progress = outputs.filter { $0.type == .progress }
            guard progress.count >= 2 else { return outputs }
            var result = outputs.filter { $0.type != .progress }
            result += progress.reversed()
            return result
        }
        let result = try await replay(trace, on: swapped)
        #expect(result.verdict == .fail)
        let divergence = try #require(result.divergence)
        #expect(divergence.expected?.compact.contains("state=offered") == true)
        #expect(divergence.clause != nil)
        #expect(divergence.lastStimulus != nil)
    }

    @Test("An extra output after the last message fails in the quiet period (an echoed drop)")
    func echoedDrop() async throws {
        let trace = try suiteTrace("disconnect/release-drop-realtime-no-echo.xml")
        let echoing = ScriptedImplementation { outputs in
            outputs + outputs.filter { $0.type == .progress && $0["by"] == "request" }.map {
                Message(from: .cvct, to: .icm, type: .dropped, parameters: ["session": $0["session"]])
            }
        }
        let result = try await replay(trace, on: echoing)
        #expect(result.verdict == .fail)
        #expect(result.detail.contains("cvct→icm dropped"))
    }

    @Test("A reaction to an ignored stimulus fails")
    func reactionToIgnoredStimulus() async throws {
        let trace = try suiteTrace("logout/logout-browser-not-logged-in-ignored.xml")
        let eager = ScriptedImplementation { outputs in
            outputs.isEmpty ? [m("icm>browser acw-close agent=1001")] : outputs
        }
        let result = try await replay(trace, on: eager)
        #expect(result.verdict == .fail)
    }

    @Test("A missing output fails after the timeout, saying nothing arrived")
    func missingOutput() async throws {
        let trace = try suiteTrace("login/login-basic.xml")
        let forgetful = ScriptedImplementation { $0.filter { $0.type != .acwOpen } }
        let result = try await replay(trace, on: forgetful)
        #expect(result.verdict == .fail)
        #expect(result.detail.contains("observed nothing"))
        #expect(result.divergence?.expected?.type == .acwOpen)
    }

    @Test("An output from a role the implementation does not play is an error")
    func foreignRole() async throws {
        let trace = try suiteTrace("login/login-basic.xml")
        let confused = ScriptedImplementation(roles: [.icm]) { $0 + [m("ecs>phone clear session=s1 extension=4001")] }
        let result = try await replay(trace, on: confused)
        #expect(result.verdict == .error)
        #expect(result.detail.contains("a role it does not play"))
    }

    @Test("A trace that involves none of the implementation's roles is skipped")
    func skip() async throws {
        var trace = try suiteTrace("login/login-basic.xml")
        trace.entries = trace.entries.filter { $0.message.from == .ecs && $0.message.to == .phone }
        let result = try await replay(trace, on: ScriptedImplementation(roles: [.icm]))
        #expect(result.verdict == .skip)
    }

    @Test("Verdicts only move upward: pass < skip < fail < error")
    func verdictOrder() {
        #expect(Verdict.allCases.sorted() == [.pass, .skip, .fail, .error])
    }
}
