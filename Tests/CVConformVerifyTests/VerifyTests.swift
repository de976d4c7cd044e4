import CVConformMutation
import CVConformTestSupport
import CVConformTrace
import Foundation
import Testing
@testable import CVConformModel
@testable import CVConformVerify

@Suite("verify: every state of a bounded universe", .tags(.slow))
struct VerifyTests {
    static let smallRaces = Universe(agents: 1, stations: 1, vdns: 1, skills: 1, sessions: 1)

    @Test("The reference, serially: every invariant holds, every core clause but the race-only ones is reached")
    func referenceSerial() {
        let result = ModelChecker.verify(VerifyOptions())
        #expect(result.holds && result.complete)
        #expect(result.counterexample == nil)
        #expect(result.states == 489)
        #expect(result.invariants.map(\.invariant) == Invariant.allCases)
        #expect(Set(result.dead) == Set(Clause.allCases.filter { $0.isRaceOnly && $0.profile == .core }))
        #expect(!result.reached.contains { $0.profile == .extended }, "core never enters an unspecified situation")
    }

    @Test("The reference with races: every invariant holds, and the race-only clauses of core are reached")
    func referenceRaces() {
        let result = ModelChecker.verify(VerifyOptions(universe: Self.smallRaces, races: true))
        #expect(result.holds)
        for clause in [Clause.ecsDropIgnored, .ecsLogoutIgnored, .icmDroppedIgnored] { #expect(result.reached.contains(clause), "\(clause.id)") }
        #expect(!result.reached.contains { $0.profile == .extended })
        let serial = ModelChecker.verify(VerifyOptions(universe: Self.smallRaces))
        #expect(result.states > serial.states, "the asynchronous states include the serial ones")
    }

    @Test("Races of three stimuli: a login crossing a browser logout and a phone logout leaves the ICM logged in (a spec finding, VER-9)")
    func raceOfThree() throws {
        let result = ModelChecker.verify(VerifyOptions(universe: Self.smallRaces, races: true, raceWidth: 3))
        let counterexample = try #require(result.counterexample)
        #expect(counterexample.invariant == .loginsAgree)
        let judged = Validator.judge(counterexample.trace)
        #expect(judged.ok, "\(judged.problem ?? "")")
        #expect(counterexample.trace.isRacy)
        #expect(counterexample.trace.header.tags.contains("racy"))
    }

    @Test("Profile extended: EXT-1 leaves a session launched at the ICM that the ECS never handles (INV-7)")
    func extendedBreaksSessionAgreement() throws {
        let result = ModelChecker.verify(VerifyOptions(profile: .extended))
        #expect(!result.holds)
        #expect(result.invariants.first { !$0.holds }?.invariant == .sessionsLive)
        #expect(result.reached.contains(.extLaunchUnknownVDN))
        let trace = try #require(result.counterexample?.trace)
        #expect(trace.entries.contains { $0.message.type == .sessionRequest && $0.message["vdn"] == Universe.unknownVDN })
    }

    /// The skip-state-change mutants of the core catalog.
    static let skippingMutants = Mutant.catalog().filter { $0.mutation == .skipStateChange }

    @Test("A skip-state-change mutant breaks an invariant, with a short counterexample that validates as marked", arguments: skippingMutants)
    func skipStateChangeCaught(_ mutant: Mutant) throws {
        let result = ModelChecker.verify(VerifyOptions(mutant: mutant))
        let counterexample = try #require(result.counterexample, "\(mutant.id) breaks nothing")
        #expect(counterexample.messages <= 40)
        let judged = Validator.judge(counterexample.trace)
        #expect(judged.ok, "\(mutant.id): \(judged.problem ?? "")")
        #expect(counterexample.trace.header.description?.contains(mutant.id) == true)
    }

    @Test("A level split into chunks gives what one thread gives: the states, their counts, the clauses, the counterexample",
          arguments: [nil, "ECS-HANGUP-1/skip-state-change", "ECS-LOGIN-5/replace-value/logged-in.agent"])
    func chunksAgreeWithOneThread(_ mutantID: String?) throws {
        let mutant = Mutant.catalog().first { $0.id == mutantID }
        var whole = VerifyOptions(mutant: mutant)
        whole.parallelFrom = .max
        var chunked = whole
        chunked.parallelFrom = 2
        chunked.chunks = 3
        let one = ModelChecker.verify(whole)
        let split = ModelChecker.verify(chunked)
        #expect(one.states > 100)
        #expect(split.states == one.states && split.transitions == one.transitions && split.depth == one.depth)
        #expect(split.invariants.map(\.holds) == one.invariants.map(\.holds))
        #expect(split.reached == one.reached)
        #expect(split.counterexample.map { TraceWriter.xml($0.trace) } == one.counterexample.map { TraceWriter.xml($0.trace) })
        #expect((one.counterexample != nil) == (mutantID != nil), "each of these mutants breaks an invariant")
    }

    @Test("Breadth first: the counterexample is a shortest run (a login whose ECS forgets it: one stimulus)")
    func shortest() throws {
        let mutant = try #require(Mutant.catalog().first { $0.id == "ECS-LOGIN-5/skip-state-change" })
        let counterexample = try #require(ModelChecker.verify(VerifyOptions(mutant: mutant)).counterexample)
        #expect(counterexample.trace.entries.filter { !$0.message.from.isSystem }.count == 1)
        #expect(counterexample.trace.header.expect == .pass, "every message is the reference's: the mistake is in a state")
    }

    @Test("A mutant whose messages the reference does not allow gives a fail trace ending at the first such message")
    func failTrace() throws {
        let mutant = try #require(Mutant.catalog().first { $0.id == "ECS-LOGIN-5/omit/logged-in" })
        let trace = try #require(ModelChecker.verify(VerifyOptions(mutant: mutant)).counterexample?.trace)
        #expect(trace.header.expect != .pass)
        #expect(Validator.judge(trace).ok)
    }

    @Test("Packing loses nothing: systems that pack alike answer every stimulus alike, with successors that pack alike (a bisimulation)")
    func packingIsFaithful() {
        let universe = Universe.default
        let alphabet = VerifyAlphabet(universe: universe, profile: .core)
        let layout = PackedLayout(universe)
        struct Whole: Hashable { var system: ReferenceSystem; var requested: Int }
        let start = ReferenceSystem(administration: universe.administration)
        // Every system reached (the machines keep some history the packing
        // leaves out: they are more than the packed states), and one
        // representative per packed state.
        var seen: Set<Whole> = [Whole(system: start, requested: 0)]
        var representative: [PackedState: Whole] = [layout.pack(start, requested: 0): Whole(system: start, requested: 0)]
        var level = [Whole(system: start, requested: 0)]
        var compared = 0
        func answers(_ whole: Whole) -> [[String]?] {
            alphabet.allowed[whole.requested].map { index in
                var system = whole.system
                let propagation = system.propagate(alphabet.stimuli[Int(index)])
                guard !propagation.entersExtended else { return nil }
                system.normalizeSwitch()
                let packed = layout.pack(system, requested: alphabet.requested(after: Int(index), whole.requested))
                return propagation.emissions.map(\.message.compact) + ["\(packed.hashValue)"]
            }
        }
        while !level.isEmpty {
            var next: [Whole] = []
            for node in level {
                for index in alphabet.allowed[node.requested] {
                    var system = node.system
                    guard !system.propagate(alphabet.stimuli[Int(index)]).entersExtended else { continue }
                    system.normalizeSwitch()
                    let whole = Whole(system: system, requested: alphabet.requested(after: Int(index), node.requested))
                    guard seen.insert(whole).inserted else { continue }
                    next.append(whole)
                    let packed = layout.pack(system, requested: whole.requested)
                    if let first = representative[packed] {
                        compared += 1
                        #expect(answers(first) == answers(whole), "\(system.state(of: .ecs)) / \(first.system.state(of: .ecs))")
                    } else {
                        representative[packed] = whole
                    }
                }
            }
            level = next
        }
        #expect(representative.count == ModelChecker.verify(VerifyOptions()).states)
        // Either some distinct systems packed alike and were compared, or
        // none did: then packing tells apart exactly what the systems'
        // equality does (the machines' canonical forms already merge what
        // packing merges).
        #expect(compared > 0 || seen.count - representative.count <= 1)
    }

    @Test("The invariants in spec/verify.md are the checker's: the same ids, texts and bases, in order")
    func invariantsMatchSpec() throws {
        let spec = try String(contentsOfFile: repositoryRoot + "/spec/verify.md", encoding: .utf8)
        let lines = spec.split(separator: "\n").map(String.init)
        var listed: [(id: String, text: String, basis: String)] = []
        for (index, line) in lines.enumerated() where line.hasPrefix("- **INV-") {
            let id = String(line.dropFirst(4).prefix { $0 != "*" })
            let text = String(line.drop { $0 != " " }.dropFirst().drop { $0 != " " }.dropFirst())
            let basis = index + 1 < lines.count ? lines[index + 1].trimmingCharacters(in: .whitespaces) : ""
            listed.append((id, text, basis))
        }
        #expect(listed.map(\.id) == Invariant.allCases.map(\.id))
        for (entry, invariant) in zip(listed, Invariant.allCases) {
            #expect(entry.text == invariant.text, "\(invariant.id)")
            #expect(entry.basis == "Basis: " + invariant.basis, "\(invariant.id)")
        }
        #expect(Invariant.allCases.count >= 6)
    }

    @Test("Each invariant fails when its property is broken (a state built by hand)")
    func eachInvariantCanFail() throws {
        let universe = Universe.default
        let setup = universe.administration
        var system = ReferenceSystem(administration: setup)
        #expect(Invariant.allCases.allSatisfy { $0.holds(in: system, administration: setup) })
        // The ICM logs 1001 in without the ECS: INV-1 (and INV-6 holds).
        _ = system.deliver(Message(from: .cvct, to: .icm, type: .loginConfirmed, parameters: ["agent": "1001", "extension": "4001"]))
        #expect(!Invariant.loginsAgree.holds(in: system, administration: setup))
        #expect(Invariant.administeredOnly.holds(in: system, administration: setup))
        // A session at the ICM only: INV-7; connected at the ICM only: INV-2.
        _ = system.deliver(Message(from: .customer, to: .icm, type: .sessionRequest, parameters: ["session": "s1", "media": "realtime", "vdn": "5001"]))
        #expect(!Invariant.sessionsLive.holds(in: system, administration: setup))
        _ = system.deliver(Message(from: .cvct, to: .icm, type: .answered, parameters: ["session": "s1", "extension": "4001"]))
        #expect(!Invariant.sessionsAgree.holds(in: system, administration: setup))
        // An unknown agent logged in at the ICM: INV-6; two agents at one station: INV-4.
        var other = ReferenceSystem(administration: setup)
        _ = other.deliver(Message(from: .cvct, to: .icm, type: .loginConfirmed, parameters: ["agent": "1999", "extension": "4001"]))
        #expect(!Invariant.administeredOnly.holds(in: other, administration: setup))
        _ = other.deliver(Message(from: .cvct, to: .icm, type: .loginConfirmed, parameters: ["agent": "1001", "extension": "4001"]))
        #expect(!Invariant.oneAgentPerStation.holds(in: other, administration: setup))
        // Two agents with one session at the ICM: INV-3.
        var shared = ReferenceSystem(administration: setup)
        for (agent, station) in [("1001", "4001"), ("1002", "4002")] {
            _ = shared.deliver(Message(from: .cvct, to: .icm, type: .loginConfirmed, parameters: ["agent": agent, "extension": station]))
            _ = shared.deliver(Message(from: .cvct, to: .icm, type: .answered, parameters: ["session": "s1", "extension": station]))
        }
        #expect(!Invariant.oneSessionPerAgent.holds(in: shared, administration: setup))
        // A session queued at the ECS beside an available agent with its skill: INV-5 (a switch that does not dispatch).
        let stopDispatch = Mutant.catalog().first { $0.mutation == .stopDispatch }
        var ecs = MutatedSystem(try #require(stopDispatch), administration: setup)
        _ = ecs.deliver(Message(from: .icm, to: .ecs, type: .launch, parameters: ["session": "s1", "vdn": "5001", "media": "realtime"]))
        _ = ecs.deliver(Message(from: .cvct, to: .ecs, type: .asaiLogin, parameters: ["agent": "1001", "extension": "4001"]))
        #expect(!Invariant.noIdleAgentBesideQueue.holds(in: ecs.machines, administration: setup))
    }

    /// A system whose ICM answers every message with another to itself:
    /// its messages never stop.
    struct Endless: VerifiedSystem {
        var inner: ReferenceSystem
        var machines: ReferenceSystem { inner }
        mutating func normalizeSwitch() {}
        func sharesState(with other: Endless) -> Bool { inner.sharesState(with: other.inner) }
        mutating func deliver(_ message: Message) -> Reaction? {
            guard message.to == .icm else { return inner.deliver(message) }
            let echo = Message(from: .cvct, to: .icm, type: .dropped, parameters: ["session": "s9"])
            return Reaction(clauses: [.icmDroppedIgnored], emissions: [Emission(echo, .icmDroppedIgnored)])
        }
    }

    @Test("INV-8: messages that never stop are found, serially and with races")
    func quiescenceUnreachable() throws {
        let start = Endless(inner: ReferenceSystem(administration: Universe.default.administration))
        var serial = SerialSearch(options: VerifyOptions(), start: start)
        let serialResult = serial.run(progress: nil)
        #expect(serialResult.invariants.first { !$0.holds }?.invariant == .quiescenceReachable)
        #expect(try #require(serialResult.counterexample).messages <= 100)
        var races = RaceSearch(options: VerifyOptions(universe: Self.smallRaces, races: true, maxStates: 10_000), start: start)
        let raceResult = races.run(progress: nil)
        #expect(raceResult.invariants.first { !$0.holds }?.invariant == .quiescenceReachable)
    }

    @Test("A trail of SPIN's replay comes back as a trace; a line that is not a stimulus of the universe is an error with its place")
    func trailImport() throws {
        let options = VerifyOptions(profile: .extended)
        let alphabet = VerifyAlphabet(universe: options.universe, profile: .extended)
        let request = try #require(alphabet.stimuli.firstIndex { $0.type == .sessionRequest && $0["vdn"] == Universe.unknownVDN && $0["session"] == "s1" })
        let counterexample = try ModelChecker.importTrail("  1: proc 0\n      STIMULUS \(request)\n", file: "t.txt", options: options)
        #expect(counterexample.invariant == .sessionsLive)
        #expect(Validator.judge(counterexample.trace).ok)
        #expect(throws: TrailImportError.self) { try ModelChecker.importTrail("nothing here\n", file: "t.txt", options: options) }
        do {
            _ = try ModelChecker.importTrail("\n      STIMULUS 9999\n", file: "t.txt", options: options)
            Issue.record("accepted a stimulus outside the alphabet")
        } catch let error as TrailImportError {
            #expect(error.description.hasPrefix("t.txt:2: STIMULUS 9999"))
        }
    }

    @Test("The universe's sizes are checked: a size of 0 or too large to pack is refused with words")
    func universeProblems() {
        #expect(Universe.default.problem == nil)
        #expect(Universe(agents: 0, stations: 1, vdns: 1, skills: 1, sessions: 1).problem?.contains("--agents") == true)
        #expect(Universe(agents: 8, stations: 9, vdns: 9, skills: 9, sessions: 9).problem?.contains("too large") == true)
        #expect(Universe(agents: 2, stations: 10, vdns: 1, skills: 1, sessions: 1).problem?.contains("--stations") == true)
    }

    @Test("The state limit stops the search and says it is incomplete")
    func stateLimit() {
        let result = ModelChecker.verify(VerifyOptions(maxStates: 50))
        #expect(!result.complete)
        #expect(result.states == 50)
    }
}
