import CVConformTrace

/// A message as a judge is handed it, made into a `Message` only where it
/// must be. check-log hands a log line as its row of the table and its
/// values: four lines in five come from a system role and are exactly what
/// its monitor owes, so the owed message is delivered in its place and the
/// line is never made into a message (making it was a tenth of judging a
/// log).
///
/// A concrete type, not a protocol: judging runs across modules, where a
/// generic function runs unspecialized, through witness tables.
public struct ObservedMessage {
    public let from: Role
    public let to: Role
    /// The message, when it was given made.
    private let given: Message?
    /// Otherwise: its row, shape, parameters' names and values, and the
    /// storage to make it in.
    private let row: Int
    private let type: MessageType
    private let sessionPlace: Int
    private let names: UnsafeBufferPointer<ParameterName>
    private let values: UnsafeBufferPointer<String>
    private let storage: UnsafeMutablePointer<Parameters>?

    public init(_ message: Message) {
        from = message.from
        to = message.to
        type = message.type
        given = message
        row = -1
        sessionPlace = -1
        names = UnsafeBufferPointer(start: nil, count: 0)
        values = UnsafeBufferPointer(start: nil, count: 0)
        storage = nil
    }

    /// A message of a row of the table (`MessageCatalog.message(row:in:value:)`)
    /// of this shape: its parameters' names from the first of `names`
    /// (`MessageCatalog.rowParameterNames`), their values from the first of
    /// `values`; made in `storage` if it must be. The caller keeps all
    /// three valid while the message is judged.
    package init(
        row: Int, shape: MessageCatalog.RowShape, names: UnsafeBufferPointer<ParameterName>, values: UnsafeBufferPointer<String>,
        storage: UnsafeMutablePointer<Parameters>
    ) {
        from = shape.from
        to = shape.to
        type = shape.type
        given = nil
        sessionPlace = shape.sessionPlace
        self.row = row
        self.names = UnsafeBufferPointer(rebasing: names[shape.first..<shape.first + shape.count])
        self.values = values
        self.storage = storage
    }

    /// Its `session` parameter, if it has one.
    public var session: String? {
        if let given { return given.parameters[.session] }
        return sessionPlace >= 0 ? values[sessionPlace] : nil
    }

    /// Whether it is `message`: the same channel, type and parameters.
    public func isSame(as message: Message) -> Bool {
        if let given { return given == message }
        return message.type == type && message.from == from && message.to == to
            && message.parameters.equals(names: names, values: values)
    }

    /// The message itself.
    public func make() -> Message {
        if let given { return given }
        guard let storage else { return MessageCatalog.message(row: row) { values[$0] } }
        return MessageCatalog.message(row: row, in: &storage.pointee) { values[$0] }
    }
}
