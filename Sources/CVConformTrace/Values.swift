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

    /// Splits an XML list value (such as `skills="10 20"`) on white space.
    public static func splitList(_ value: String) -> [String] {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
    }
}
