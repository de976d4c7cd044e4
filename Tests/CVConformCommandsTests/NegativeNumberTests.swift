import CVConformTestSupport
import Testing

/// A negative number after a numeric option is that option's value, so the
/// user hears what range it takes, not that the value is missing (by
/// default the argument parser reads "-1" as another option).
@Suite("Negative numbers given to numeric options", .tags(.endToEnd))
struct NegativeNumberTests {
    @Test("Each is checked against its range and named, never reported missing", arguments: [
        ["explore", "--time", "-1"], ["explore", "--steps", "-5"], ["explore", "--shrink-time", "-1"],
        ["explore", "--confirmations", "-1"], ["run", "traces", "--timeout", "-1"], ["run", "traces", "--jobs", "-2"],
        ["run", "traces", "--quiet-period", "-1"], ["run", "traces", "--startup-timeout", "-1"],
        ["validate", "traces", "--jobs", "-1"], ["load", "--cells", "-3"], ["load", "--rate", "-3"], ["load", "--duration", "-1"],
        ["mutate", "traces", "--min-score", "-0.5"], ["mutate", "traces", "--depth", "-1"], ["mutate", "traces", "--jobs", "-1"],
        ["mutate", "traces", "--explore-steps", "-1"], ["generate", "--output", "/tmp/never-written", "--depth", "-1"],
        ["check-log", "-", "--window", "-1"],
    ])
    func negative(_ arguments: [String]) async throws {
        let result = try await cvconform(arguments)
        let option = arguments[arguments.count - 2]
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.contains("Missing value"), "\(arguments): \(result.stderr)")
        #expect(result.stderr.hasPrefix("Error: \(option)"), "\(arguments): \(result.stderr)")
    }
}
