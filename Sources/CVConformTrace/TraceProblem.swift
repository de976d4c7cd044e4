/// A malformation found while reading, before its column is known: columns
/// are found afterwards in the source text, all at once (`SourceText`), so
/// the fast path never tracks them.
struct TraceProblem: Error, Hashable, Sendable {
    /// Where the problem stands, as the reader knows it.
    enum Place: Hashable, Sendable {
        /// The `ordinal`-th start tag of the document (from 0), or one of its
        /// attributes. `line` is libxml2's, for when the text cannot tell.
        case element(ordinal: Int, line: Int, attribute: String?)
        /// The first visible character after that many start and end tags.
        /// `line` is libxml2's, for when the text cannot tell.
        case text(afterStartTags: Int, endTags: Int, line: Int)
        /// A place libxml2 gave (its errors).
        case exact(line: Int, column: Int)
        /// The file as a whole.
        case file
    }

    var kind: TraceError.Kind
    var place: Place
    var message: String
    /// The problem's place among the reader's events: problems are listed in
    /// this order before their places are known.
    var order: Int

    init(_ kind: TraceError.Kind = .invalidTrace, at place: Place, order: Int, _ message: String) {
        self.kind = kind
        self.place = place
        self.order = order
        self.message = message
    }
}
