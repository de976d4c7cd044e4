import CVConformPlatform

/// Words looked up by their bytes, so that roles, types and parameter
/// names never become strings on the fast path of reading a wire line
/// (from a JSON reader's bytes). A handful
/// of entries: a scan by length beats hashing here. Not generic, so callers
/// in other modules run compiled code, not generic witnesses.
struct WordIndex: Sendable {
    private let words: [[UInt8]]
    /// The indices of the words of each length (none longer than 31).
    private let byLength: [[Int]]

    init(_ words: [String]) {
        self.words = words.map { Array($0.utf8) }
        var byLength = Array(repeating: [Int](), count: 32)
        for (index, word) in self.words.enumerated() where word.count < 32 { byLength[word.count].append(index) }
        self.byLength = byLength
    }


    /// The index of the word the bytes are.
    func index(of text: UnsafeBufferPointer<UInt8>) -> Int? {
        let length = text.count
        guard length < 32 else { return nil }
        search: for position in byLength[length] {
            let word = words[position]
            for index in 0..<length where word[index] != text[index] { continue search }
            return position
        }
        return nil
    }

    static let roles = WordIndex(Role.allCases.map(\.rawValue))
    static let types = WordIndex(MessageType.allCases.map(\.rawValue))
    static let parameterNames = WordIndex(MessageCatalog.allParameterNames)
}

extension Role {
    /// The role whose name these UTF-8 bytes are.
    package init?(utf8 text: UnsafeBufferPointer<UInt8>) {
        guard let index = WordIndex.roles.index(of: text) else { return nil }
        self = Role.allCases[index]
    }
}

extension MessageType {
    /// The type whose name these UTF-8 bytes are.
    package init?(utf8 text: UnsafeBufferPointer<UInt8>) {
        guard let index = WordIndex.types.index(of: text) else { return nil }
        self = MessageType.allCases[index]
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
