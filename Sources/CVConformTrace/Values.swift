/// The value rules of section 1: identifiers are compared as strings, so
/// `0101` and `101` are different agents.
public enum Values {
    /// A non-empty string of ASCII digits.
    public static func isDigits(_ value: String) -> Bool {
        // Over the bytes in place where the string holds them so (native
        // strings do): several times faster on a hostile megabyte value.
        !value.isEmpty && (value.utf8.withContiguousStorageIfAvailable(allDigits) ?? allDigits(value.utf8))
    }

    /// Whether every byte is an ASCII digit (true for none).
    package static func allDigits(_ bytes: some Sequence<UInt8>) -> Bool {
        bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Whether two strings are the same bytes. `String`'s `==` also takes
    /// canonically equivalent strings (`é` as one scalar or as `e` and an
    /// accent) as equal; ids are their bytes (`IDKey`).
    package static func sameBytes(_ lhs: String, _ rhs: String) -> Bool {
        // The same representation (a small string's bytes held inline, or
        // one storage) is the same bytes: the usual case, a look-up's match,
        // told by two words.
        if MemoryLayout<String>.size == 16 && representation(lhs) == representation(rhs) { return true }
        let count = lhs.utf8.count
        guard count == rhs.utf8.count else { return false }
        let equal = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in left.elementsEqual(right) }
        }
        return (equal ?? nil) ?? lhs.utf8.elementsEqual(rhs.utf8)
    }

    /// A string's two words as they lie in memory (`sameBytes` only).
    @inline(__always)
    private static func representation(_ text: String) -> (UInt64, UInt64) {
        withUnsafeBytes(of: text) { ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
    }

    /// A non-empty string without white space (XML's white space and Unicode's).
    public static func isToken(_ value: String) -> Bool {
        guard !value.isEmpty else { return false }
        // ASCII first: Unicode properties are costly and ids are ASCII.
        func asciiVerdict(_ bytes: some Sequence<UInt8>) -> Bool? {
            for byte in bytes {
                if byte >= 0x80 { return nil }
                if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) { return false }
            }
            return true
        }
        let verdict = value.utf8.withContiguousStorageIfAvailable(asciiVerdict) ?? asciiVerdict(value.utf8)
        return verdict ?? !value.unicodeScalars.contains { $0.properties.isWhitespace }
    }

    /// XML's white space: space, tab, line feed, carriage return.
    static func isXMLSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The words of a text joined by single spaces (a title, a tag): the
    /// text itself when it has no white space to collapse, as most have.
    /// One pass over the bytes otherwise: a long description may have
    /// hundreds of thousands of words, too many to split into strings.
    public static func collapsingWhiteSpace(_ text: String) -> String {
        var previousWasSpace = true
        var needsWork = false
        for byte in text.utf8 {
            let space = isXMLSpace(byte)
            if space && (previousWasSpace || byte != 0x20) { needsWork = true; break }
            previousWasSpace = space
        }
        if !needsWork && !previousWasSpace { return text }
        var collapsed: [UInt8] = []
        collapsed.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            if isXMLSpace(byte) {
                pendingSpace = !collapsed.isEmpty
            } else {
                if pendingSpace { collapsed.append(0x20) }
                pendingSpace = false
                collapsed.append(byte)
            }
        }
        return String(decoding: collapsed, as: UTF8.self)
    }

    /// How many characters `value` has, without walking its grapheme
    /// clusters when it is ASCII (a hostile value has megabytes of them).
    public static func characterCount(_ value: String) -> Int {
        func isASCII(_ bytes: some Sequence<UInt8>) -> Bool { bytes.allSatisfy { $0 < 0x80 } }
        let ascii = value.utf8.withContiguousStorageIfAvailable(isASCII) ?? isASCII(value.utf8)
        return ascii ? value.utf8.count : value.count
    }

    /// Splits an XML list value (such as `skills="10 20"`) on white space.
    /// Works on the UTF-8 bytes: XML white space is ASCII, and a setup may
    /// hold tens of thousands of lists.
    public static func splitList(_ value: String) -> [String] {
        // Over the bytes in place where the string holds them so (native
        // strings do); XML white space is ASCII, so every piece is whole.
        if let items = value.utf8.withContiguousStorageIfAvailable(splitList) { return items }
        return Array(value.utf8).withUnsafeBufferPointer(splitList)
    }

    private static func splitList(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        // Counted first, so the list is allocated once at its size.
        var count = 0
        var inWord = false
        for byte in bytes {
            if !isXMLSpace(byte) && !inWord { count += 1 }
            inWord = !isXMLSpace(byte)
        }
        var items: [String] = []
        guard count > 0 else { return items }
        items.reserveCapacity(count)
        var index = 0
        while index < bytes.count {
            while index < bytes.count && isXMLSpace(bytes[index]) { index += 1 }
            let start = index
            while index < bytes.count && !isXMLSpace(bytes[index]) { index += 1 }
            if index > start { items.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) }
        }
        return items
    }
}
