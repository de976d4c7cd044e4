/// The value rules of section 1: identifiers are compared as strings, so
/// `0101` and `101` are different agents.
public enum Values {
    /// A non-empty string of ASCII digits.
    public static func isDigits(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// A non-empty string without white space (XML's white space and Unicode's).
    public static func isToken(_ value: String) -> Bool {
        !value.isEmpty && !value.unicodeScalars.contains { $0.properties.isWhitespace }
    }

    /// Splits an XML list value (such as `skills="10 20"`) on white space.
    public static func splitList(_ value: String) -> [String] {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
    }
}
