import CVConformHarness
import CVConformModel
import CVConformTrace

/// How a load run goes (contract section 7, `load`).
package struct LoadOptions: Sendable {
    package var cells: Int
    /// Stimuli per second over all cells (open loop); nil: each cell sends
    /// its next stimulus as soon as the previous one's outputs are in
    /// (closed loop).
    package var rate: Double?
    package var duration: Duration
    package var seed: UInt64
    package var profile: Profile
    package var replay: ReplayOptions
    /// Cells race within themselves too (contract section 8, `load --races`).
    package var races = false
    /// On how many cores the cells' outputs are judged, the cells dealt
    /// among them; nil: every core.
    package var judgingCores: Int?
    /// Fewer outputs than this waiting are judged on the driver's core:
    /// handing a few to another core would cost more than it saves.
    package var judgingSharedFrom = 64

    package init(cells: Int = 50, rate: Double? = nil, duration: Duration = .seconds(10), seed: UInt64 = 1,
                profile: Profile = .core, replay: ReplayOptions = ReplayOptions()) {
        self.cells = cells
        self.rate = rate
        self.duration = duration
        self.seed = seed
        self.profile = profile
        self.replay = replay
    }
}
