/// A set of digit strings (agent ids, extensions, VDN numbers), for finding
/// one given twice in a setup of tens of thousands: a `DigitMap` whose
/// values say nothing.
struct DigitSet {
    private var map = DigitMap()

    /// Adds `digits` (a non-empty string of ASCII digits); false when it was
    /// there already.
    mutating func insert(_ digits: String) -> Bool {
        map.updateValue(0, forKey: digits) == nil
    }
}
