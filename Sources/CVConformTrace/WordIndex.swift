/// Words looked up by their bytes, so that roles, types and parameter
/// names never become strings on the fast path of reading a wire line
/// (from a JSON reader's bytes). Not generic, so callers in other modules
/// run compiled code, not generic witnesses.
///
/// The words lie end to end in one array, found through a table by length
/// and first byte (a chain for the rare words that share both): reading a
/// log looks up four or five words a line, and a list of word arrays
/// retained and released each inner array it compared. A class: a struct
/// of five arrays, read from a static, was retained array by array at
/// every look-up.
final class WordIndex: Sendable {
    /// A word of up to 16 bytes, packed into two words (little-endian,
    /// zeros after its end), and the next word of its bucket (-1: none).
    private struct Entry {
        var low: UInt64
        var high: UInt64
        var next: Int32
    }

    private let entries: [Entry]
    /// Every word's bytes, end to end, for the rare word longer than 16.
    private let bytes: [UInt8]
    private let starts: [Int]
    /// The first word of each (length, first byte), by `bucket`; -1 for none.
    private let firstInBucket: [Int32]

    private static let longest = 31
    private static let packed = 16

    init(_ words: [String]) {
        var bytes: [UInt8] = []
        var starts: [Int] = []
        var entries: [Entry] = []
        var firstInBucket = Array(repeating: Int32(-1), count: (Self.longest + 1) * 128)
        for (index, word) in words.enumerated() {
            let utf8 = Array(word.utf8)
            starts.append(bytes.count)
            bytes.append(contentsOf: utf8)
            let (low, high) = utf8.withUnsafeBufferPointer(PackedWords.pack)
            entries.append(Entry(low: low, high: high, next: -1))
            guard let bucket = Self.bucket(count: utf8.count, first: utf8.first) else { continue }
            // Appended at the chain's end: the first word given wins a tie.
            if firstInBucket[bucket] < 0 {
                firstInBucket[bucket] = Int32(index)
            } else {
                var last = Int(firstInBucket[bucket])
                while entries[last].next >= 0 { last = Int(entries[last].next) }
                entries[last].next = Int32(index)
            }
        }
        self.bytes = bytes
        self.starts = starts
        self.entries = entries
        self.firstInBucket = firstInBucket
    }

    @inline(__always)
    private static func bucket(count: Int, first: UInt8?) -> Int? {
        guard count > 0, count <= longest, let first, first < 0x80 else { return nil }
        return count &* 128 &+ Int(first)
    }

    /// The index of the word the bytes are. Words of a bucket have one
    /// length, so two packed words compare a word of up to 16 bytes whole
    /// (byte by byte, a look-up was an eighth of reading a log line).
    func index(of text: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let bucket = Self.bucket(count: text.count, first: text.first) else { return nil }
        var candidate = Int(firstInBucket[bucket])
        guard candidate >= 0 else { return nil }
        let (low, high) = PackedWords.pack(text)
        while candidate >= 0 {
            let entry = entries[candidate]
            if entry.low == low, entry.high == high, text.count <= Self.packed || matches(candidate, text) { return candidate }
            candidate = Int(entry.next)
        }
        return nil
    }

    /// Compared byte by byte, for a word longer than 16 bytes.
    private func matches(_ word: Int, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[word]
        return bytes.withUnsafeBufferPointer { all in
            for index in text.indices where all[start &+ index] != text[index] { return false }
            return true
        }
    }

    static let roles = WordIndex(Role.allCases.map(\.rawValue))
    static let types = WordIndex(MessageType.allCases.map(\.rawValue))
    static let parameterNames = WordIndex(MessageCatalog.allParameterNames)
    /// `allCases`, made once: the property builds a new array each time.
    static let roleCases = Role.allCases
    static let typeCases = MessageType.allCases
}

extension Role {
    /// The role whose name these UTF-8 bytes are.
    package init?(utf8 text: UnsafeBufferPointer<UInt8>) {
        guard let index = WordIndex.roles.index(of: text) else { return nil }
        self = WordIndex.roleCases[index]
    }
}

extension MessageType {
    /// The type whose name these UTF-8 bytes are.
    package init?(utf8 text: UnsafeBufferPointer<UInt8>) {
        guard let index = WordIndex.types.index(of: text) else { return nil }
        self = WordIndex.typeCases[index]
    }
}

extension MessageCatalog {
    /// The parameter name given as UTF-8 bytes; nil for a name no message
    /// has.
    package static func parameterName(utf8 text: UnsafeBufferPointer<UInt8>) -> ParameterName? {
        WordIndex.parameterNames.index(of: text).map { ParameterName.cases[$0] }
    }
}
