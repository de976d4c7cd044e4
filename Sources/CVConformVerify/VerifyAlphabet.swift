import CVConformModel
import CVConformTrace

/// Every stimulus the environment may send over a universe, and which of
/// them a state allows: logins of each agent (and an unknown one) at each
/// station (and an unknown one), logouts, releases of each requested
/// session with each button, the next session of each media to each VDN,
/// and each phone button at each station. Profile `extended` adds a
/// session to an unknown VDN and a session id used again.
struct VerifyAlphabet: Sendable {
    let stimuli: [Message]
    /// For each count of sessions requested so far, the stimuli allowed.
    let allowed: [[UInt16]]

    init(universe: Universe, profile: Profile) {
        var stimuli: [Message] = []
        var requestOf: [Int?] = []
        var releaseOf: [Int?] = []
        func add(_ message: Message, request: Int? = nil, release: Int? = nil) {
            stimuli.append(message)
            requestOf.append(request)
            releaseOf.append(release)
        }
        for agent in universe.agentIDs + [Universe.unknownAgent] {
            for station in universe.stationIDs + [Universe.unknownStation] {
                add(Message(from: .browser, to: .icm, type: .login, parameters: ["agent": agent, "extension": station]))
            }
        }
        for agent in universe.agentIDs {
            add(Message(from: .browser, to: .icm, type: .logout, parameters: ["agent": agent]))
        }
        for (index, session) in universe.sessionIDs.enumerated() {
            for agent in universe.agentIDs {
                for button in Button.allCases.map(\.rawValue) {
                    add(Message(from: .browser, to: .icm, type: .release, parameters: ["agent": agent, "session": session, "button": button]),
                        release: index)
                }
            }
            let vdns = universe.vdnNumbers + (profile == .extended ? [Universe.unknownVDN] : [])
            for vdn in vdns {
                for media in Media.allCases.map(\.rawValue) {
                    add(Message(from: .customer, to: .icm, type: .sessionRequest, parameters: ["session": session, "media": media, "vdn": vdn]),
                        request: index)
                }
            }
        }
        for station in universe.stationIDs {
            for type in [MessageType.answer, .hangup, .logoutFeature] {
                add(Message(from: .phone, to: .ecs, type: type, parameters: ["extension": station]))
            }
        }
        self.stimuli = stimuli
        allowed = (0...universe.sessions).map { requested in
            stimuli.indices.filter { index in
                if let session = requestOf[index] {
                    return session == requested || (profile == .extended && session < requested)
                }
                if let session = releaseOf[index] { return session < requested }
                return true
            }.map { UInt16($0) }
        }
        self.requestOf = requestOf
        self.releaseOf = releaseOf
    }

    /// For each stimulus, the session index it requests (nil for others).
    let requestOf: [Int?]
    /// For each stimulus, the session index it releases (nil for others).
    let releaseOf: [Int?]

    /// The sessions requested after a stimulus: one more when it requests
    /// the next fresh id.
    func requested(after stimulus: Int, _ requested: Int) -> Int {
        requestOf[stimulus] == requested ? requested + 1 : requested
    }
}
