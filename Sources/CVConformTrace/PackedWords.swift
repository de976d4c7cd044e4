/// The first 16 bytes of a text as two little-endian words, zeros after
/// its end: how `WordIndex`, check-log's `CellIDBytes` and `SessionCells`
/// compare short words and ids, two words at a time (BENCHMARKS.md, "Why
/// the code is as it is"). Inlinable: called for every id of a log line,
/// from other modules.
package enum PackedWords {
    /// The first 16 bytes, as two little-endian words, zeros after the
    /// end. Read a word at a time, never past the end: loads that overlap,
    /// shifted (a loop over the bytes was half of a look-up).
    @inlinable @inline(__always)
    package static func pack(_ text: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        let count = text.count
        guard let base = text.baseAddress.map(UnsafeRawPointer.init) else { return (0, 0) }
        func word(at offset: Int) -> UInt64 { UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        if count >= 16 { return (word(at: 0), word(at: 8)) }
        if count > 8 { return (word(at: 0), word(at: count &- 8) &>> UInt64((16 &- count) &* 8)) }
        if count == 8 { return (word(at: 0), 0) }
        if count >= 4 {
            // Bytes 0–3 and count-4 … count-1: where they overlap, the
            // same bytes.
            let first = UInt64(UInt32(littleEndian: base.loadUnaligned(as: UInt32.self)))
            let last = UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)))
            return (first | last &<< UInt64((count &- 4) &* 8), 0)
        }
        var low: UInt64 = 0
        for index in 0..<count { low |= UInt64(text[index]) &<< UInt64(index &* 8) }
        return (low, 0)
    }

    /// A packed text's hash for an open-addressing table: its two words
    /// and its length folded by two 128-bit multiplies under the table's
    /// seed (drawn at random, so input cannot aim its texts at one slot).
    @inlinable @inline(__always)
    package static func hash(low: UInt64, high: UInt64, length: Int, seed: UInt64) -> UInt64 {
        let first = (low ^ seed).multipliedFullWidth(by: 0x9E37_79B9_7F4A_7C15)
        let second = (high ^ first.high ^ first.low ^ UInt64(truncatingIfNeeded: length)).multipliedFullWidth(by: 0xE703_7ED1_A0B4_28DB)
        return second.high ^ second.low
    }
}
