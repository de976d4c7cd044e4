/// The namespace of trace files.
public let traceNamespace = "urn:cvconform:trace:1"

/// What a trace says of itself: how the reference model must judge it.
public enum Expectation: String, CaseIterable, Hashable, Sendable {
    /// Every message is allowed and nothing is owed at the end.
    case pass
    /// Exactly one `<msg>` is marked `invalid="true"`: all before it are
    /// allowed and it is not.
    case fail
    /// Every message is allowed but messages are still owed at the end.
    case incomplete
}

/// `core` traces stay inside the contract; `extended` traces rely on the
/// project's decisions for situations the contract leaves unspecified.
public enum Profile: String, CaseIterable, Hashable, Sendable {
    case core, extended
}

/// Everything in a trace before its first message.
public struct TraceHeader: Hashable, Sendable {
    public var id: String
    public var profile: Profile
    public var expect: Expectation
    public var title: String?
    public var description: String?
    /// Clause ids the author says the trace covers.
    public var covers: [String]
    public var tags: [String]
    public var setup: Administration

    public init(
        id: String, profile: Profile = .core, expect: Expectation = .pass, title: String? = nil,
        description: String? = nil, covers: [String] = [], tags: [String] = [], setup: Administration = .init()
    ) {
        self.id = id
        self.profile = profile
        self.expect = expect
        self.title = title
        self.description = description
        self.covers = covers
        self.tags = tags
        self.setup = setup
    }
}

/// A message at its place in a trace file.
public struct TraceEntry: Hashable, Sendable {
    public var message: Message
    /// `invalid="true"`: the one message a `fail` trace says is not allowed.
    public var invalid: Bool
    /// Where the `<msg>` element stands (zero line when not read from a file).
    public var location: SourceLocation

    public init(message: Message, invalid: Bool = false, location: SourceLocation = .unknown) {
        self.message = message
        self.invalid = invalid
        self.location = location
    }
}

/// A whole trace in memory: for replay, recording and writing. Validation
/// streams instead (see `TraceReader`) so it never holds all the messages.
public struct Trace: Hashable, Sendable {
    public var header: TraceHeader
    public var entries: [TraceEntry]
    /// The file it was read from, if any.
    public var file: String?

    public init(header: TraceHeader, entries: [TraceEntry] = [], file: String? = nil) {
        self.header = header
        self.entries = entries
        self.file = file
    }

    public var messages: [Message] { entries.map(\.message) }

    /// Reads a whole trace file.
    public static func read(file path: String) throws(TraceError) -> Trace {
        let reader = try TraceReader(file: path)
        return try reader.readAll()
    }

    /// Reads a whole trace from memory; `name` stands for the file in errors.
    public static func read(text: String, name: String = "<memory>") throws(TraceError) -> Trace {
        let reader = try TraceReader(text: text, name: name)
        return try reader.readAll()
    }
}
