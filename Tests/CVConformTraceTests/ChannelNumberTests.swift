import Testing
@testable import CVConformTrace

@Suite("Every channel has its own small number")
struct ChannelNumberTests {
    @Test("Role.count is the number of roles, and every pair of roles has a number of its own below Channel.count")
    func numbersAreDistinctAndSmall() {
        #expect(Role.count == Role.allCases.count)
        var seen = Set<Int>()
        for from in Role.allCases {
            for to in Role.allCases {
                let number = Channel(from: from, to: to).number
                #expect((0..<Channel.count).contains(number))
                #expect(seen.insert(number).inserted, "\(from)→\(to)")
            }
        }
        #expect(seen.count == Channel.count)
    }
}
