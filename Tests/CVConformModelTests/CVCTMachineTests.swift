import CVConformTestSupport
import CVConformTrace
import Testing
@testable import CVConformModel

@Suite("CVCT machine: the relay")
struct CVCTMachineTests {
    @Test("Requests from the ICM become ASAI requests with the same parameters", arguments: [
        ("icm>cvct login-request agent=1001 extension=4001", "cvct>ecs asai-login agent=1001 extension=4001", Clause.cvctLoginRequest),
        ("icm>cvct drop-request session=s1 extension=4001", "cvct>ecs asai-drop session=s1 extension=4001", .cvctDropRequest),
        ("icm>cvct logout-request agent=1001 extension=4001", "cvct>ecs asai-logout agent=1001 extension=4001", .cvctLogoutRequest),
        ("ecs>cvct logged-in agent=1001 extension=4001", "cvct>icm login-confirmed agent=1001 extension=4001", .cvctLoggedIn),
        ("ecs>cvct login-denied agent=1001 extension=4001 cause=extension-in-use",
         "cvct>icm login-denied agent=1001 extension=4001 cause=extension-in-use", .cvctLoginDenied),
        ("ecs>cvct progress session=s1 state=answered extension=4001", "cvct>icm answered session=s1 extension=4001", .cvctAnswered),
        ("ecs>cvct progress session=s1 state=dropped extension=4001 by=phone", "cvct>icm dropped session=s1", .cvctDroppedByPhone),
        ("ecs>cvct logged-out agent=1001 extension=4001 by=phone", "cvct>icm agent-logged-out agent=1001 extension=4001", .cvctLoggedOutByPhone),
    ])
    func relays(input: String, output: String, clause: Clause) {
        var cvct = CVCTMachine(administration: administration)
        let reaction = cvct.feed(input)
        #expect(reaction.sent == [output])
        #expect(reaction.clauses == [clause])
    }

    @Test("Other progress and logouts by request are not relayed (no echo)", arguments: [
        ("ecs>cvct progress session=s1 state=offered vdn=5000", Clause.cvctOtherProgress),
        ("ecs>cvct progress session=s1 state=queued skill=10", .cvctOtherProgress),
        ("ecs>cvct progress session=s1 state=alerting extension=4001", .cvctOtherProgress),
        ("ecs>cvct progress session=s1 state=dropped extension=4001 by=request", .cvctOtherProgress),
        ("ecs>cvct logged-out agent=1001 extension=4001 by=request", .cvctLoggedOutByRequest),
    ])
    func silent(input: String, clause: Clause) {
        var cvct = CVCTMachine(administration: administration)
        let reaction = cvct.feed(input)
        #expect(reaction.sent.isEmpty)
        #expect(reaction.clauses == [clause])
    }

    @Test("What the race judge's relay at once (RACE-19) rests on: every message to the CVCT leaves it as it was, and each output channel is fed by one input channel")
    func relayCommutesWithEveryOtherStep() {
        // Every row to the CVCT (every state of progress), with each way
        // a progress or a logout can be made.
        var samples: [Message] = []
        for row in MessageSamples.everyRow where row.to == .cvct {
            samples.append(row)
            guard row.parameters[.by] != nil else { continue }
            for by in [By.phone, .request] {
                let pairs = row.parameters.map { ($0.name, $0.name == "by" ? by.rawValue : $0.value) }
                samples.append(Message(from: row.from, to: row.to, type: row.type, parameters: Parameters(pairs)))
            }
        }
        #expect(samples.count > 12)
        var inputOfOutput: [Channel: Channel] = [:]
        for message in samples {
            let fresh = CVCTMachine(administration: administration)
            var cvct = fresh
            let reaction = cvct.receive(message)
            #expect(cvct == fresh, "\(message)")
            for emission in reaction.emissions {
                #expect(emission.message.to != .cvct, "\(message)")
                let input = inputOfOutput[emission.message.channel, default: message.channel]
                #expect(input == message.channel, "\(emission.message.channel) fed by \(input) and \(message.channel)")
                inputOfOutput[emission.message.channel] = input
            }
        }
        #expect(inputOfOutput.count == 2)
    }
}
