import CVConformHarness
import CVConformWire
import CVConformModel

/// An implementation the exploration drives, with what it learnt on the
/// way (which situations are safe to step without a copy, EXP-6).
struct ExplorationWorker: Sendable {
    var implementation: ImplementationUnderTest
    var greeting: Greeting
    var risks = SituationRisks()
    /// Its last run ended in a harness failure: it may be dead, so it is
    /// replaced before it runs again.
    var isBroken = false
}
