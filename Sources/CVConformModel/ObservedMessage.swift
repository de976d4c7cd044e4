import CVConformTrace

/// A message as a judge is handed it, made into a `Message` only where it
/// must be. check-log hands a log line as its row of the table and its
/// values: four lines in five come from a system role and are, byte for
/// byte, the oldest message its monitor owes on the channel, so the owed
/// message is delivered in its place and the line is never made into a
/// message (making it was a tenth of judging a log). A message given made
/// (`init(_:)`, every other caller) is judged and delivered itself.
///
/// A line's form holds pointers into its batch, valid only while the
/// batch lends them (`LogBatch.forEach`): a judge uses it during the call
/// it is handed to, and keeps only the `Message` it gives back.
///
/// A concrete type, not a protocol: judging runs across modules, where a
/// generic function runs unspecialized, through witness tables.
public struct ObservedMessage {
    public let from: Role
    public let to: Role
    private let type: MessageType
    private let form: Form

    private enum Form {
        /// Given made.
        case made(Message)
        /// A line of a batch.
        case line(Line)
    }

    /// A line: its row of the table, the place of its `session` among its
    /// values (-1: none), its parameters' names (the row's slice of
    /// `MessageCatalog.rowParameterNames`), its values, and the storage to
    /// make it in.
    private struct Line {
        let row: Int
        let sessionPlace: Int
        let names: UnsafeBufferPointer<ParameterName>
        let values: UnsafeBufferPointer<String>
        let storage: UnsafeMutablePointer<Parameters>
    }

    public init(_ message: Message) {
        from = message.from
        to = message.to
        type = message.type
        form = .made(message)
    }

    /// A message of a row of the table (`MessageCatalog.message(row:in:value:)`)
    /// of this shape. `names` is the whole of
    /// `MessageCatalog.rowParameterNames` (the row's slice is taken here);
    /// `values` starts at the line's first value. Made in `storage` if it
    /// must be. The caller keeps all three valid while the message is
    /// judged.
    package init(
        row: Int, shape: MessageCatalog.RowShape, names: UnsafeBufferPointer<ParameterName>, values: UnsafeBufferPointer<String>,
        storage: UnsafeMutablePointer<Parameters>
    ) {
        from = shape.from
        to = shape.to
        type = shape.type
        form = .line(Line(
            row: row, sessionPlace: shape.sessionPlace,
            names: UnsafeBufferPointer(rebasing: names[shape.first..<shape.first + shape.count]), values: values, storage: storage
        ))
    }

    /// Its `session` parameter, if it has one.
    public var session: String? {
        switch form {
        case .made(let message): message.parameters[.session]
        case .line(let line): line.sessionPlace >= 0 ? line.values[line.sessionPlace] : nil
        }
    }

    /// Whether it is a line that is `message` byte for byte: the same
    /// channel, type, names and values' bytes. Then the judge may deliver
    /// `message` in its place. False for a message given made (it is
    /// delivered itself), and for a line whose values are only canonically
    /// equal to the message's (`String`'s `==`): the model's ids are their
    /// bytes (`Values.sameBytes`), so such a line is made and delivered
    /// itself.
    public func isIdentical(to message: Message) -> Bool {
        guard case .line(let line) = form else { return false }
        return message.type == type && message.from == from && message.to == to
            && message.parameters.sameBytes(names: line.names, values: line.values)
    }

    /// The message itself.
    public func make() -> Message {
        switch form {
        case .made(let message): message
        case .line(let line): MessageCatalog.message(row: line.row, in: &line.storage.pointee) { line.values[$0] }
        }
    }
}
