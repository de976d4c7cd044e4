import CVConformTrace
import Foundation
import Testing
@testable import CVConformModel

/// A long pass trace: logins, then `sessions` sessions answered and hung up.
func longTrace(sessions: Int, expect: String = "pass", mistakeAt: Int? = nil, malformedAtEnd: Bool = false) -> String {
    var lines = [
        #"<?xml version="1.0" encoding="UTF-8"?>"#,
        #"<trace xmlns="urn:cvconform:trace:1" id="long" profile="core" expect="\#(expect)">"#,
        #"<setup><agent id="1001" skills="10"/><station extension="4001"/><vdn number="5000" skill="10"/></setup>"#,
        #"<msg from="browser" to="icm" type="login" agent="1001" extension="4001"/>"#,
        #"<msg from="icm" to="cvct" type="login-request" agent="1001" extension="4001"/>"#,
        #"<msg from="cvct" to="ecs" type="asai-login" agent="1001" extension="4001"/>"#,
        #"<msg from="ecs" to="cvct" type="logged-in" agent="1001" extension="4001"/>"#,
        #"<msg from="cvct" to="icm" type="login-confirmed" agent="1001" extension="4001"/>"#,
        #"<msg from="icm" to="browser" type="acw-open" agent="1001"/>"#,
    ]
    for number in 0..<sessions {
        let s = "s\(number)"
        lines += [
            #"<msg from="customer" to="icm" type="session-request" session="\#(s)" media="realtime" vdn="5000"/>"#,
            #"<msg from="icm" to="ecs" type="launch" session="\#(s)" vdn="5000" media="realtime"/>"#,
            #"<msg from="ecs" to="cvct" type="progress" session="\#(s)" state="offered" vdn="5000"/>"#,
            #"<msg from="ecs" to="phone" type="alert" session="\#(s)" extension="4001"/>"#,
            #"<msg from="ecs" to="cvct" type="progress" session="\#(s)" state="alerting" extension="4001"/>"#,
            #"<msg from="phone" to="ecs" type="answer" extension="4001"/>"#,
            #"<msg from="ecs" to="cvct" type="progress" session="\#(s)" state="answered" extension="4001"/>"#,
            #"<msg from="cvct" to="icm" type="answered" session="\#(s)" extension="4001"/>"#,
            #"<msg from="icm" to="browser" type="connect" agent="1001" session="\#(s)"/>"#,
            #"<msg from="phone" to="ecs" type="hangup" extension="4001"/>"#,
            #"<msg from="ecs" to="cvct" type="progress" session="\#(s)" state="dropped" extension="4001" by="phone"/>"#,
            #"<msg from="cvct" to="icm" type="dropped" session="\#(s)"/>"#,
            #"<msg from="icm" to="browser" type="disconnect" agent="1001" session="\#(s)" reason="hangup"/>"#,
        ]
        if number == mistakeAt {
            lines.append(#"<msg from="icm" to="browser" type="disconnect" agent="1001" session="\#(s)" reason="hangup" invalid="true"/>"#)
        }
    }
    if malformedAtEnd { lines.append(#"<msg from="browser" to="icm" type="logout"/>"#) }
    lines.append("</trace>")
    return lines.joined(separator: "\n") + "\n"
}

@Suite("Validator on long traces (read on two threads)")
struct ValidatorTests {
    func file(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "cvconform-long-\(UUID().uuidString).xml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        #expect(size >= TraceReader.twoThreadFileSize, "the file must be long enough to be read on two threads")
        return path
    }

    @Test("A long pass trace is accepted, with its message count")
    func longPass() throws {
        let path = try file(longTrace(sessions: 4000))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = Validator.validate(file: path)
        #expect(result.outcome == .accepted)
        #expect(result.ok)
        #expect(result.messageCount == 6 + 4000 * 13)
    }

    @Test("A mistake deep in a long trace is found at its exact position")
    func longFail() throws {
        let path = try file(longTrace(sessions: 4000, expect: "fail", mistakeAt: 3500))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = Validator.validate(file: path)
        #expect(result.outcome == .rejected)
        #expect(result.at == 6 + 3501 * 13 + 1)
        #expect(result.ok)
    }

    @Test("A malformation at the end of a long trace wins over everything judged before it")
    func longMalformed() throws {
        let path = try file(longTrace(sessions: 4000, malformedAtEnd: true))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = Validator.validate(file: path)
        #expect(result.outcome == .malformed)
        #expect(result.malformation?.message.contains("lacks parameter 'agent'") == true)
    }

    @Test("The same trace judged in memory (no pipeline) gives the same result")
    func sameWithoutPipeline() throws {
        let text = longTrace(sessions: 300, expect: "fail", mistakeAt: 200)
        let result = Validator.validate(text: text, name: "long.xml")
        #expect(result.outcome == .rejected)
        #expect(result.at == 6 + 201 * 13 + 1)
    }
}

@Suite("Validator explanations")
struct ValidatorExplanationTests {
    @Test("A stimulus marked invalid is explained: environment messages are always allowed")
    func invalidStimulus() {
        let text = """
            <trace xmlns="urn:cvconform:trace:1" id="x" expect="fail">
              <setup><agent id="1001" skills="10"/><station extension="4001"/></setup>
              <msg from="browser" to="icm" type="logout" agent="1001" invalid="true"/>
            </trace>
            """
        let result = Validator.validate(text: text)
        #expect(result.outcome == .accepted)
        #expect(!result.ok)
        #expect(result.problem?.contains("always allowed") == true)
    }

    @Test("A fail trace rejected after its invalid message says the marked one was accepted")
    func rejectedLater() {
        let text = """
            <trace xmlns="urn:cvconform:trace:1" id="x" expect="fail">
              <setup><agent id="1001" skills="10"/><station extension="4001"/></setup>
              <msg from="browser" to="icm" type="login" agent="1001" extension="4001"/>
              <msg from="icm" to="cvct" type="login-request" agent="1001" extension="4001" invalid="true"/>
              <msg from="icm" to="browser" type="acw-open" agent="1001"/>
            </trace>
            """
        let result = Validator.validate(text: text)
        #expect(result.outcome == .rejected && result.at == 3)
        #expect(result.problem == "expected message 2 to be rejected, but it was accepted, and message 3 was rejected")
    }

    @Test("A clause the trace exercises but <covers> does not list gets a note")
    func unlistedClause() {
        let text = """
            <trace xmlns="urn:cvconform:trace:1" id="x" expect="pass">
              <covers>ICM-LOGIN-1</covers>
              <setup><agent id="1001" skills="10"/><station extension="4001"/></setup>
              <msg from="browser" to="icm" type="login" agent="1001" extension="4001"/>
              <msg from="icm" to="cvct" type="login-request" agent="1001" extension="4001"/>
              <msg from="cvct" to="ecs" type="asai-login" agent="1001" extension="4001"/>
              <msg from="ecs" to="cvct" type="logged-in" agent="1001" extension="4001"/>
              <msg from="cvct" to="icm" type="login-confirmed" agent="1001" extension="4001"/>
              <msg from="icm" to="browser" type="acw-open" agent="1001"/>
            </trace>
            """
        let result = Validator.validate(text: text)
        #expect(result.notes.contains("the trace exercises clauses <covers> does not list: CVCT-1, ECS-LOGIN-5, CVCT-4, ICM-LOGIN-2"), "\(result.notes)")
    }

    @Test("Several parameters missing: validate names every one")
    func everyMissingParameterNamed() {
        let text = """
            <trace xmlns="urn:cvconform:trace:1" id="x" expect="pass">
              <setup><agent id="1001" skills="10"/><station extension="4001"/></setup>
              <msg from="browser" to="icm" type="login"/>
            </trace>
            """
        let result = Validator.validate(text: text)
        #expect(result.outcome == .malformed)
        #expect(result.malformation?.message.contains("message 'login' lacks parameters 'agent' and 'extension'") == true,
                "\(String(describing: result.malformation))")
    }
}

@Suite("A rejection shows the sender's state when it decided, as run does")
struct DecisionStateTests {
    @Test("validate: the ECS's state before the asai-login it answered, not after")
    func stateBeforeTheDecision() throws {
        let text = longTrace(sessions: 0).replacingOccurrences(
            of: #"type="logged-in" agent="1001" extension="4001""#, with: #"type="login-denied" agent="1001" extension="4001" cause="unknown-agent""#)
        let rejection = try #require(Validator.validate(text: text).rejection)
        let lines = rejection.lines(at: "message 4")
        #expect(lines.contains("ecs before it received message 3 (the state it decided in): available, most idle first: none; busy: none; queue: empty"),
                "\(lines)")
    }

    @Test("With nothing owed on the channel, the sender's state now")
    func nothingOwed() throws {
        let text = longTrace(sessions: 0).replacingOccurrences(
            of: "</trace>", with: #"<msg from="icm" to="browser" type="acw-open" agent="1001"/></trace>"#)
        let rejection = try #require(Validator.validate(text: text).rejection)
        #expect(rejection.decidedAfter == nil)
        #expect(rejection.lines(at: "message 7").contains { $0.hasPrefix("icm state: ") })
    }
}

