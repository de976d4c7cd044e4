import CVConformTrace

/// A dictionary keyed by the ids messages carry (agents, extensions,
/// sessions, skills, VDNs), as the role machines keep their state and the
/// cells find where a message belongs.
///
/// Why not `[String: Value]`: judging a log of a million messages looks ids
/// up about ten times a message, and String's SipHash (a hasher seeded,
/// fed and finalised for each look-up) was a sixth of the judging. An
/// `IDKey` hashes the id's bytes in one pass with a seeded multiply-mix
/// instead: half the cost of a look-up (measured with `swiftc -O` on 2,000
/// session ids: 20 ns against 37–60 ns). The seed is drawn once per
/// process and mixed with the dictionary's own, so input cannot aim its ids
/// at one bucket.
///
/// It reads like a dictionary: subscripts that change values in place,
/// `removeValue(forKey:)`, `keys`, and iteration over `(key, value)`.
///
/// For this module only: another module gets it unspecialized, and there
/// each call looked up generic metadata and the subscript's `_modify`
/// coroutine allocated its frame (a malloc for every session `load`
/// placed). Other modules key a `Dictionary` by `IDKey` themselves, which
/// they specialize.
package struct IDMap<Value> {
    private var storage: [IDKey: Value]

    package init() {
        storage = [:]
    }

    package init(minimumCapacity: Int) {
        storage = Dictionary(minimumCapacity: minimumCapacity)
    }

    private init(storage: [IDKey: Value]) {
        self.storage = storage
    }

    package subscript(_ id: String) -> Value? {
        get { storage[IDKey(id)] }
        _modify { yield &storage[IDKey(id)] }
    }

    package subscript(_ id: String, default value: @autoclosure () -> Value) -> Value {
        get { storage[IDKey(id), default: value()] }
        _modify { yield &storage[IDKey(id), default: value()] }
    }

    @discardableResult
    package mutating func removeValue(forKey id: String) -> Value? {
        storage.removeValue(forKey: IDKey(id))
    }

    package var count: Int { storage.count }
    package var keys: [String] { storage.keys.map(\.text) }

    package func filter(_ isIncluded: (String, Value) throws -> Bool) rethrows -> IDMap {
        IDMap(storage: try storage.filter { try isIncluded($0.key.text, $0.value) })
    }
}

extension IDMap: Sequence {
    package struct Iterator: IteratorProtocol {
        fileprivate var base: Dictionary<IDKey, Value>.Iterator

        package mutating func next() -> (key: String, value: Value)? {
            base.next().map { (key: $0.key.text, value: $0.value) }
        }
    }

    package func makeIterator() -> Iterator { Iterator(base: storage.makeIterator()) }
    package var underestimatedCount: Int { storage.count }
}

extension IDMap: Equatable where Value: Equatable {}
extension IDMap: Hashable where Value: Hashable {}
extension IDMap: Sendable where Value: Sendable {}

/// An id as a dictionary key: equal as its string is, hashed from its
/// UTF-8 bytes (see `IDMap`).
package struct IDKey: Hashable, Sendable {
    package let text: String

    package init(_ text: String) {
        self.text = text
    }

    /// Byte for byte, as the hash reads them: `String`'s `==` also takes
    /// canonically equivalent strings (`é` as one scalar or as `e` and an
    /// accent) as equal, and two such ids, equal but hashed apart, were
    /// found or not at random.
    package static func == (lhs: IDKey, rhs: IDKey) -> Bool { Values.sameBytes(lhs.text, rhs.text) }

    private static let processSeed = UInt64.random(in: 1...UInt64.max)

    /// Hashing into a `Hasher` (another dictionary's hash of this one)
    /// takes the bytes' mix, so it agrees with `==` as the look-ups do.
    package func hash(into hasher: inout Hasher) {
        hasher.combine(Self.mix(text, seed: 0))
    }

    /// What `Dictionary` asks for: the bytes' mix under its seed. (The
    /// default would run SipHash through a `Hasher`.)
    package func _rawHashValue(seed: Int) -> Int {
        Int(truncatingIfNeeded: Self.mix(text, seed: Self.processSeed ^ UInt64(bitPattern: Int64(seed))))
    }

    /// Eight bytes at a time, each word folded in by a 128-bit multiply
    /// (as wyhash does). Native strings, small ones included, hold their
    /// UTF-8 contiguously; any other is copied first, to hash the same.
    package static func mix(_ text: String, seed: UInt64) -> UInt64 {
        if let hash = text.utf8.withContiguousStorageIfAvailable({ mix($0, seed: seed) }) { return hash }
        return Array(text.utf8).withUnsafeBufferPointer { mix($0, seed: seed) }
    }

    package static func mix(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
        var hash = seed ^ UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        guard let base = bytes.baseAddress.map(UnsafeRawPointer.init) else {
            return fold(hash ^ 0xA076_1D64_78BD_642F, 0xE703_7ED1_A0B4_28DB)
        }
        var index = 0
        while index + 8 <= bytes.count {
            hash = fold(hash ^ base.loadUnaligned(fromByteOffset: index, as: UInt64.self), 0x9E37_79B9_7F4A_7C15)
            index += 8
        }
        // The last 1–7 bytes in two loads that may overlap (the length is
        // already mixed in), as wyhash reads them: a loop over the bytes
        // was half the cost of hashing a six-digit id.
        let rest = bytes.count - index
        var tail: UInt64 = 0
        if rest >= 4 {
            let low = UInt64(base.loadUnaligned(fromByteOffset: index, as: UInt32.self))
            let high = UInt64(base.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self))
            tail = low | high << 32
        } else if rest > 0 {
            tail = UInt64(bytes[index]) << 16 | UInt64(bytes[index + rest / 2]) << 8 | UInt64(bytes[bytes.count - 1])
        }
        return fold(hash ^ tail ^ 0xA076_1D64_78BD_642F, 0xE703_7ED1_A0B4_28DB)
    }

    @inline(__always)
    private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }
}
