import CVConformHarness
import Synchronization

/// A request, from outside a long run (Ctrl-C), to stop early and still
/// report what was done.
public final class StopRequest: Sendable {
    private let requested = Atomic<Bool>(false)

    public init() {}

    public func request() { requested.store(true, ordering: .relaxed) }

    public var isRequested: Bool { requested.load(ordering: .relaxed) }
}
