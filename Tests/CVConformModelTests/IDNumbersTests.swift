import CVConformTestSupport
import CVConformTrace
import Testing
@testable import CVConformModel

/// What a test's session table keeps about each session.
private struct Info: SlotInfo {
    var value: Int
    static let vacant = Info(value: -1)
}

@Suite("Integer ids: numbers for administered ids, slots for sessions")
struct IDNumbersTests {
    @Test("Ids stay strings: 0101 and 101, and ids that are prefixes of one another, get numbers of their own")
    func idsStayStrings() {
        var numbers = IDNumbers(["0101", "101", "10", "1010"])
        #expect(numbers.count == 4)
        #expect(Set(["0101", "101", "10", "1010"].compactMap(numbers.number(of:))).count == 4)
        #expect(numbers.number(of: "0101") == 0)
        #expect(numbers.number(of: "01") == nil)
        #expect(numbers.intern("101") == 1)
        #expect(numbers.intern("9") == 4)
        #expect(numbers[4] == "9")
    }

    @Test("A session's slot is reused once it ends, and two tables with the same sessions in the same slots are equal")
    func sessionSlotsAreReused() {
        var slots = SessionSlots<Info>()
        let first = slots.insert("s1", Info(value: 1))
        let second = slots.insert("s2", Info(value: 2))
        #expect(slots.insert("s1", Info(value: 9)) == first)
        slots.remove(first)
        #expect(slots.slot(of: "s1") == nil)
        #expect(slots.insert("s3", Info(value: 3)) == first)
        #expect(slots.count == 2)
        #expect(slots.name(second) == "s2")

        // The other history: s3 and s2 met in the other order.
        var other = SessionSlots<Info>()
        other.insert("s2", Info(value: 2))
        other.insert("s3", Info(value: 3))
        #expect(slots != other)
        _ = slots.renumber(in: slots.slotsByName)
        _ = other.renumber(in: other.slotsByName)
        #expect(slots == other)
        #expect(slots.isInNameOrder)
    }

    @Test("Past a few sessions the slots are found through a map by name, and stay found as sessions come and go")
    func manySessions() {
        var slots = SessionSlots<Info>()
        for index in 0..<40 { slots.insert("s\(index)", Info(value: index)) }
        for index in stride(from: 0, to: 40, by: 3) { slots.remove(slots.slot(of: "s\(index)") ?? -1) }
        for index in 40..<50 { slots.insert("s\(index)", Info(value: index)) }
        for index in 0..<50 {
            let slot = slots.slot(of: "s\(index)")
            if index < 40 && index % 3 == 0 {
                #expect(slot == nil)
            } else {
                #expect(slot.map { slots[$0].value } == index)
                #expect(slot.map { slots.name($0) } == "s\(index)")
            }
        }
        #expect(slots.count == 50 - 14)
    }

    @Test("Two histories that leave the switch and the ICM alike leave equal systems once normalised")
    func canonicalSlots() {
        let setup = Administration(agents: [.init(id: "1001", skills: ["10"])], stations: ["4001"], vdns: [.init(number: "5000", skill: "10")])
        func run(_ sessions: [String]) -> ReferenceSystem {
            var system = ReferenceSystem(administration: setup)
            for session in sessions {
                _ = system.propagate(m("customer>icm session-request session=\(session) media=realtime vdn=5000"))
            }
            system.normalizeSwitch()
            return system
        }
        // Both queue s1 and s2 (nobody is logged in); launched in the other
        // order, they are different states: queue order differs.
        #expect(run(["s1", "s2"]) != run(["s2", "s1"]))
        // A session that came and went leaves no trace: its slot is free
        // and the canonical form compacts the rest.
        var longer = ReferenceSystem(administration: setup)
        for stimulus in ["browser>icm login agent=1001 extension=4001", "customer>icm session-request session=s0 media=realtime vdn=5000",
                         "phone>ecs answer extension=4001", "phone>ecs hangup extension=4001",
                         "browser>icm logout agent=1001"] {
            _ = longer.propagate(m(stimulus))
        }
        _ = longer.propagate(m("customer>icm session-request session=s1 media=realtime vdn=5000"))
        longer.normalizeSwitch()
        var shorter = ReferenceSystem(administration: setup)
        _ = shorter.propagate(m("customer>icm session-request session=s1 media=realtime vdn=5000"))
        shorter.normalizeSwitch()
        #expect(longer == shorter)
    }

    @Test("An agent still in a session another agent's answer took keeps it by name when a new session comes")
    func heldSlotIsNotReused() {
        var icm = ICMMachine(administration: Administration(agents: [.init(id: "1001", skills: []), .init(id: "1002", skills: [])],
                                                              stations: ["4001", "4002"], vdns: []))
        icm.feed("cvct>icm login-confirmed agent=1001 extension=4001")
        icm.feed("cvct>icm login-confirmed agent=1002 extension=4002")
        icm.feed("customer>icm session-request session=s1 media=realtime vdn=5000")
        icm.feed("cvct>icm answered session=s1 extension=4001")
        // Only a mutant's message does this: s1 answered at a second phone.
        icm.feed("cvct>icm answered session=s1 extension=4002")
        icm.feed("browser>icm release agent=1002 session=s1 button=drop")
        #expect(!icm.holds(session: "s1"))
        icm.feed("customer>icm session-request session=s2 media=messaging vdn=5000")
        #expect(icm.session(of: "1001") == "s1")
        #expect(icm.media(of: "s2") == "messaging")
        #expect(icm.description == "agents logged in: 1001 at 4001 with s1 (unknown media), 1002 at 4002")
    }
}
