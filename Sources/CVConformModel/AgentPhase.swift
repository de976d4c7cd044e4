/// An agent's phase at the switch, in the words the ECS's diagram and
/// explore's coverage say it in: one spelling for both. (`alerting` is
/// also a state `progress` reports; as a protocol value it is
/// `ProgressState.alerting`.)
public enum AgentPhase: String, CaseIterable, Hashable, Sendable {
    case loggedOut = "logged out"
    case available, alerting, connected
}
