/// Whether two values hold the very same storage: a copy that nothing has
/// changed since it was made. Cheaper than comparing values, and stricter:
/// `verify` asks it of every transition, most of which change nothing.
extension Array {
    func sharesStorage(with other: Array) -> Bool {
        count == other.count && withUnsafeBufferPointer { mine in
            other.withUnsafeBufferPointer { theirs in mine.baseAddress == theirs.baseAddress }
        }
    }
}
