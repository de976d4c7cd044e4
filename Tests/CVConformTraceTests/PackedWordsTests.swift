import Testing
@testable import CVConformTrace

@Suite("Short words and ids packed in two words")
struct PackedWordsTests {
    @Test("Packing reads every length 0–20 as the bytes one by one would, whatever lies after them")
    func packMatchesBytes() {
        // A fixed sequence of bytes (xorshift), so every run checks the same.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func nextByte() -> UInt8 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        for count in 0...20 {
            for _ in 0..<50 {
                // Bytes after the text that packing must not take in.
                let buffer = (0..<count + 8).map { _ in nextByte() }
                var expected: (UInt64, UInt64) = (0, 0)
                for index in 0..<min(count, 16) {
                    if index < 8 {
                        expected.0 |= UInt64(buffer[index]) << UInt64(index * 8)
                    } else {
                        expected.1 |= UInt64(buffer[index]) << UInt64((index - 8) * 8)
                    }
                }
                let packed = buffer.withUnsafeBufferPointer { PackedWords.pack(UnsafeBufferPointer(rebasing: $0[..<count])) }
                #expect(packed == expected, "\(count) bytes: \(buffer.prefix(count))")
            }
        }
    }
}
