import CVConformTestSupport
import CVConformTrace
import Testing
@testable import CVConformModel

@Suite("What each rule sends, derived from the machines")
struct EmissionTableTests {
    let table = EmissionTable.reference

    @Test("Every message the machines send keeps its parameters sorted by name, as any Parameters does")
    func machinesSendSortedParameters() {
        // The machines give names in sorted order and nothing sorts them
        // (Parameters' positional initialisers); a wrong order would make
        // an owed message unequal to the same message read from a trace.
        #expect(!table.exampleMessages.isEmpty)
        for message in table.exampleMessages {
            let resorted = Parameters(message.parameters.map { ($0.name, $0.value) })
            #expect(message.parameters == resorted, "\(message)")
        }
    }

    @Test("Every message the machines send, in walks the table was not derived from, is in it under its clause")
    func tableMatchesMachines() {
        let other = EmissionTable.derive(steps: 20_000, seed: 99)
        for (clause, shapes) in other.shapes {
            for shape in shapes { #expect(table.shapes[clause]?.contains(shape) == true, "\(clause.id) \(shape)") }
        }
        // And whole-system runs, as explore makes them, core and extended.
        for seed in UInt64(0)..<20 {
            for profile in Profile.allCases {
                var random = SeededRandom(seed: seed)
                let generated = AdministrationGenerator.make(random: &random, extended: profile == .extended)
                var generator = StimulusGenerator(generated: generated, profile: profile, random: &random)
                var run = ModelRun(administration: generated.administration, profile: profile)
                for _ in 0..<200 {
                    guard let (stimulus, _) = generator.next(for: run, coverage: ExplorationCoverage(), random: &random),
                          let propagation = run.step(stimulus) else { continue }
                    for emission in propagation.emissions {
                        #expect(table.shapes[emission.clause]?.contains(EmissionShape(emission.message)) == true,
                                "\(emission.clause.id) \(emission.message)")
                    }
                }
            }
        }
    }

    @Test("The rules the hand-written table had forgotten are there: alert under ECS-IDLE-1; clear, logged-out and progress(queued) under EXT-2")
    func formerDrift() {
        let idle = table.shapes[.ecsMostIdle] ?? []
        #expect(idle.contains { $0.type == .alert })
        #expect(idle.contains { $0.type == .progress && $0.word == "alerting" })
        let ext2 = table.shapes[.extLogoutWhileAlerting] ?? []
        #expect(ext2.contains { $0.type == .clear })
        #expect(ext2.contains { $0.type == .loggedOut })
        #expect(ext2.contains { $0.type == .progress && $0.word == "queued" })
        #expect(Clause.sending(m("ecs>phone clear session=s1 extension=4001")).contains(.extLogoutWhileAlerting))
    }

    @Test("Every clause that sends something has its shapes; the reverse names core clauses before extended ones")
    func reverse() {
        for clause in Clause.allCases where !(table.shapes[clause] ?? []).isEmpty {
            for shape in table.shapes[clause] ?? [] {
                let message = table.exampleMessages.first { EmissionShape($0) == shape }
                if let message {
                    let sending = Clause.sending(message)
                    #expect(sending.contains(clause))
                    if let firstExtended = sending.firstIndex(where: { $0.profile == .extended }) {
                        #expect(sending[firstExtended...].allSatisfy { $0.profile == .extended }, "\(sending)")
                    }
                }
            }
        }
        #expect(Clause.sending(m("icm>browser disconnect agent=1 session=s reason=closed")) == [.icmReleaseClose])
        #expect(Clause.sending(m("cvct>icm dropped session=s")) == [.cvctDroppedByPhone])
        #expect(Clause.sending(m("ecs>cvct login-denied agent=1 extension=2 cause=extension-in-use")) == [.ecsLoginExtensionInUse])
        // Clauses that send nothing (they ignore) have no shapes.
        #expect(table.shapes[.ecsAnswerIgnored] == nil && table.shapes[.icmLogoutIgnored] == nil)
    }

    @Test("Which clauses change state and which decide is recorded")
    func stateChanges() {
        #expect(table.changesState.contains(.icmLoginConfirmed))
        #expect(table.changesState.contains(.ecsLoginAccepted))
        #expect(!table.changesState.contains(.icmLogin))
        #expect(!table.changesState.contains(.ecsAnswerIgnored))
        #expect(!table.changesState.contains(.cvctLoginRequest))
        #expect(table.decides.contains(.ecsAnswerIgnored))
    }
}
