import CVConformTestSupport
import CVConformTrace
@testable import CVConformModel

/// The administration of the machines' tests.
let administration = sampleAdministration

extension Reaction {
    /// The messages sent, in compact form.
    var sent: [String] { emissions.map(\.message.compact) }
}

extension RoleMachine {
    /// Feeds messages and returns the last reaction.
    @discardableResult
    mutating func feed(_ texts: String...) -> Reaction {
        var last = Reaction()
        for text in texts { last = receive(m(text)) }
        return last
    }
}

extension ECSMachine {
    /// Logs agents in (agent@extension pairs) without checking the outputs.
    static func with(_ logins: String...) -> ECSMachine {
        var ecs = ECSMachine(administration: administration)
        for login in logins {
            let parts = login.split(separator: "@")
            ecs.feed("cvct>ecs asai-login agent=\(parts[0]) extension=\(parts[1])")
        }
        return ecs
    }
}
