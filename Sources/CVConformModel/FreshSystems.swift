import CVConformTrace
import Synchronization

/// Systems as their administrations start them, built once each: a fresh
/// system is a copy of one (the numbered administration is shared, not
/// numbered again). Bounded: a search that meets ever new administrations
/// keeps the latest few hundred.
final class FreshSystems: Sendable {
    static let shared = FreshSystems()

    private static let capacity = 256
    /// Larger administrations are built each time: hashing one to find it
    /// costs about what building it does (a setup of 80,000 agents took
    /// 4× xmllint's time to validate, `Scripts/probe-sizes`), and the
    /// work that starts many systems (mutation analysis, exploration) uses
    /// small ones.
    private static let largestCached = 256
    private let systems = Mutex<[Administration: ReferenceSystem]>([:])

    func system(for administration: Administration) -> ReferenceSystem {
        guard administration.agents.count + administration.stations.count + administration.vdns.count <= Self.largestCached else {
            return ReferenceSystem(building: administration)
        }
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
