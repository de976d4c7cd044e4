import CVConformHarness
import CVConformTrace
import Testing
@testable import CVConformExploration

@Suite("A finding's headline names the values it got wrong")
struct FindingHeadlineTests {
    @Test("An alert at the wrong extension says which, and which was expected")
    func wrongExtension() throws {
        let got = try Message(compact: "ecs>phone alert session=s1 extension=4002")
        let wanted = try Message(compact: "ecs>phone alert session=s1 extension=4001")
        let divergence = Divergence(kind: .unexpected(got), expectedIndex: 9, expected: wanted)
        #expect(Finding.headline(divergence) == "alert on ecs→phone for extension 4002, where extension 4001 was expected")
    }

    @Test("Another type, a missing message or an extra one keep the failure's kind")
    func otherKinds() throws {
        let got = try Message(compact: "ecs>phone clear session=s1 extension=4001")
        let wanted = try Message(compact: "ecs>phone alert session=s1 extension=4001")
        #expect(Finding.headline(Divergence(kind: .unexpected(got), expectedIndex: 9, expected: wanted)) == nil)
        #expect(Finding.headline(Divergence(kind: .missing, expectedIndex: 9, expected: wanted)) == nil)
        #expect(Finding.headline(Divergence(kind: .extra(got), expectedIndex: nil, expected: nil)) == nil)
    }
}
