import CVConformTestSupport
import CVConformTrace
import Testing
@testable import CVConformModel

/// The race judge against a brute-force enumeration of every schedule
/// (RACE-2): written apart from the judge, with no deduplication, plain
/// dictionaries of queues, and every delivery order tried.
struct BruteForce {
    let played: Set<Role>
    let reportsInternal: Bool

    func observes(_ channel: Channel) -> Bool {
        played.contains(channel.from) && (!played.contains(channel.to) || reportsInternal)
    }

    /// Every complete schedule's outputs, per observed channel, after all
    /// `stimuli` are sent at once from `start`.
    func outcomes(from start: ReferenceSystem, stimuli: [Message]) -> Set<[Channel: [Message]]> {
        var queues: [Channel: [Message]] = [:]
        for stimulus in stimuli where played.contains(stimulus.to) { queues[stimulus.channel, default: []].append(stimulus) }
        var results: Set<[Channel: [Message]]> = []
        func walk(_ system: ReferenceSystem, _ queues: [Channel: [Message]], _ outputs: [Channel: [Message]]) {
            let ready = queues.filter { !$0.value.isEmpty }.keys
            if ready.isEmpty {
                results.insert(outputs)
                return
            }
            for channel in ready {
                var system = system
                var queues = queues
                var outputs = outputs
                let message = queues[channel]!.removeFirst()
                for emission in system.deliver(message)?.emissions ?? [] {
                    let out = emission.message
                    if played.contains(out.to) { queues[out.channel, default: []].append(out) }
                    if observes(out.channel) { outputs[out.channel, default: []].append(out) }
                }
                walk(system, queues, outputs)
            }
        }
        walk(start, queues, [:])
        return results
    }
}

/// A system brought to a state by stimuli taken one at a time.
func serialSystem(_ texts: [String]) -> ReferenceSystem {
    var system = ReferenceSystem(administration: administration)
    for text in texts { _ = system.propagate(m(text)) }
    return system
}

let connected1001 = [
    "browser>icm login agent=1001 extension=4001",
    "customer>icm session-request session=s1 media=realtime vdn=5000",
    "phone>ecs answer extension=4001",
]

@Suite("Race judge: every interleaving of the asynchronous semantics (contract section 8)")
struct RaceJudgeTests {
    /// Scenarios: a start and stimuli sent back to back.
    static let scenarios: [(name: String, start: [String], stimuli: [String])] = [
        ("hang-up crosses Drop", connected1001, ["browser>icm release agent=1001 session=s1 button=drop", "phone>ecs hangup extension=4001"]),
        ("phone logout crosses browser logout", ["browser>icm login agent=1001 extension=4001"],
         ["browser>icm logout agent=1001", "phone>ecs logout-feature extension=4001"]),
        ("answer with a hang-up and a release, a session queued", connected1001 + ["customer>icm session-request session=s2 media=realtime vdn=5000"],
         ["browser>icm release agent=1001 session=s1 button=drop", "phone>ecs hangup extension=4001", "phone>ecs answer extension=4001"]),
        ("login crosses a session request", [],
         ["browser>icm login agent=1001 extension=4001", "customer>icm session-request session=s1 media=messaging vdn=5000"]),
    ]

    static let visibilities = [true, false]

    /// A scenario's start, its stimuli, and every schedule's outputs.
    static func scenario(_ index: Int, reported: Bool) -> (start: ReferenceSystem, stimuli: [Message], outcomes: Set<[Channel: [Message]]>) {
        let (_, startTexts, stimulusTexts) = scenarios[index]
        let start = serialSystem(startTexts)
        let stimuli = stimulusTexts.map(m)
        return (start, stimuli, BruteForce(played: ReferenceSystem.allSystemRoles, reportsInternal: reported).outcomes(from: start, stimuli: stimuli))
    }

    /// Feeds one schedule's outputs channel by channel, in a rotating order.
    func interleave(_ outputs: [Channel: [Message]], rotation: Int) -> [Message] {
        var channels = outputs.keys.sorted { "\($0)" < "\($1)" }
        if !channels.isEmpty {
            let cut: Int = rotation % channels.count
            let tail: [Channel] = Array(channels[cut...])
            let head: [Channel] = Array(channels[..<cut])
            channels = tail + head
        }
        var cursors = Dictionary(uniqueKeysWithValues: channels.map { ($0, 0) })
        var result: [Message] = []
        var progressed = true
        while progressed {
            progressed = false
            for channel in channels where cursors[channel]! < outputs[channel]!.count {
                result.append(outputs[channel]![cursors[channel]!])
                cursors[channel]! += 1
                progressed = true
            }
        }
        return result
    }

