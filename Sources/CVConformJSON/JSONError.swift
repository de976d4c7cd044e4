/// Why a text is not the JSON that was asked for, and where: the 0-based
/// byte offset into the UTF-8 input at which the reader gave up.
///
/// A struct around a code rather than an enum, so codes can be added
/// without breaking callers that switch on them.
public struct JSONError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The input ended inside a value.
        public static let unexpectedEnd = Code("unexpected end")
        /// A byte that cannot start or continue what is being read.
        public static let unexpectedByte = Code("unexpected byte")
        /// A number that RFC 8259 does not allow (`-`, `01`, `1.`, `1-2`, …).
        public static let invalidNumber = Code("invalid number")
        /// A backslash escape that is not one of JSON's.
        public static let invalidEscape = Code("invalid escape")
        /// A lone surrogate in a `\u` escape, or bytes that are not UTF-8.
        public static let invalidUnicode = Code("invalid unicode")
        /// A raw control character (below U+0020) inside a string.
        public static let controlCharacter = Code("control character in string")
        /// Containers nested deeper than the reader's limit.
        public static let tooDeep = Code("nested too deep")
        /// Something other than white space after the value.
        public static let trailingContent = Code("trailing content")
        /// The caller asked for a value where the reader stands elsewhere
        /// (at a member name, or after the end).
        public static let notAValue = Code("not a value")
    }

    public var code: Code
    /// 0-based offset of the offending byte in the UTF-8 input.
    public var offset: Int
    /// One sentence for a person.
    public var message: String

    public init(_ code: Code, at offset: Int, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    public var description: String { "at byte \(offset): \(message)" }
}
