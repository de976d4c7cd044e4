import CVConformModel
import CVConformTrace

/// The reference system with one mutant's mistake. The machines themselves
/// stay as they are (the reference's hot path knows nothing of mutants):
/// the mistake is made here, around each delivery, except the ECS's choices,
/// which the mutant sets once in the machine's `variation`.
public struct MutatedSystem: MessageDelivering, Sendable {
    public let mutant: Mutant
    public private(set) var system: ReferenceSystem
    private let administration: Administration

    public init(_ mutant: Mutant, administration: Administration) {
        self.init(mutant, administration: administration, system: ReferenceSystem(administration: administration))
    }

    /// The mutant, from a state the reference reached on the same
    /// administration.
    init(_ mutant: Mutant, administration: Administration, system: ReferenceSystem) {
        self.mutant = mutant
        self.administration = administration
        self.system = system
        if case .variation(let variation) = mutant.change { self.system.vary(variation) }
    }

    public mutating func deliver(_ message: Message) -> Reaction? {
        let clause = mutant.clause
        switch mutant.change {
        case .variation:
            return system.deliver(message)
        case .idsAsNumbers(let role):
            guard message.to == role else { return system.deliver(message) }
            return system.deliver(Self.numeric(message))
        case .skipStateChange, .ignoreStimulus:
            var next = system
            guard let reaction = next.deliver(message) else { return nil }
            guard reaction.decidingClause == clause else {
                system = next
                return reaction
            }
            // The state stays as it was; the messages go out or not.
            return mutant.change == .ignoreStimulus ? Reaction(clauses: reaction.clauses) : reaction
        case .reactToIgnored where clause == .icmReleaseIgnored:
            // The button is not checked against the media: the agent's own
            // session ends whatever the button, with the button's reason.
            guard message.type == .release, system.icm.session(of: message[.agent]) == message[.session],
                  let media = system.icm.media(of: message[.session]), !system.icm.button(message[.button], fits: message[.session])
            else { return system.deliver(message) }
            let fitting = Self.setting("button", to: ((Media(rawValue: media) ?? .realtime).fittingButtons.first ?? .drop).rawValue, in: Emission(message, clause)).message
            guard var reaction = system.deliver(fitting) else { return nil }
            let reason = (Button(rawValue: message[.button])?.reason ?? .dropped).rawValue
            reaction.emissions = reaction.emissions.map { $0.message.type == .disconnect ? Self.setting("reason", to: reason, in: $0) : $0 }
            return reaction
        case .reactToIgnored:
            let before = system
            guard var reaction = system.deliver(message) else { return nil }
            if reaction.decidingClause == clause { reaction.emissions += Self.reaction(to: message, ignoredBy: clause, in: before) }
            return reaction
        case .omit, .duplicate, .swap, .redirect, .replaceWord, .replaceID:
            let before = system
            guard var reaction = system.deliver(message) else { return nil }
            reaction.emissions = change(reaction.emissions, before: before)
            return reaction
        }
    }

    /// The emission-level mistakes, on the emissions of the mutant's clause.
    private func change(_ emissions: [Emission], before: ReferenceSystem) -> [Emission] {
        let clause = mutant.clause
        func matches(_ emission: Emission, _ shape: EmissionShape) -> Bool {
            emission.clause == clause && EmissionShape(emission.message) == shape
        }
        var result: [Emission] = []
        switch mutant.change {
        case .omit(let shape):
            result = emissions.filter { !matches($0, shape) }
        case .duplicate(let shape):
            for emission in emissions {
                result.append(emission)
                if matches(emission, shape) { result.append(emission) }
            }
        case .swap(let first, let second):
            result = emissions
            for index in result.indices.dropLast() where matches(result[index], first) && matches(result[index + 1], second) {
                result.swapAt(index, index + 1)
                break
            }
        case .redirect(let shape, let role):
            result = emissions.map { emission in
                guard matches(emission, shape) else { return emission }
                let message = emission.message
                return Emission(Message(from: message.from, to: role, type: message.type, parameters: message.parameters), clause)
            }
        case .replaceWord(let shape, let parameter, let value):
            result = emissions.map { matches($0, shape) ? Self.setting(parameter, to: value, in: $0) : $0 }
        case .replaceID(let shape, let parameter):
            result = emissions.map { emission in
                guard matches(emission, shape) else { return emission }
                let current = emission.message[parameter]
                guard let other = Self.otherID(of: parameter, than: current, administration: administration, system: before) else {
                    return emission
                }
                return Self.setting(parameter, to: other, in: emission)
            }
        default:
            result = emissions
        }
        return result
    }

