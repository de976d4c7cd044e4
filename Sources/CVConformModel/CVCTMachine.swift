import CVConformTrace

/// The CentreVu Computer-Telephony server: a stateless relay between the ICM
/// and the ECS's ASAI link. It forwards only what the ICM needs to hear.
public struct CVCTMachine: RoleMachine, Hashable {
    public static let role = Role.cvct

    public init(administration: Administration) {}

    public mutating func receive(_ message: Message, into reaction: inout Reaction) {
        func relay(_ clause: Clause, to: Role, _ type: MessageType, _ parameters: Parameters) {
            reaction.apply(clause)
            reaction.relay(clause, to: to, from: .cvct, type, parameters)
        }
        switch (message.from, message.type) {
        case (.icm, .loginRequest): relay(.cvctLoginRequest, to: .ecs, .asaiLogin, message.parameters)
        case (.icm, .dropRequest): relay(.cvctDropRequest, to: .ecs, .asaiDrop, message.parameters)
        case (.icm, .logoutRequest): relay(.cvctLogoutRequest, to: .ecs, .asaiLogout, message.parameters)
        case (.ecs, .loggedIn): relay(.cvctLoggedIn, to: .icm, .loginConfirmed, message.parameters)
        case (.ecs, .loginDenied): relay(.cvctLoginDenied, to: .icm, .loginDenied, message.parameters)
        case (.ecs, .progress):
            // The words compared as they are: `ProgressState(rawValue:)`
            // compares against every state in turn, for every progress.
            let state = message[.state]
            if state == ProgressState.answered.rawValue {
                reaction.apply(.cvctAnswered)
                reaction.send(.cvctAnswered, to: .icm, from: .cvct, .answered, .extension, message[.extension], .session, message[.session])
            } else if state == ProgressState.dropped.rawValue && message[.by] == By.phone.rawValue {
                reaction.apply(.cvctDroppedByPhone)
                reaction.send(.cvctDroppedByPhone, to: .icm, from: .cvct, .dropped, .session, message[.session])
            } else {
                reaction.apply(.cvctOtherProgress)
            }
        case (.ecs, .loggedOut):
            if message[.by] == By.phone.rawValue {
                reaction.apply(.cvctLoggedOutByPhone)
                reaction.send(.cvctLoggedOutByPhone, to: .icm, from: .cvct, .agentLoggedOut,
                              .agent, message[.agent], .extension, message[.extension])
            } else {
                reaction.apply(.cvctLoggedOutByRequest)
            }
        default:
            break // The catalog routes nothing else to the CVCT.
        }
    }

    public var description: String { "stateless relay" }
}
