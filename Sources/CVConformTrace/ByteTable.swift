import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Words looked up by their bytes, so that roles, types and parameter
/// names never become strings on the fast path of reading a trace (from
/// libxml2's bytes) or a wire line (from a JSON reader's bytes). A handful
/// of entries: a scan by length beats hashing here. Not generic, so callers
/// in other modules run compiled code, not generic witnesses.
struct ByteTable: Sendable {
    private let words: [[UInt8]]
    /// The indices of the words of each length (none longer than 31).
    private let byLength: [[Int]]

    init(_ words: [String]) {
        self.words = words.map { Array($0.utf8) }
        var byLength = Array(repeating: [Int](), count: 32)
        for (index, word) in self.words.enumerated() where word.count < 32 { byLength[word.count].append(index) }
        self.byLength = byLength
    }

    /// The index of the word a NUL-terminated text (libxml2's) is.
    func index(of text: UnsafePointer<xmlChar>) -> Int? {
        let length = strlen(UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self))
        return index(of: UnsafeBufferPointer(start: text, count: length))
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

    static let roles = ByteTable(Role.allCases.map(\.rawValue))
    static let types = ByteTable(MessageType.allCases.map(\.rawValue))
    static let parameterNames = ByteTable(MessageCatalog.allParameterNames)
}

extension Role {
    /// The role whose name these UTF-8 bytes are.
    package init?(utf8 text: UnsafeBufferPointer<UInt8>) {
        guard let index = ByteTable.roles.index(of: text) else { return nil }
        self = Role.allCases[index]
    }

    init?(xmlText text: UnsafePointer<xmlChar>) {
        guard let index = ByteTable.roles.index(of: text) else { return nil }
        self = Role.allCases[index]
    }
}

extension MessageType {
    /// The type whose name these UTF-8 bytes are.
    package init?(utf8 text: UnsafeBufferPointer<UInt8>) {
        guard let index = ByteTable.types.index(of: text) else { return nil }
        self = MessageType.allCases[index]
    }

    init?(xmlText text: UnsafePointer<xmlChar>) {
        guard let index = ByteTable.types.index(of: text) else { return nil }
        self = MessageType.allCases[index]
    }
}

extension MessageCatalog {
    private static let parameterNameStrings = allParameterNames

    /// The table's one string for a parameter name given as UTF-8 bytes, so
    /// that every message shares it; nil for a name no message has.
    package static func parameterName(utf8 text: UnsafeBufferPointer<UInt8>) -> String? {
        ByteTable.parameterNames.index(of: text).map { parameterNameStrings[$0] }
    }
}
