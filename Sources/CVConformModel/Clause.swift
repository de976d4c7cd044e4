import CVConformTrace

/// The clauses of `spec/requirements.md` that the role machines cite. Every
/// transition names the clause that decides it, so reports can say which rule
/// a run broke and validate can say which rules a suite leaves untested.
public enum Clause: String, CaseIterable, Hashable, Sendable, Comparable {
    // ECS (contract rules E1-E9)
    case ecsLoginUnknownAgent = "ECS-LOGIN-1"
    case ecsLoginUnknownExtension = "ECS-LOGIN-2"
    case ecsLoginAgentLoggedIn = "ECS-LOGIN-3"
    case ecsLoginExtensionInUse = "ECS-LOGIN-4"
    case ecsLoginAccepted = "ECS-LOGIN-5"
    case ecsLaunchDelivered = "ECS-LAUNCH-1"
    case ecsLaunchQueued = "ECS-LAUNCH-2"
    case ecsMostIdle = "ECS-IDLE-1"
    case ecsDeliver = "ECS-DELIVER-1"
    case ecsDispatch = "ECS-DISPATCH-1"
    case ecsAnswer = "ECS-ANSWER-1"
    case ecsAnswerIgnored = "ECS-ANSWER-2"
    case ecsHangup = "ECS-HANGUP-1"
    case ecsHangupIgnored = "ECS-HANGUP-2"
    case ecsDrop = "ECS-DROP-1"
    case ecsDropIgnored = "ECS-DROP-2"
    case ecsLogout = "ECS-LOGOUT-1"
    case ecsLogoutIgnored = "ECS-LOGOUT-2"
    case ecsLogoutFeature = "ECS-FEATURE-1"
    case ecsLogoutFeatureIgnored = "ECS-FEATURE-2"
    // CVCT (the relay)
    case cvctLoginRequest = "CVCT-1"
    case cvctDropRequest = "CVCT-2"
    case cvctLogoutRequest = "CVCT-3"
    case cvctLoggedIn = "CVCT-4"
    case cvctLoginDenied = "CVCT-5"
    case cvctAnswered = "CVCT-6"
    case cvctDroppedByPhone = "CVCT-7"
    case cvctOtherProgress = "CVCT-8"
    case cvctLoggedOutByPhone = "CVCT-9"
    case cvctLoggedOutByRequest = "CVCT-10"
    // ICM (contract rules I1-I9)
    case icmLogin = "ICM-LOGIN-1"
    case icmLoginConfirmed = "ICM-LOGIN-2"
    case icmLoginDenied = "ICM-LOGIN-3"
    case icmSessionRequest = "ICM-LAUNCH-1"
    case icmAnswered = "ICM-ANSWER-1"
    case icmReleaseDrop = "ICM-RELEASE-1"
    case icmReleaseClose = "ICM-RELEASE-2"
    case icmReleaseSuspend = "ICM-RELEASE-3"
    case icmReleaseIgnored = "ICM-RELEASE-4"
    case icmDropped = "ICM-HANGUP-1"
    case icmDroppedIgnored = "ICM-HANGUP-2"
    case icmLogout = "ICM-LOGOUT-1"
    case icmLogoutIgnored = "ICM-LOGOUT-2"
    case icmAgentLoggedOut = "ICM-PHONE-LOGOUT-1"
    // Profile `extended`: the project's decisions where the contract is silent.
    case extLaunchUnknownVDN = "EXT-1"
    case extLogoutWhileAlerting = "EXT-2"
    case extLogoutWhileConnected = "EXT-3"
    case extLogoutFeatureWhileBusy = "EXT-4"
    case extBrowserLogoutWithSession = "EXT-5"
    case extAnsweredWithoutIdleAgent = "EXT-6"
    case extLaunchActiveSession = "EXT-7"
    case extLoginConfirmedAgain = "EXT-8"

    public var id: String { rawValue }

    /// The clause's place in `allCases`, without hashing or comparing its
    /// string: a case-only enum is stored as its declaration index.
    public var ordinal: Int { Int(withUnsafeBytes(of: self) { $0[0] }) }

