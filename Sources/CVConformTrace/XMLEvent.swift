/// What the XML reader meets, as the grammar (`TraceGrammar`) reads it.
enum XMLEvent {
    case startElement(XMLStreamReader.Tag)
    /// libxml2 gives no end for an empty element (`<x/>`).
    case endElement(depth: Int)
    case text(XMLText)
    /// A DOCTYPE: never allowed in a trace.
    case doctype
    case entityReference(line: Int)
    /// The document ended, well formed.
    case endOfDocument
    /// libxml2 refused the document. Every event it read before is handed
    /// out first.
    case failure(XMLFailure)
}

/// A start tag. The reader's (`XMLStreamReader.Tag`) is a few pointers into
/// libxml2's dictionary and the reader's arena, valid until the next read,
/// so the hot path makes no strings it does not need; tests make their own.
protocol StartTag {
    associatedtype Attribute: TagAttribute
    associatedtype Attributes: Sequence where Attributes.Element == Attribute

    var depth: Int { get }
    /// libxml2's line: where the start tag ends.
    var line: Int { get }
    /// Which start tag of the document this is, from 0: `SourceText` finds
    /// the element again by it.
    var ordinal: Int { get }
    /// Its place among all events, for putting problems in file order.
    var order: Int { get }
    var isEmpty: Bool { get }
    /// A number that stands for the local name for the whole document, so
    /// what a name means can be cached; -1 when the reader keeps none.
    var nameID: Int { get }
    var localName: String { get }
    /// In the namespace the reader was made for.
    var isInNamespace: Bool { get }
    /// Its namespace when it is another one (nil when in none or in that one).
    var namespace: String? { get }
    /// In document order; namespace declarations are not attributes here.
    var attributes: Attributes { get }
}

protocol TagAttribute {
    /// A number that stands for the name for the whole document; -1 when
    /// the reader keeps none.
    var nameID: Int { get }
    var name: String { get }
    var namespace: AttributeNamespace { get }
    var value: String { get }
    /// The value looked up in `table` by its bytes, without making a string.
    func lookup<Value>(in table: borrowing ByteTable<Value>) -> Value?
}

enum AttributeNamespace {
    case none
    /// The namespace the reader was made for.
    case ours
    case other
}

/// Character data, with how many start and end tags come before it (how
/// `SourceText` finds it again).
struct XMLText {
    var content: String
    /// libxml2's line: where the text ends.
    var line: Int
    var startTags: Int
    var endTags: Int
    var order: Int
}

/// Why libxml2 refused a document.
struct XMLFailure: Hashable, Sendable {
    var line: Int
    var column: Int
    var message: String
    /// libxml2 stopped parsing (level fatal); other errors let it go on.
    var isFatal: Bool
}
