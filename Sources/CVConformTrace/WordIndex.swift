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
    private let bytes: [UInt8]
    private let starts: [Int]
    private let lengths: [Int]
    /// The first word of each (length, first byte), by `bucket`; -1 for none.
    private let firstInBucket: [Int]
    /// The next word of the same bucket; -1 for none.
    private let nextInBucket: [Int]

    private static let longest = 31

    init(_ words: [String]) {
        var bytes: [UInt8] = []
        var starts: [Int] = []
        var lengths: [Int] = []
        var firstInBucket = Array(repeating: -1, count: (Self.longest + 1) * 128)
        var nextInBucket = Array(repeating: -1, count: words.count)
        for (index, word) in words.enumerated() {
            let utf8 = Array(word.utf8)
            starts.append(bytes.count)
            lengths.append(utf8.count)
            bytes.append(contentsOf: utf8)
            guard let bucket = Self.bucket(count: utf8.count, first: utf8.first) else { continue }
            // Appended at the chain's end: the first word given wins a tie.
            if firstInBucket[bucket] < 0 {
                firstInBucket[bucket] = index
            } else {
                var last = firstInBucket[bucket]
                while nextInBucket[last] >= 0 { last = nextInBucket[last] }
                nextInBucket[last] = index
            }
        }
        self.bytes = bytes
        self.starts = starts
        self.lengths = lengths
        self.firstInBucket = firstInBucket
        self.nextInBucket = nextInBucket
    }

    @inline(__always)
    private static func bucket(count: Int, first: UInt8?) -> Int? {
        guard count > 0, count <= longest, let first, first < 0x80 else { return nil }
        return count &* 128 &+ Int(first)
    }

    /// The index of the word the bytes are.
    func index(of text: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let bucket = Self.bucket(count: text.count, first: text.first) else { return nil }
        var candidate = firstInBucket[bucket]
        while candidate >= 0 {
            if lengths[candidate] == text.count, matches(candidate, text) { return candidate }
            candidate = nextInBucket[candidate]
        }
        return nil
    }

    /// Compared byte by byte: words are a few bytes long, shorter than a
    /// call to memcmp is worth.
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
    private static let parameterNameStrings = allParameterNames

    /// The table's one string for a parameter name given as UTF-8 bytes, so
    /// that every message shares it; nil for a name no message has.
    package static func parameterName(utf8 text: UnsafeBufferPointer<UInt8>) -> String? {
        WordIndex.parameterNames.index(of: text).map { parameterNameStrings[$0] }
    }
}