    func judge(_ start: ReferenceSystem, _ stimuli: [Message], reported: Bool, maxStates: Int = 100_000) -> RaceJudge {
        var judge = RaceJudge(start: start, semantics: AsyncSemantics(reportsInternal: reported), maxStates: maxStates)
        for stimulus in stimuli { judge.send(stimulus) }
        return judge
    }

    @Test("Stimuli sent as a group close once, to the same states with the same clauses as closing after each",
          arguments: 0..<4, [true, false])
    func groupClosesAsOneByOne(scenario: Int, reported: Bool) {
        let (start, stimuli, _) = Self.scenario(scenario, reported: reported)
        var grouped = RaceJudge(start: start, semantics: AsyncSemantics(reportsInternal: reported))
        grouped.send(stimuli)
        let oneByOne = judge(start, stimuli, reported: reported)
        func statesAndClauses(_ judge: RaceJudge) -> [AsyncState: UInt64] {
            Dictionary(judge.states.map { ($0.state, $0.clauses) }) { $0 | $1 }
        }
        #expect(grouped.stateCount > 1 && grouped.stateCount == oneByOne.stateCount)
        #expect(statesAndClauses(grouped) == statesAndClauses(oneByOne))
        #expect(grouped.stimulusCount == stimuli.count)
    }

