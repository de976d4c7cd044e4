import CVConformModel
import CVConformTrace

/// Replays a path of `verify` on the checked system and writes it as a
/// trace of section 4: each stimulus, then each message the checked model
/// sends. Serially a stimulus step sends its whole propagation, in the
/// order sent; with races a delivery step takes one channel's head, and
/// each message is placed where its receiver takes it (RACE-13).
struct CounterexampleWriter<System: VerifiedSystem> {
    private var system: System
    private var inFlight = ChannelQueues<Message>()
    private let record: SearchRecord
    private(set) var entries: [TraceEntry] = []

    init(start: System, record: SearchRecord) {
        system = start
        self.record = record
    }

    mutating func take(_ step: VerifyStep, limit: Int = .max) {
        switch step {
        case .stimulus(let index):
            let stimulus = record.alphabet.stimuli[Int(index)]
            if record.options.races {
                // Written when its role takes it, as a racy trace places
                // each message (RACE-13).
                inFlight.append(stimulus, on: stimulus.channel.slot)
                return
            }
            let propagation = system.propagate(stimulus)
            system.normalizeSwitch()
            entries.append(TraceEntry(message: stimulus))
            entries += propagation.emissions.prefix(limit).map { TraceEntry(message: $0.message) }
        case .delivery(let slot):
            guard let message = inFlight.removeHead(on: slot) else { return }
            var written = [TraceEntry(message: message)]
            _ = system.take(message, into: &inFlight) { written.append(TraceEntry(message: $0)) }
            entries += written
        }
    }

    /// The state reached, in words.
    func explain(_ invariant: Invariant) -> String {
        let machines = system.machines
        let launched = machines.icm.mediaBySession.map { "\($0.key) (\($0.value))" }.sorted()
        let handled = machines.ecs.sessions.map(\.key).sorted()
        return "\(invariant.id) does not hold here. ICM: \(machines.state(of: .icm)); sessions launched and not ended: "
            + (launched.isEmpty ? "none" : launched.joined(separator: ", "))
            + ". ECS: \(machines.state(of: .ecs)); sessions handled: " + (handled.isEmpty ? "none" : handled.joined(separator: ", ")) + "."
    }

    /// The trace, marked as the reference model judges it: a pass trace
    /// when the reference allows every message (the mistake is in a
    /// state, not yet in a message), otherwise a fail trace ending at the
    /// first message the reference does not allow.
    func counterexample(_ invariant: Invariant, _ explanation: String) -> Counterexample {
        let options = record.options
        let subject = options.mutant.map { "mutant \($0.id)" } ?? "the reference model"
        let name = (["verify", invariant.id] + (options.mutant.map { [$0.id] } ?? [])).joined(separator: "-").lowercased()
        var header = TraceHeader(id: String(name.map { $0.isLetter || $0.isNumber ? $0 : "-" }).prefix(72).description,
                                 profile: options.profile)
        header.title = "Counterexample to \(invariant.id) in \(subject)"
        header.description = "\(invariant.id): \(invariant.text) A shortest run of \(subject) over \(options.universe)"
            + (options.races ? " with racing stimuli" : "") + " that breaks it. \(explanation) "
            + "Written by cvconform verify."
        header.tags = ["verify", invariant.id.lowercased()] + (options.races ? ["racy"] : [])
        header.setup = record.administration
        var trace = Trace(header: header, entries: entries)
        let judged = Validator.judge(trace)
        switch judged.outcome {
        case .rejected:
            let at = (judged.at ?? entries.count) - 1
            trace.entries = Array(entries.prefix(at + 1))
            trace.entries[at].invalid = true
            trace.header.expect = .fail
        case .incomplete:
            trace.header.expect = .incomplete
        case .accepted, .malformed, .inconclusive:
            trace.header.expect = .pass
        }
        return Counterexample(invariant: invariant, trace: trace, explanation: explanation)
    }
}
