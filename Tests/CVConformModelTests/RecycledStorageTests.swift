import CVConformTestSupport
import CVConformTrace
import Testing
@testable import CVConformModel

@Suite("A reaction kept from message to message makes the model's messages in the storage of messages already judged")
struct RecycledStorageTests {
    /// Judges each pass trace of the suite twice: with a fresh reaction for
    /// every message, and with one reaction kept across every trace (as a
    /// `CellJudge` keeps one for all its cells), so storage recycled in one
    /// trace makes messages in the next.
    @Test("Judging with one kept reaction gives every judgement and everything owed as fresh reactions do", arguments: [Profile.core, .extended])
    func keptReactionJudgesAlike(profile: Profile) throws {
        var kept = Reaction()
        var judged = 0
        for trace in try passTraces(profile: profile) {
            var fresh = Monitor(administration: trace.header.setup)
            var recycling = Monitor(administration: trace.header.setup)
            for message in trace.messages {
                let expected = fresh.observe(message, keepingReaction: false)
                kept.clear()
                let got = recycling.observe(message, keepingReaction: false, scratch: &kept)
                #expect(got == expected, "\(trace.header.id): \(message)")
                #expect(recycling.owedEmissions == fresh.owedEmissions, "\(trace.header.id): \(message)")
                judged += 1
            }
        }
        #expect(judged > 100)
    }

    @Test("Storage recycled while something else still holds its message leaves that message as it was")
    func heldMessageUnchanged() {
        let held = Message(from: .icm, to: .browser, type: .acwOpen, parameters: Parameters(.agent, "1001"))
        var reaction = Reaction()
        reaction.recycle(held.parameters)
        reaction.send(.icmLogin, to: .cvct, from: .icm, .loginRequest, .agent, "2002", .extension, "4002")
        #expect(held == Message(from: .icm, to: .browser, type: .acwOpen, parameters: ["agent": "1001"]))
        #expect(reaction.emissions.map(\.message) == [
            Message(from: .icm, to: .cvct, type: .loginRequest, parameters: ["agent": "2002", "extension": "4002"]),
        ])
    }

    @Test("A relayed message is a copy in spare storage, or the received storage when there is none; equal either way")
    func relayCopies() {
        let received = Message(from: .icm, to: .cvct, type: .loginRequest, parameters: ["agent": "1001", "extension": "4001"])
        var withSpare = Reaction()
        withSpare.recycle(Parameters(.agent, "9"))
        withSpare.relay(.cvctLoginRequest, to: .ecs, from: .cvct, .asaiLogin, received.parameters)
        var withoutSpare = Reaction()
        withoutSpare.relay(.cvctLoginRequest, to: .ecs, from: .cvct, .asaiLogin, received.parameters)
        let expected = Message(from: .cvct, to: .ecs, type: .asaiLogin, parameters: ["agent": "1001", "extension": "4001"])
        #expect(withSpare.emissions.map(\.message) == [expected])
        #expect(withoutSpare.emissions.map(\.message) == [expected])
    }

    @Test("Spare storage is no part of a reaction's value")
    func sparesNotCompared() {
        var plain = Reaction()
        plain.apply(.icmLogin)
        var withSpares = plain
        withSpares.recycle(Parameters(.agent, "1001"))
        #expect(plain == withSpares)
        #expect(plain.hashValue == withSpares.hashValue)
    }

    @Test("Storage refilled for a message of more parameters than it held grows, and holds the new ones only")
    func refillGrows() {
        var parameters = Parameters(.agent, "1001")
        parameters.refill(.extension, "4001", .session, "s1", .state, "alerting")
        #expect(parameters == ["extension": "4001", "session": "s1", "state": "alerting"])
        parameters.refill(copying: ["agent": "7"])
        #expect(parameters == ["agent": "7"])
    }

    @Test("Storage refilled with as many parameters overwrites them in place; a copy held elsewhere keeps its own")
    func refillOverwrites() {
        var parameters = Parameters(.agent, "1001", .extension, "4001")
        let held = parameters
        parameters.refill(.session, "s1", .state, "queued")
        #expect(parameters == ["session": "s1", "state": "queued"])
        #expect(held == ["agent": "1001", "extension": "4001"])
        parameters.refill(.agent, "2", .extension, "3")
        #expect(parameters == ["agent": "2", "extension": "3"])
        #expect(parameters["session"] == nil)
        // Growing and shrinking storage another message holds.
        let heldBeforeGrowing = parameters
        parameters.refill(.extension, "4001", .session, "s1", .state, "alerting")
        #expect(parameters == ["extension": "4001", "session": "s1", "state": "alerting"])
        #expect(heldBeforeGrowing == ["agent": "2", "extension": "3"])
        let heldBeforeShrinking = parameters
        parameters.refill(.agent, "9")
        #expect(parameters == ["agent": "9"])
        #expect(heldBeforeShrinking == ["extension": "4001", "session": "s1", "state": "alerting"])
    }
}