    @Test("A racing driver's run goes on from a state its judge walked to the end, as propagating serially would for one stimulus")
    func takeRacingGoesOnFromTheJudge() {
        let semantics = AsyncSemantics(reportsInternal: true)
        for texts in [["browser>icm login agent=1001 extension=4001"], Self.scenarios[3].stimuli] {
            var run = ModelRun(administration: administration, profile: .core)
            var group = texts.map(m)
            guard let (judge, _) = run.takeRacing(&group, judgedBy: RaceJudge(administration: administration, semantics: semantics))
            else {
                Issue.record("refused: \(texts)")
                continue
            }
            #expect(group.count == texts.count)
            #expect(judge.states.contains { $0.state.inFlight.isEmpty && $0.state.system == run.system })
            if texts.count == 1 { #expect(run.system == serialSystem(texts)) }
        }
    }

    @Test("A racing driver may not request a session id twice in core, one stimulus or several")
    func takeRacingRefusesARequestedSession() {
        let semantics = AsyncSemantics(reportsInternal: true)
        var run = ModelRun(administration: administration, profile: .core)
        let request = "customer>icm session-request session=s1 media=realtime vdn=5000"
        var first = [m(request)]
        guard let (judge, _) = run.takeRacing(&first, judgedBy: RaceJudge(administration: administration, semantics: semantics)) else {
            Issue.record("the first request was refused")
            return
        }
        #expect(run.hasRequested("s1"))
        var again = [m(request)]
        #expect(run.takeRacing(&again, judgedBy: judge) == nil)
    }

    @Test("Every schedule the brute force finds is accepted, in any cross-channel order, and ends well",
          arguments: 0..<4, [true, false])
    func everyScheduleAccepted(scenario: Int, reported: Bool) {
        let (start, stimuli, outcomes) = Self.scenario(scenario, reported: reported)
        #expect(!outcomes.isEmpty)
        for outcome in outcomes {
            for rotation in 0..<3 {
                var judge = judge(start, stimuli, reported: reported)
                for output in interleave(outcome, rotation: rotation) {
                    #expect(judge.observe(output) == .allowed, "\(output) in \(outcome)")
                }
                #expect(judge.canEndWell)
            }
        }
    }

    @Test("A run the brute force does not allow is rejected or cannot end well, exactly when no schedule allows it",
          arguments: 0..<4, [true, false])
    func judgeAgreesOnChangedRuns(scenario: Int, reported: Bool) {
        let (start, stimuli, outcomes) = Self.scenario(scenario, reported: reported)
        // Candidate runs: each outcome with one message dropped, one pair of
        // a channel swapped, or channels of two outcomes mixed.
        var candidates: Set<[Channel: [Message]]> = []
        for outcome in outcomes {
            for (channel, messages) in outcome {
                for index in messages.indices {
                    var dropped = outcome
                    dropped[channel]!.remove(at: index)
                    candidates.insert(dropped)
                    if index + 1 < messages.count {
                        var swapped = outcome
                        swapped[channel]!.swapAt(index, index + 1)
                        candidates.insert(swapped)
                    }
                }
            }
            for other in outcomes {
                for (channel, messages) in other {
                    var mixed = outcome
                    mixed[channel] = messages
                    candidates.insert(mixed)
                }
            }
        }
        func isPrefix(_ run: [Channel: [Message]], of outcome: [Channel: [Message]]) -> Bool {
            run.allSatisfy { channel, messages in
                let full = outcome[channel] ?? []
                return messages.count <= full.count && Array(full.prefix(messages.count)) == messages
            }
        }
        for candidate in candidates {
            let cleaned = candidate.filter { !$0.value.isEmpty }
            let complete = outcomes.contains { $0.filter { !$0.value.isEmpty } == cleaned }
            var judge = judge(start, stimuli, reported: reported)
            var accepted = true
            var observed: [Channel: [Message]] = [:]
            for output in interleave(cleaned, rotation: 0) {
                observed[output.channel, default: []].append(output)
                let allowedByBruteForce = outcomes.contains { isPrefix(observed, of: $0) }
                let verdict = judge.observe(output)
                #expect((verdict == .allowed) == allowedByBruteForce, "\(output) after \(observed)")
                if verdict != .allowed {
                    accepted = false
                    break
                }
            }
            if accepted { #expect(judge.canEndWell == complete, "\(cleaned)") }
        }
    }

    @Test("A racing hang-up and Drop cover the race-only clauses ECS-DROP-2 and ICM-HANGUP-2 in some interleaving")
    func raceOnlyClausesCovered() {
        let judge = judge(serialSystem(connected1001), Self.scenarios[0].stimuli.map(m), reported: false)
        #expect(judge.clausesApplied.contains(.ecsDropIgnored))
        #expect(judge.clausesApplied.contains(.icmDroppedIgnored))
    }

    @Test("Past --max-states the judge is inconclusive, says why, and judges nothing more")
    func inconclusivePastBound() {
        var judge = judge(serialSystem(connected1001), Self.scenarios[0].stimuli.map(m), reported: true, maxStates: 3)
        #expect(judge.isInconclusive)
        #expect(judge.inconclusiveReason?.contains("--max-states 3") == true)
        #expect(judge.observe(m("icm>browser disconnect agent=1001 session=s1 reason=dropped")) == .inconclusive)
        #expect(judge.canEndWell, "inconclusive is reported by the caller, never as a failure to end")
    }

    @Test("A rejection says what every surviving state allowed on the channel, grouped, and the clause")
    func rejectionDiagnosis() {
        var judge = judge(serialSystem(connected1001), Self.scenarios[0].stimuli.map(m), reported: false)
        guard case .rejected(let rejection) = judge.observe(m("icm>browser acw-close agent=1001")) else {
            Issue.record("acw-close was allowed")
            return
        }
        let lines = rejection.lines(at: "line 9")
        #expect(lines[0].contains("allowed by no interleaving"))
        #expect(lines.contains { $0.contains("disconnect(agent=1001, session=s1, reason=dropped)") })
        #expect(lines.contains { $0.contains("disconnect(agent=1001, session=s1, reason=hangup)") })
        #expect(lines.contains { $0.hasPrefix("longest allowed prefix: the first 0 outputs") })
        #expect(rejection.clause != nil)
    }

    @Test("Serial propagation is one schedule of the asynchronous semantics")
    func serialIsOneSchedule() {
        let start = serialSystem(connected1001)
        var serial = start
        var outputs: [Channel: [Message]] = [:]
        for stimulus in Self.scenarios[0].stimuli.map(m) {
            for emission in serial.propagate(stimulus).emissions { outputs[emission.message.channel, default: []].append(emission.message) }
        }
        var judge = judge(start, Self.scenarios[0].stimuli.map(m), reported: true)
        for output in interleave(outputs, rotation: 1) { #expect(judge.observe(output) == .allowed) }
        #expect(judge.canEndWell)
    }

    @Test("Racing stimuli of a trace: those placed while messages are owed")
    func racingStimuli() {
        let messages = connected1001.prefix(1).map(m) + [m("customer>icm session-request session=s1 media=realtime vdn=5000")]
        // The session request is placed while the login's messages are owed.
        #expect(RacingStimuli.places(in: messages, administration: administration) == [1])
        let serial = [m("browser>icm login agent=1001 extension=4001"), m("icm>cvct login-request agent=1001 extension=4001"),
                      m("cvct>ecs asai-login agent=1001 extension=4001"), m("ecs>cvct logged-in agent=1001 extension=4001"),
                      m("cvct>icm login-confirmed agent=1001 extension=4001"), m("icm>browser acw-open agent=1001"),
                      m("browser>icm logout agent=1001")]
        #expect(RacingStimuli.places(in: serial, administration: administration).isEmpty)
    }
}

@Suite("Race judge: clauses")
struct RaceJudgeClauseTests {
    @Test("Every clause a delivery applies is counted, in every state that follows")
    func clausesOfDeliveries() {
        var judge = RaceJudge(start: serialSystem(["browser>icm login agent=1001 extension=4001"]), semantics: AsyncSemantics(reportsInternal: true))
        judge.send(m("customer>icm session-request session=s1 media=realtime vdn=5000"))
        #expect(judge.clausesApplied.contains(.ecsLaunchDelivered), "\(judge.clausesApplied)")
        for output in ["icm>ecs launch session=s1 vdn=5000 media=realtime", "ecs>cvct progress session=s1 state=offered vdn=5000",
                       "ecs>phone alert session=s1 extension=4001", "ecs>cvct progress session=s1 state=alerting extension=4001"] {
            #expect(judge.observe(m(output)) == .allowed)
        }
        judge.keepQuiescent()
        #expect(judge.isSettled)
        #expect(judge.clausesApplied.contains(.ecsLaunchDelivered), "\(judge.clausesApplied)")
    }

    @Test("The judge keeps exactly the states, and the clauses, of a closure walked in full (no chains, every state looked up)",
          arguments: 0..<4, [true, false])
    func closureAgreesWithAFullWalk(scenario: Int, reported: Bool) {
        let (start, stimuli, outcomes) = RaceJudgeTests.scenario(scenario, reported: reported)
        for outcome in outcomes {
            var judge = RaceJudgeTests().judge(start, stimuli, reported: reported)
            var full = FullWalk(start: start, semantics: judge.semantics)
            for stimulus in stimuli { full.send(stimulus) }
            #expect(full.agrees(with: judge))
            for output in RaceJudgeTests().interleave(outcome, rotation: 1) {
                _ = judge.observe(output)
                full.observe(output)
                #expect(full.agrees(with: judge), "\(output)")
            }
        }
    }
}

/// The judge's set of states worked out the plain way: every successor of
/// every state, each state walked again whenever it gains clauses.
struct FullWalk {
    let semantics: AsyncSemantics
    var states: [AsyncState: UInt64]

    init(start: ReferenceSystem, semantics: AsyncSemantics) {
        self.semantics = semantics
        states = [AsyncState(system: start): 0]
    }

    /// The same states, each once, with the same clauses.
    func agrees(with judge: RaceJudge) -> Bool {
        judge.states.count == states.count && Set(judge.states.map(\.state)).count == states.count
            && judge.states.allSatisfy { states[$0.state] == $0.clauses }
    }

    mutating func send(_ stimulus: Message) {
        var sent: [AsyncState: UInt64] = [:]
        for (state, clauses) in states {
            var next = state
            let applied = semantics.send(stimulus, in: &next)
            sent[next, default: 0] |= clauses | applied
        }
        states = sent
        var work = Array(states.keys)
        while let state = work.popLast() {
            let clauses = states[state] ?? 0
            for (next, applied) in semantics.successors(of: state) {
                let old = states[next]
                let merged = (old ?? 0) | clauses | applied
                guard merged != old else { continue }
                states[next] = merged
                work.append(next)
            }
        }
    }

    mutating func observe(_ message: Message) {
        var kept: [AsyncState: UInt64] = [:]
        for (state, clauses) in states {
            if let next = semantics.observe(message, in: state) { kept[next, default: 0] |= clauses }
        }
        if !kept.isEmpty { states = kept }
    }
}

