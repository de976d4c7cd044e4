/// The value rules of section 1: identifiers are compared as strings, so
/// `0101` and `101` are different agents.
public enum Values {
    /// A non-empty string of ASCII digits.
    public static func isDigits(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// A non-empty string without white space (XML's white space and Unicode's).
    public static func isToken(_ value: String) -> Bool {
        guard !value.isEmpty else { return false }
        // ASCII first: Unicode properties are costly and ids are ASCII.
        var ascii = true
        for byte in value.utf8 {
            if byte >= 0x80 { ascii = false; break }
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) { return false }
        }
        return ascii || !value.unicodeScalars.contains { $0.properties.isWhitespace }
    }

    /// The words of a text joined by single spaces (a title, a tag): the
    /// text itself when it has no white space to collapse, as most have.
    public static func collapsingWhiteSpace(_ text: String) -> String {
        var previousWasSpace = true
        var needsWork = false
        for byte in text.utf8 {
            let isSpace = byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
            if isSpace && (previousWasSpace || byte != 0x20) { needsWork = true; break }
            previousWasSpace = isSpace
        }
        if !needsWork && !previousWasSpace { return text }
        return splitList(text).joined(separator: " ")
    }

    /// Splits an XML list value (such as `skills="10 20"`) on white space.
    /// Works on the UTF-8 bytes: XML white space is ASCII, and a setup may
    /// hold tens of thousands of lists.
    public static func splitList(_ value: String) -> [String] {
        var items: [String] = []
        let bytes = value.utf8
        var start: String.Index?
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                if let first = start {
                    items.append(String(value[first..<index]))
                    start = nil
                }
            } else if start == nil {
                start = index
            }
            bytes.formIndex(after: &index)
        }
        if let first = start { items.append(String(value[first...])) }
        return items
    }
}
