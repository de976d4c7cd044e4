import CVConformTestSupport
import CVConformTrace
@testable import CVConformModel

/// `browser>icm login agent=1001 extension=4001`

let administration = Administration(
    agents: [
        .init(id: "1001", skills: ["10", "20"]),
        .init(id: "1002", skills: ["10"]),
        .init(id: "1003", skills: ["30"]),
        .init(id: "0101", skills: ["10"]),
    ],
    stations: ["4001", "4002", "4003", "4004"],
    vdns: [.init(number: "5000", skill: "10"), .init(number: "5001", skill: "20"), .init(number: "5003", skill: "30")]
)

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
