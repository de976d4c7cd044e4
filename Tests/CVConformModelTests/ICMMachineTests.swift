import CVConformTrace
import Testing
@testable import CVConformModel

@Suite("ICM machine: I1-I9 and the extended decisions")
struct ICMMachineTests {
    /// An ICM with 1001 logged in at 4001.
    func loggedIn() -> ICMMachine {
        var icm = ICMMachine(administration: administration)
        icm.feed("cvct>icm login-confirmed agent=1001 extension=4001")
        return icm
    }

    /// An ICM with 1001 connected to s1 of the given media.
    func inSession(media: String) -> ICMMachine {
        var icm = loggedIn()
        icm.feed("customer>icm session-request session=s1 media=\(media) vdn=5000",
                 "cvct>icm answered session=s1 extension=4001")
        return icm
    }

    @Test("I1: login is always sent on, even for a logged-in agent")
    func login() {
        var icm = loggedIn()
        #expect(icm.feed("browser>icm login agent=1001 extension=4002").sent == ["icm>cvct login-request agent=1001 extension=4002"])
    }

    @Test("I2, I3: confirmation opens the ACW; a denial reports the cause and keeps an earlier login")
    func confirmAndDeny() {
        var icm = ICMMachine(administration: administration)
        #expect(icm.feed("cvct>icm login-confirmed agent=1001 extension=4001").sent == ["icm>browser acw-open agent=1001"])
        let denied = icm.feed("cvct>icm login-denied agent=1001 extension=4002 cause=agent-logged-in")
        #expect(denied.sent == ["icm>browser login-failed agent=1001 cause=agent-logged-in"])
        icm.feed("customer>icm session-request session=s1 media=realtime vdn=5000")
        #expect(icm.feed("cvct>icm answered session=s1 extension=4001").sent == ["icm>browser connect agent=1001 session=s1"])
    }

    @Test("I4: session-request is launched to the VDN")
    func sessionRequest() {
        var icm = ICMMachine(administration: administration)
        #expect(icm.feed("customer>icm session-request session=s1 media=messaging vdn=5000").sent
            == ["icm>ecs launch session=s1 vdn=5000 media=messaging"])
    }

    @Test("I5: answered connects the agent logged in at the extension")
    func answered() {
        var icm = ICMMachine(administration: administration)
        icm.feed("cvct>icm login-confirmed agent=1001 extension=4001", "cvct>icm login-confirmed agent=1002 extension=4002")
        icm.feed("customer>icm session-request session=s1 media=realtime vdn=5000")
        #expect(icm.feed("cvct>icm answered session=s1 extension=4002").sent == ["icm>browser connect agent=1002 session=s1"])
    }

    @Test("I6: each button that fits its media releases the session", arguments: [
        ("realtime", "drop", "dropped", Clause.icmReleaseDrop),
        ("messaging", "close", "closed", .icmReleaseClose),
        ("messaging", "suspend", "suspended", .icmReleaseSuspend),
    ])
    func release(media: String, button: String, reason: String, clause: Clause) {
        var icm = inSession(media: media)
        let reaction = icm.feed("browser>icm release agent=1001 session=s1 button=\(button)")
        #expect(reaction.sent == [
            "icm>cvct drop-request session=s1 extension=4001",
            "icm>browser disconnect agent=1001 session=s1 reason=\(reason)",
        ])
        #expect(reaction.clauses == [clause])
        #expect(icm.feed("browser>icm release agent=1001 session=s1 button=\(button)").sent.isEmpty, "the session ended")
        #expect(icm.feed("cvct>icm dropped session=s1").sent.isEmpty, "no disconnect for an ended session")
    }

    @Test("I6: a button that does not fit the media, another agent or another session: ignored", arguments: [
        ("realtime", "close"), ("realtime", "suspend"), ("messaging", "drop"),
    ])
    func releaseIgnored(media: String, button: String) {
        var icm = inSession(media: media)
        #expect(icm.feed("browser>icm release agent=1001 session=s1 button=\(button)").clauses == [.icmReleaseIgnored])
        #expect(icm.feed("browser>icm release agent=1002 session=s1 button=drop").sent.isEmpty)
        #expect(icm.feed("browser>icm release agent=1001 session=s2 button=close").sent.isEmpty)
        #expect(icm.feed("cvct>icm dropped session=s1").sent == ["icm>browser disconnect agent=1001 session=s1 reason=hangup"])
    }

    @Test("I7: dropped of a session no agent has is ignored")
    func droppedIgnored() {
        var icm = loggedIn()
        #expect(icm.feed("cvct>icm dropped session=s1").clauses == [.icmDroppedIgnored])
    }

    @Test("I8: logout with no session; not logged in: ignored; with a session: ignored (EXT-5)")
    func logout() {
        var icm = ICMMachine(administration: administration)
        #expect(icm.feed("browser>icm logout agent=1001").clauses == [.icmLogoutIgnored])
        icm = inSession(media: "realtime")
        #expect(icm.feed("browser>icm logout agent=1001").clauses == [.extBrowserLogoutWithSession])
        icm.feed("cvct>icm dropped session=s1")
        #expect(icm.feed("browser>icm logout agent=1001").sent == [
            "icm>cvct logout-request agent=1001 extension=4001", "icm>browser acw-close agent=1001",
        ])
        #expect(icm.feed("browser>icm logout agent=1001").sent.isEmpty)
    }

    @Test("I9: agent-logged-out closes the ACW and logs the agent out")
    func agentLoggedOut() {
        var icm = loggedIn()
        #expect(icm.feed("cvct>icm agent-logged-out agent=1001 extension=4001").sent == ["icm>browser acw-close agent=1001"])
        #expect(icm.feed("browser>icm logout agent=1001").sent.isEmpty)
        icm.feed("customer>icm session-request session=s1 media=realtime vdn=5000")
        #expect(icm.feed("cvct>icm answered session=s1 extension=4001").clauses == [.extAnsweredWithoutIdleAgent])
    }

    @Test("EXT-6, EXT-8: racing answered and login-confirmed")
    func races() {
        var icm = inSession(media: "realtime")
        #expect(icm.feed("cvct>icm answered session=s2 extension=4001").clauses == [.extAnsweredWithoutIdleAgent])
        #expect(icm.feed("cvct>icm login-confirmed agent=1001 extension=4001").clauses == [.extLoginConfirmedAgain, .icmLoginConfirmed])
    }
}
