/// A JSON number, kept as its literal so that reading and writing a value
/// changes no digit. Two numbers are equal when their literals are: `1` and
/// `1.0` differ, as they do in the text (the writer always writes an Int
/// and a Double the same way, so values built in code compare as expected).
public struct JSONNumber: Hashable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The literal, valid by RFC 8259's grammar.
    public let literal: String

    /// A literal the reader has already checked.
    init(checkedLiteral: String) { literal = checkedLiteral }

    public init(_ value: Int) { literal = String(value) }

    public init(integerLiteral value: Int) { self.init(value) }

    /// Nil for infinities and NaN, which JSON cannot write.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        // Swift's shortest round-trip form is valid JSON ("0.25", "1e-05",
        // "1e+16"), but for whole numbers it is "1.0", also valid.
        literal = "\(value)"
    }

    /// Seconds with millisecond precision, e.g. `0.125`: for durations.
    public init(seconds: Duration) {
        let milliseconds = seconds.components.seconds * 1000 + seconds.components.attoseconds / 1_000_000_000_000_000
        let whole = milliseconds / 1000
        let fraction = String(milliseconds % 1000)
        literal = "\(whole).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    /// The number as an Int, when it is an integer literal that fits.
    public var int: Int? { Int(literal) }

    public var double: Double? { Double(literal) }

    public var description: String { literal }
}
