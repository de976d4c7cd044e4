import CVConformTrace

/// The three system roles together, each a machine of its own. It routes a
/// message to the role it is addressed to; messages to the environment
/// (browser, phone) reach no machine.
public struct ReferenceSystem: Hashable, Sendable {
    public private(set) var icm: ICMMachine
    public private(set) var cvct: CVCTMachine
    public private(set) var ecs: ECSMachine

    /// Sets the ECS's choices (mutants only).
    package mutating func vary(_ variation: ECSVariation) {
        ecs.variation = variation
    }

    /// The system as an administration starts it. Built once per
    /// administration (numbering its ids is most of the work) and copied
    /// after: mutation analysis starts a system for every run it plays.
    public init(administration: Administration) {
        self = FreshSystems.shared.system(for: administration)
    }

    /// The machines built from the administration itself.
    init(building administration: Administration) {
        ecs = ECSMachine(administration: administration)
        // The same ids numbered the same way: numbered once (a large setup
        // spent a tenth of validating on numbering them twice).
        let numbered = ecs.administrationNumbers
        icm = ICMMachine(agents: numbered.agents, stations: numbered.stations)
        cvct = CVCTMachine(administration: administration)
    }

    /// The switch in its canonical form (see `ECSMachine.normalize`), and
    /// the ICM's sessions in canonical slots.
    package mutating func normalizeSwitch() {
        ecs.normalize()
        icm.normalize()
    }

    /// A few words that tell most states apart (the race judge's hash; see
    /// `AsyncState.hash(into:)`).
    func hashSummary(into hasher: inout Hasher) {
        hasher.combine(icm)
        ecs.hashSummary(into: &hasher)
    }

    /// Whether this system is a copy of `other` that nothing has changed
    /// since (the same storage, not only equal values): then it packs and
    /// behaves exactly as `other`.
    package func sharesState(with other: ReferenceSystem) -> Bool {
        icm.sharesState(with: other.icm) && ecs.sharesState(with: other.ecs)
    }

    /// Delivers a message to its receiving role; nil when that role is not a
    /// system role.
    public mutating func deliver(_ message: Message) -> Reaction? {
        var reaction = Reaction()
        return deliver(message, into: &reaction) ? reaction : nil
    }

    public mutating func deliver(_ message: Message, into reaction: inout Reaction) -> Bool {
        reaction.clear()
        switch message.to {
        case .icm: icm.receive(message, into: &reaction)
        case .cvct: cvct.receive(message, into: &reaction)
        case .ecs: ecs.receive(message, into: &reaction)
        case .browser, .phone, .customer: return false
        }
        return true
    }

    /// Whether a role still holds a session: the ICM knows its media or the
    /// agent that has it, or the ECS is handling it (queued, alerting,
    /// connected).
    public func holds(session: String) -> Bool {
        icm.holds(session: session) || ecs.holds(session: session)
    }

    /// A role's state in words, for diagnostics.
    public func state(of role: Role) -> String {
        switch role {
        case .icm: return icm.description
        case .cvct: return cvct.description
        case .ecs: return ecs.description
        case .browser, .phone, .customer: return "environment role (no state)"
        }
    }
}
