/// A `<msg>` as the grammar leaves it: its values are strings, but nothing is
/// checked against the message table yet (`MessageConversion` does that,
/// possibly on another thread, hence Sendable).
struct RawMessage: Sendable {
    /// libxml2's line of the element, for the entry's location.
    var line: Int
    /// Which start tag of the document it is, for locating problems.
    var ordinal: Int
    /// Its place among the reader's events, for putting problems in order.
    var order: Int
    /// 1-based among the trace's messages.
    var position: Int
    var invalid: Bool
    /// The roles and type, when they are words of the contract (looked up
    /// without making strings).
    var known: (from: Role?, to: Role?, type: MessageType?)
    /// The routing attributes as written, only when a role or type was not
    /// recognised (the explaining path needs them). Boxed: the message is
    /// copied between threads, and this is nearly always nil.
    var routing: Routing?
    /// In document order.
    var parameters: [Parameters.Parameter]

    final class Routing: Sendable {
        let from: String
        let to: String
        let type: String

        init(from: String, to: String, type: String) {
            self.from = from
            self.to = to
            self.type = type
        }
    }
}
