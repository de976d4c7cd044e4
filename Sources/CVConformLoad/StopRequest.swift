import CVConformHarness
import Synchronization

/// A request, from outside a long run (Ctrl-C), to stop early and still
/// report what was done.
package final class StopRequest: Sendable {
    private let requested = Atomic<Bool>(false)

    package init() {}

    package func request() { requested.store(true, ordering: .relaxed) }

    package var isRequested: Bool { requested.load(ordering: .relaxed) }
}