    /// Every clause at its ordinal. (`allCases` builds its array anew at
    /// each use.)
    public static let byOrdinal: [Clause] = allCases

    /// The role whose behaviour the clause decides.
    public var role: Role {
        switch self {
        case .ecsLoginUnknownAgent, .ecsLoginUnknownExtension, .ecsLoginAgentLoggedIn, .ecsLoginExtensionInUse,
             .ecsLoginAccepted, .ecsLaunchDelivered, .ecsLaunchQueued, .ecsMostIdle, .ecsDeliver, .ecsDispatch,
             .ecsAnswer, .ecsAnswerIgnored, .ecsHangup, .ecsHangupIgnored, .ecsDrop, .ecsDropIgnored, .ecsLogout,
             .ecsLogoutIgnored, .ecsLogoutFeature, .ecsLogoutFeatureIgnored, .extLaunchUnknownVDN,
             .extLogoutWhileAlerting, .extLogoutWhileConnected, .extLogoutFeatureWhileBusy, .extLaunchActiveSession:
            return .ecs
        case .cvctLoginRequest, .cvctDropRequest, .cvctLogoutRequest, .cvctLoggedIn, .cvctLoginDenied, .cvctAnswered,
             .cvctDroppedByPhone, .cvctOtherProgress, .cvctLoggedOutByPhone, .cvctLoggedOutByRequest:
            return .cvct
        case .icmLogin, .icmLoginConfirmed, .icmLoginDenied, .icmSessionRequest, .icmAnswered, .icmReleaseDrop,
             .icmReleaseClose, .icmReleaseSuspend, .icmReleaseIgnored, .icmDropped, .icmDroppedIgnored, .icmLogout,
             .icmLogoutIgnored, .icmAgentLoggedOut, .extBrowserLogoutWithSession, .extAnsweredWithoutIdleAgent,
             .extLoginConfirmedAgain:
            return .icm
        }
    }

    /// `core` clauses restate the contract; `extended` ones decide what it
    /// leaves unspecified.
    /// (The extended clauses are declared last, so the ordinal tells, with
    /// no string looked at: this runs for every message judged.)
    public var profile: Profile { ordinal >= Clause.firstExtendedOrdinal ? .extended : .core }

    /// The ordinal of the first `extended` clause: every later one is too.
    static var firstExtendedOrdinal: Int { Clause.extLaunchUnknownVDN.ordinal }

    /// Clauses only racing messages can reach. No trace meant for `run` can
    /// exercise them, so coverage does not ask for them; unit tests do.
    public var isRaceOnly: Bool {
        switch self {
        case .ecsDropIgnored, .ecsLogoutIgnored, .icmDroppedIgnored, .extLogoutWhileConnected, .extAnsweredWithoutIdleAgent,
             .extLoginConfirmedAgain:
            return true
        default:
            return false
        }
    }

