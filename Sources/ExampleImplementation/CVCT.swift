// The CentreVu Computer-Telephony server: a relay between the ICM and the
// ECS's ASAI link. It keeps no state: every reaction depends on the message
// alone. What it leaves out matters as much as what it passes on — a drop or
// a logout the ICM asked for is never reported back to the ICM.

actor CVCT: Server {
    private let fault: Fault?

    init(fault: Fault?) {
        self.fault = fault
    }

    func receive(_ message: Message) -> [Message] {
        let p = message.params
        switch (message.from, message.type) {
        // ICM → ECS: requests, passed on with the same parameters.
        case (.icm, "login-request"):
            return [Message(.cvct, .ecs, "asai-login", p)]
        case (.icm, "drop-request"):
            return [Message(.cvct, .ecs, "asai-drop", p)]
        case (.icm, "logout-request"):
            return [Message(.cvct, .ecs, "asai-logout", p)]

        // ECS → ICM: the verdicts on logins.
        case (.ecs, "logged-in"):
            return [Message(.cvct, .icm, "login-confirmed", p)]
        case (.ecs, "login-denied"):
            return [Message(.cvct, .icm, "login-denied", p)]

        // ECS → ICM: only the progress the ICM needs. The answer tells it
        // which agent to connect; a hang-up tells it the session is over.
        // Offered, queued and alerting are the switch's business, and a drop
        // by request is one the ICM started itself.
        case (.ecs, "progress"):
            guard let session = p["session"] else { return [] }
            switch (p["state"], p["by"]) {
            case ("answered", _):
                guard let station = p["extension"] else { return [] }
                return [Message(.cvct, .icm, "answered", ["session": session, "extension": station])]
            case ("dropped", "phone"):
                return [Message(.cvct, .icm, "dropped", ["session": session])]
            case ("dropped", "request") where fault == .echoDrop:
                return [Message(.cvct, .icm, "dropped", ["session": session])]
            default:
                return []
            }

        // ECS → ICM: a logout at the phone must close the agent's window; a
        // logout by request was the ICM's own idea.
        case (.ecs, "logged-out"):
            guard p["by"] == "phone", let agent = p["agent"], let station = p["extension"] else { return [] }
            return [Message(.cvct, .icm, "agent-logged-out", ["agent": agent, "extension": station])]

        default:
            diagnose("CVCT ignored \(message)")
            return []
        }
    }
}