    private static func setting(_ parameter: String, to value: String, in emission: Emission) -> Emission {
        let message = emission.message
        let parameters = Parameters(message.parameters.map { ($0.name, $0.name == parameter ? value : $0.value) })
        return Emission(Message(from: message.from, to: message.to, type: message.type, parameters: parameters), emission.clause)
    }

    /// Another id of the same kind in scope: the next one the
    /// administration lists (agents, stations, VDNs, skills), or another
    /// session the switch is handling.
    static func otherID(of parameter: String, than current: String, administration: Administration, system: ReferenceSystem) -> String? {
        let candidates: [String]
        switch parameter {
        case "agent": candidates = administration.agents.map(\.id)
        case "extension": candidates = administration.stations
        case "vdn": candidates = administration.vdns.map(\.number)
        case "skill":
            var skills: [String] = []
            for skill in administration.agents.flatMap(\.skills) + administration.vdns.map(\.skill) where !skills.contains(skill) {
                skills.append(skill)
            }
            candidates = skills
        case "session":
            candidates = system.ecs.sessions.sorted { $0.value.launchedAt < $1.value.launchedAt }.map(\.key)
        default:
            candidates = []
        }
        guard let index = candidates.firstIndex(of: current) else { return candidates.first { $0 != current } }
        let others = candidates[(index + 1)...] + candidates[..<index]
        return others.first
    }

    /// The stimulus with every id read as a number (leading zeros dropped).
    static func numeric(_ message: Message) -> Message {
        let parameters = Parameters(message.parameters.map { parameter -> (String, String) in
            guard ["agent", "extension", "vdn", "skill"].contains(parameter.name) else { return (parameter.name, parameter.value) }
            let trimmed = parameter.value.drop { $0 == "0" }
            return (parameter.name, trimmed.isEmpty ? "0" : String(trimmed))
        })
        return Message(from: message.from, to: message.to, type: message.type, parameters: parameters)
    }

    /// What a mutant that reacts where the rule ignores sends: the reaction
    /// a careless implementation would have.
    static func reaction(to message: Message, ignoredBy clause: Clause, in system: ReferenceSystem) -> [Emission] {
        func emit(_ from: Role, _ to: Role, _ type: MessageType, _ parameters: Parameters) -> [Emission] {
            [Emission(Message(from: from, to: to, type: type, parameters: parameters), clause)]
        }
        switch clause {
        case .ecsAnswerIgnored:
            // Answering a connected phone again reports the answer again.
            let x = message[.extension]
            guard let agent = system.ecs.agentAtExtension[x], case .connected(_, let session)? = system.ecs.agents[agent] else { return [] }
            return emit(.ecs, .cvct, .progress, ["session": session, "state": ProgressState.answered.rawValue, "extension": x])
        case .ecsHangupIgnored:
            // Hanging up a ringing phone is taken as the end of the session.
            let x = message[.extension]
            guard let agent = system.ecs.agentAtExtension[x], case .alerting(_, let session)? = system.ecs.agents[agent] else { return [] }
            return emit(.ecs, .cvct, .progress, ["session": session, "state": ProgressState.dropped.rawValue, "extension": x, "by": By.phone.rawValue])
        case .icmLogoutIgnored:
            return emit(.icm, .browser, .acwClose, ["agent": message[.agent]])
        case .cvctOtherProgress:
            // A drop the ICM asked for is reported back to it.
            guard message[.state] == ProgressState.dropped.rawValue else { return [] }
            return emit(.cvct, .icm, .dropped, ["session": message[.session]])
        case .cvctLoggedOutByRequest:
            return emit(.cvct, .icm, .agentLoggedOut, ["agent": message[.agent], "extension": message[.extension]])
        default:
            return []
        }
    }
}


extension MutatedSystem {
    /// The switch in its canonical form (see `ECSMachine.normalize`).
    package mutating func normalizeSwitch() {
        system.normalizeSwitch()
    }
}
