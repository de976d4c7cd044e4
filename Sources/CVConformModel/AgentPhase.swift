/// An agent's phase at the switch, in the words the ECS's diagram and
/// explore's coverage say it in: one spelling for both (two of them are
/// also states `progress` reports, spelled by `ProgressState`).
public enum AgentPhase: String, CaseIterable, Hashable, Sendable {
    case loggedOut = "logged out"
    case available, alerting, connected
}