    /// One line saying what the clause requires.
    public var summary: String {
        switch self {
        case .ecsLoginUnknownAgent: return "asai-login of an agent that is not administered: login-denied unknown-agent"
        case .ecsLoginUnknownExtension: return "asai-login at an extension that is not a station: login-denied unknown-extension"
        case .ecsLoginAgentLoggedIn: return "asai-login of an agent already logged in anywhere: login-denied agent-logged-in"
        case .ecsLoginExtensionInUse: return "asai-login at an extension where another agent is logged in: login-denied extension-in-use"
        case .ecsLoginAccepted: return "asai-login accepted: logged-in, the agent becomes available, then dispatch"
        case .ecsLaunchDelivered: return "launch: progress offered, then delivery to the most idle available agent with the VDN's skill"
        case .ecsLaunchQueued: return "launch with no available agent having the skill: progress offered, then queued"
        case .ecsMostIdle: return "most idle: the available agent with the skill that became available earliest"
        case .ecsDeliver: return "deliver: the agent is alerting; alert to the phone and progress alerting"
        case .ecsDispatch: return "dispatch: an agent that becomes available gets the earliest queued session for any of its skills"
        case .ecsAnswer: return "answer at an alerting extension: connected, progress answered"
        case .ecsAnswerIgnored: return "answer at an extension that is not alerting: ignored"
        case .ecsHangup: return "hangup at a connected extension: session ends, progress dropped by phone, available, dispatch"
        case .ecsHangupIgnored: return "hangup at an extension that is not connected: ignored"
        case .ecsDrop: return "asai-drop of a session connected at the extension: clear, progress dropped by request, available, dispatch"
        case .ecsDropIgnored: return "asai-drop of a session not connected at the extension: ignored"
        case .ecsLogout: return "asai-logout of an idle agent logged in at the extension: logged-out by request"
        case .ecsLogoutIgnored: return "asai-logout of an agent not logged in at the extension: ignored"
        case .ecsLogoutFeature: return "logout-feature at an extension with an idle agent: logged-out by phone"
        case .ecsLogoutFeatureIgnored: return "logout-feature at an extension with no agent: ignored"
        case .cvctLoginRequest: return "login-request is relayed as asai-login"
        case .cvctDropRequest: return "drop-request is relayed as asai-drop"
        case .cvctLogoutRequest: return "logout-request is relayed as asai-logout"
        case .cvctLoggedIn: return "logged-in is relayed as login-confirmed"
        case .cvctLoginDenied: return "login-denied from the ECS is relayed to the ICM"
        case .cvctAnswered: return "progress answered is relayed as answered"
        case .cvctDroppedByPhone: return "progress dropped by phone is relayed as dropped"
        case .cvctOtherProgress: return "every other progress (offered, queued, alerting, dropped by request): nothing"
        case .cvctLoggedOutByPhone: return "logged-out by phone is relayed as agent-logged-out"
        case .cvctLoggedOutByRequest: return "logged-out by request: nothing"
        case .icmLogin: return "login is sent on as login-request"
        case .icmLoginConfirmed: return "login-confirmed: the agent is logged in at the extension; acw-open"
        case .icmLoginDenied: return "login-denied: login-failed with the cause; an earlier login stays"
        case .icmSessionRequest: return "session-request is launched to the VDN"
        case .icmAnswered: return "answered: the agent logged in at the extension has the session; connect"
        case .icmReleaseDrop: return "release drop of the agent's realtime session: drop-request, disconnect dropped"
        case .icmReleaseClose: return "release close of the agent's messaging session: drop-request, disconnect closed"
        case .icmReleaseSuspend: return "release suspend of the agent's messaging session: drop-request, disconnect suspended"
        case .icmReleaseIgnored: return "release of a session the agent does not have, or with a button that does not fit its media: ignored"
        case .icmDropped: return "dropped of an agent's session: disconnect hangup"
        case .icmDroppedIgnored: return "dropped of a session no agent has: ignored"
        case .icmLogout: return "logout of an agent logged in with no session: logout-request, acw-close"
        case .icmLogoutIgnored: return "logout of an agent that is not logged in: ignored"
        case .icmAgentLoggedOut: return "agent-logged-out: acw-close; the agent is logged out"
        case .extLaunchUnknownVDN: return "launch to a VDN that is not administered: ignored"
        case .extLogoutWhileAlerting: return "asai-logout of an alerting agent: clear, logged-out by request, the session is delivered again or queued"
        case .extLogoutWhileConnected: return "asai-logout of a connected agent: ignored"
        case .extLogoutFeatureWhileBusy: return "logout-feature at an extension whose agent is alerting or connected: ignored"
        case .extBrowserLogoutWithSession: return "browser logout of an agent that has a session: ignored"
        case .extAnsweredWithoutIdleAgent: return "answered at an extension with no agent, or whose agent has a session: ignored"
        case .extLaunchActiveSession: return "launch of a session id already active at the ECS: ignored"
        case .extLoginConfirmedAgain: return "login-confirmed for an agent already logged in: I2 applies as written"
        }
    }

    public static func < (lhs: Clause, rhs: Clause) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }

    /// The clauses whose rule sends a message like this one: what a person
    /// should read when such a message comes although nothing owes it.
    /// Derived from the machines (`EmissionTable`), never written by hand.
    public static func sending(_ message: Message) -> [Clause] {
        EmissionTable.reference.clauses(sending: message)
    }
}
