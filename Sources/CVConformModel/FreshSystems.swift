import CVConformTrace
import Synchronization

/// Systems as their administrations start them, built once each: a fresh
/// system is a copy of one (the numbered administration is shared, not
/// numbered again). Bounded: a search that meets ever new administrations
/// keeps the latest few hundred.
final class FreshSystems: Sendable {
    static let shared = FreshSystems()

    private static let capacity = 256
    private let systems = Mutex<[Administration: ReferenceSystem]>([:])

    func system(for administration: Administration) -> ReferenceSystem {
        if let system = systems.withLock({ $0[administration] }) { return system }
        // Built outside the lock: two threads may both build it, and either
        // copy is the same system.
        let system = ReferenceSystem(building: administration)
        systems.withLock { cached in
            if cached.count >= Self.capacity { cached.removeAll(keepingCapacity: true) }
            cached[administration] = system
        }
        return system
    }
}
