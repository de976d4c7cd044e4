import CLibXML2
import CVConformPlatform

/// libxml2's streaming reader (xmlTextReader) seen as a sequence of events.
/// Every unsafe pointer and every libxml2 call of the trace reader is in
/// this file; the rest of the reader sees Swift values. (`TraceSchema`'s
/// RELAX NG check is a use of libxml2 of its own.)
///
/// Safety: DTDs are never loaded, entities never substituted, the network
/// never touched (no NOENT, DTDLOAD or HUGE), so libxml2's own limits refuse
/// giant text nodes and deep nesting. A reader is used by one thread at a
/// time; an element's attributes are valid until the next `read()`.
final class XMLStreamReader {
    private static let parseOptions: Int32 = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_NOBLANKS.rawValue
            | XML_PARSE_NOCDATA.rawValue
    )

    private let reader: xmlTextReaderPtr
    private let diagnostics: Diagnostics
    /// Keeps memory input alive: libxml2 does not copy it.
    private let memory: UnsafeMutableBufferPointer<CChar>?
    /// Owned by the reader; tags and attributes point to it, so copying
    /// them costs no reference counting.
    private let names: UnsafeMutablePointer<NameTable>
    /// The namespace `Tag.isInNamespace` asks about.
    private let namespace: String
    /// Namespaces are declared once, so after the first match one pointer
    /// comparison tells.
    @exclusivity(unchecked) private var namespacePointer: UnsafePointer<xmlChar>?

    // Touched for every node: a reader is used by one thread at a time, so
    // the runtime's exclusivity checks are left out.
    @exclusivity(unchecked) private var startTags = 0
    @exclusivity(unchecked) private var endTags = 0
    @exclusivity(unchecked) private var events = 0
    @exclusivity(unchecked) private var mode = Mode.reading
    /// The node of the last event and what that event was, from which
    /// draining would go on.
    @exclusivity(unchecked) private var last: Delivered?
    /// The document, once asked for by `xmlTextReaderCurrentDoc`: from
    /// then on libxml2 leaves it to the caller to free ("preserve"), so
    /// `deinit` does.
    private var preservedDocument: xmlDocPtr?

    private enum Mode {
        /// Reading with libxml2.
        case reading
        /// libxml2 has failed: the nodes it built before failing are walked
        /// from `cursor`, then the failure is reported.
        case draining(cursor: Cursor?, failure: XMLFailure)
        case done(XMLEvent)
    }

    private struct Delivered {
        var node: xmlNodePtr
        /// A start tag whose content is still to come.
        var entered: Bool
    }

    /// Opens a file for streaming.
    init(file path: String, namespace: String) throws(TraceError) {
        xmlInitParser()
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw TraceError(.unreadable, at: SourceLocation(file: path, line: 0, column: 0), "no such file")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG, access(path, R_OK) == 0 else {
            throw TraceError(.unreadable, at: SourceLocation(file: path, line: 0, column: 0), "not a readable file")
        }
        let diagnostics = Diagnostics()
        guard let created = diagnostics.scoped({ xmlReaderForFile(path, nil, Self.parseOptions) }) else {
            throw TraceError(.unreadable, at: SourceLocation(file: path, line: 0, column: 0), "libxml2 cannot open the file")
        }
        self.reader = created
        self.diagnostics = diagnostics
        self.memory = nil
        self.namespace = namespace
        self.names = NameTable.allocate(namespace: namespace)
        diagnostics.attach(to: created)
    }

    /// Reads UTF-8 bytes held in memory; `name` stands for the file in errors.
    init(bytes: [UInt8], name: String, namespace: String) throws(TraceError) {
        xmlInitParser()
        guard let count = Int32(exactly: bytes.count) else {
            throw TraceError(.unreadable, at: SourceLocation(file: name, line: 0, column: 0), "the text is longer than libxml2 reads from memory (2 GiB)")
        }
        let buffer = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(bytes.count, 1))
        bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
        let diagnostics = Diagnostics()
        guard let base = buffer.baseAddress,
              let created = diagnostics.scoped({ xmlReaderForMemory(base, count, nil, "UTF-8", Self.parseOptions) })
        else {
            buffer.deallocate()
            throw TraceError(.unreadable, at: SourceLocation(file: name, line: 0, column: 0), "libxml2 cannot read the text")
        }
        self.reader = created
        self.diagnostics = diagnostics
        self.memory = buffer
        self.namespace = namespace
        self.names = NameTable.allocate(namespace: namespace)
        diagnostics.attach(to: created)
    }

    deinit {
        xmlFreeTextReader(reader)
        // After the reader: the document holds its own reference to the
        // parser's dictionary, which its names live in.
        if let preservedDocument { xmlFreeDoc(preservedDocument) }
        memory?.deallocate()
        names.deinitialize(count: 1)
        names.deallocate()
    }

    /// Runs `body` with every libxml2 diagnostic of this thread going to this
    /// reader. libxml2 raises some errors (encoding, input) without a parser,
    /// and those go to the thread's handler, by default stderr. The thread's
    /// handler is libxml2's per-thread state, so readers on other threads are
    /// not disturbed; it is put back afterwards.
    func withDiagnostics<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        try diagnostics.scoped(body)
    }

    /// The parser's line: it runs ahead of the reader.
    var parserLine: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }

    // MARK: - Events

    /// The next event. After `.endOfDocument` or `.failure` it repeats.
    func read() -> XMLEvent {
        while true {
            switch mode {
            case .done(let event):
                return event
            case .draining(let cursor, let failure):
                if let event = drain(from: cursor, failure: failure) { return event }
            case .reading:
                let status = xmlTextReaderRead(reader)
                let current = xmlTextReaderCurrentNode(reader)
                if diagnostics.hasFailure || status < 0 {
                    let failure = diagnostics.failure
                        ?? XMLFailure(line: parserLine, column: 0, message: "the XML is not well formed", isFatal: true)
                    startDraining(status: status, current: current, failure: failure)
                    continue
                }
                if status == 0 {
                    mode = .done(.endOfDocument)
                    return .endOfDocument
                }
                if let event = readerEvent(current) { return event }
            }
        }
    }

    /// The event for the node the reader stands on; nil for nodes a trace
    /// ignores (comments, processing instructions, white space).
    private func readerEvent(_ node: xmlNodePtr?) -> XMLEvent? {
        switch xmlTextReaderNodeType(reader) {
        case Int32(XML_READER_TYPE_ELEMENT.rawValue):
            guard let node else { return nil }
            let isEmpty = xmlTextReaderIsEmptyElement(reader) == 1
            last = Delivered(node: node, entered: !isEmpty)
            return .startElement(element(node, depth: Int(xmlTextReaderDepth(reader)), isEmpty: isEmpty))
        case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
            if let node { last = Delivered(node: node, entered: false) }
            return endElement(depth: Int(xmlTextReaderDepth(reader)))
        case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue):
            guard let node else { return nil }
            last = Delivered(node: node, entered: false)
            return text(xmlTextReaderConstValue(reader), line: Int(xmlGetLineNo(node)))
        case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue):
            mode = .done(.doctype)
            return .doctype
        case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue), Int32(XML_READER_TYPE_ENTITY.rawValue):
            let event = XMLEvent.entityReference(line: node.map(Self.line(of:)) ?? parserLine)
            mode = .done(event)
            return event
        default:
            if let node { last = Delivered(node: node, entered: false) }
            return nil
        }
    }

    private func element(_ node: xmlNodePtr, depth: Int, isEmpty: Bool) -> Tag {
        let ordinal = startTags
        startTags += 1
        events += 1
        var inNamespace = false
        if let href = node.pointee.ns?.pointee.href {
            if href == namespacePointer {
                inNamespace = true
            } else if String(cString: href) == namespace {
                inNamespace = true
                namespacePointer = href
            }
        }
        return Tag(
            node: node, names: names, depth: depth, line: Self.line(of: node), ordinal: ordinal, order: events,
            isEmpty: isEmpty, nameID: names.pointee.id(node.pointee.name), isInNamespace: inNamespace
        )
    }

    private func endElement(depth: Int) -> XMLEvent {
        endTags += 1
        events += 1
        return .endElement(depth: depth)
    }

    private func text(_ content: UnsafePointer<xmlChar>?, line: Int) -> XMLEvent {
        events += 1
        return .text(XMLText(content: content.map { String(cString: $0) } ?? "", line: line, startTags: startTags, endTags: endTags, order: events))
    }

    /// libxml2 records an element's line where its start tag ends, in 16
    /// bits; beyond that xmlGetLineNo estimates it from nearby nodes.
    private static func line(of node: xmlNodePtr) -> Int {
        let short = Int(node.pointee.line)
        return short < 65535 ? short : Int(xmlGetLineNo(node))
    }

    // MARK: - After a failure

    /// Where the walk over the nodes libxml2 built before it failed stands.
    private struct Cursor {
        var node: xmlNodePtr
        var depth: Int
        var step: Step

        enum Step {
            /// The node itself is next.
            case node
            /// Its first child is next.
            case children
            /// Its end tag is next.
            case end
            /// What follows it is next.
            case after
        }
    }

    /// libxml2 reads ahead, so its failure may stand after nodes the reader
    /// has not handed out yet; those are walked first, so that problems are
    /// reported in file order. A fatal error stops libxml2, so every node it
    /// built stands before the error.
    ///
    /// Walking starts where the reader stands, never behind it: as it moves
    /// on, the reader frees the nodes it leaves (a previous sibling, an
    /// element whose end it passed), and it may move and then fail in the
    /// same call (it reads on to complete a text node). So the node of the
    /// last event is used only while the reader still stands on it.
    private func startDraining(status: Int32, current: xmlNodePtr?, failure: XMLFailure) {
        var cursor: Cursor?
        if let current, status == 1 || current != last?.node {
            // The node just read, or the one the reader moved to before it
            // failed: not handed out yet, and before the failure.
            let isEnd = xmlTextReaderNodeType(reader) == Int32(XML_READER_TYPE_END_ELEMENT.rawValue)
            cursor = Cursor(node: current, depth: Self.depth(of: current), step: isEnd ? .end : .node)
        } else if let last {
            cursor = Cursor(node: last.node, depth: Self.depth(of: last.node), step: last.entered ? .children : .after)
        } else if let document = xmlTextReaderCurrentDoc(reader) {
            preservedDocument = document
            if let first = document.pointee.children { cursor = Cursor(node: first, depth: 0, step: .node) }
        }
        mode = .draining(cursor: cursor, failure: failure)
    }

    /// The next event of the walk, or nil when the walk moved without one.
    private func drain(from cursor: Cursor?, failure: XMLFailure) -> XMLEvent? {
        guard let cursor else {
            mode = .done(.failure(failure))
            return .failure(failure)
        }
        let node = cursor.node
        func go(_ next: Cursor?) { mode = .draining(cursor: next, failure: failure) }
        switch cursor.step {
        case .node:
            // An error that did not stop the parser (level error) may have
            // nodes after it, on its line and beyond: stop before them.
            if !failure.isFatal, failure.line > 0, Self.line(of: node) >= failure.line {
                go(nil)
                return nil
            }
            go(Cursor(node: node, depth: cursor.depth, step: .after))
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                let isEmpty = node.pointee.children == nil && (node.pointee.extra & 1) != 0 // xmlreader.c's NODE_IS_EMPTY
                if !isEmpty { go(Cursor(node: node, depth: cursor.depth, step: .children)) }
                return .startElement(element(node, depth: cursor.depth, isEmpty: isEmpty))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                return text(UnsafePointer(node.pointee.content), line: Int(xmlGetLineNo(node)))
            case XML_DTD_NODE, XML_DOCUMENT_TYPE_NODE:
                mode = .done(.doctype)
                return .doctype
            case XML_ENTITY_REF_NODE, XML_ENTITY_NODE:
                let event = XMLEvent.entityReference(line: Self.line(of: node))
                mode = .done(event)
                return event
            default:
                return nil
            }
        case .children:
            if let child = node.pointee.children {
                go(Cursor(node: child, depth: cursor.depth + 1, step: .node))
            } else {
                // Nothing was read inside: the element closed only if something follows it.
                go(node.pointee.next == nil ? nil : Cursor(node: node, depth: cursor.depth, step: .end))
            }
            return nil
        case .end:
            go(Cursor(node: node, depth: cursor.depth, step: .after))
            return endElement(depth: cursor.depth)
        case .after:
            if let next = node.pointee.next {
                go(Cursor(node: next, depth: cursor.depth, step: .node))
            } else if let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE, parent.pointee.next != nil {
                // The parent closed, since something follows it.
                go(Cursor(node: parent, depth: cursor.depth - 1, step: .end))
            } else {
                go(nil)
            }
            return nil
        }
    }

    private static func depth(of node: xmlNodePtr) -> Int {
        var depth = 0
        var parent = node.pointee.parent
        while let current = parent, current.pointee.type == XML_ELEMENT_NODE {
            depth += 1
            parent = current.pointee.parent
        }
        return depth
    }
}

extension XMLStreamReader {
    /// A start tag in libxml2's tree: pointers and numbers, strings only
    /// when asked for.
    struct Tag: StartTag {
        fileprivate let node: xmlNodePtr
        fileprivate let names: UnsafeMutablePointer<NameTable>
        let depth: Int
        let line: Int
        let ordinal: Int
        let order: Int
        let isEmpty: Bool
        let nameID: Int
        let isInNamespace: Bool

        var localName: String { names.pointee.string(id: nameID, node.pointee.name) }

        var namespace: String? {
            guard !isInNamespace, let href = node.pointee.ns?.pointee.href else { return nil }
            return String(cString: href)
        }

        var attributes: Attributes { Attributes(first: node.pointee.properties, names: names) }
    }

    /// A tag's attributes, walked on libxml2's list.
    struct Attributes: Sequence, IteratorProtocol {
        fileprivate var first: UnsafeMutablePointer<xmlAttr>?
        fileprivate let names: UnsafeMutablePointer<NameTable>

        mutating func next() -> Attribute? {
            guard let current = first else { return nil }
            first = current.pointee.next
            return Attribute(attribute: current, names: names, nameID: names.pointee.id(current.pointee.name))
        }
    }

    struct Attribute: TagAttribute {
        fileprivate let attribute: UnsafeMutablePointer<xmlAttr>
        fileprivate let names: UnsafeMutablePointer<NameTable>
        let nameID: Int

        var name: String { names.pointee.string(id: nameID, attribute.pointee.name) }

        var namespace: AttributeNamespace {
            guard let href = attribute.pointee.ns?.pointee.href else { return .none }
            return String(cString: href) == names.pointee.namespace ? .ours : .other
        }

        var value: String {
            if let content = simpleText { return String(cString: content) }
            // Several children (rare): libxml2 joins them.
            guard let joined = xmlNodeListGetString(attribute.pointee.doc, attribute.pointee.children, 1) else { return "" }
            defer { cvc_xmlFree(joined) }
            return String(cString: joined)
        }

        func lookup<Value>(in table: borrowing ByteTable<Value>) -> Value? {
            guard let content = simpleText else { return nil }
            let length = strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
            return table.lookup(UnsafeBufferPointer(start: content, count: length))
        }

        /// The text of an attribute with one plain text child, as libxml2 holds it.
        private var simpleText: UnsafePointer<xmlChar>? {
            guard let child = attribute.pointee.children, child.pointee.next == nil, child.pointee.type == XML_TEXT_NODE else {
                return nil
            }
            return UnsafePointer(child.pointee.content)
        }
    }
}

// MARK: - Names and diagnostics

/// libxml2 interns names in its dictionary, so one pointer stands for one
/// name for the whole document: names become Swift strings once, not once
/// per element, and get small numbers. The first 64 distinct names are kept,
/// found by their pointer in a small open-addressing table.
private struct NameTable {
    /// The namespace the reader was made for.
    let namespace: String
    private static let capacity = 64
    private static let slotCount = 128
    private var slots = [(pointer: UnsafePointer<xmlChar>?, id: Int)](repeating: (nil, -1), count: slotCount)
    private var names: [String] = []

    static func allocate(namespace: String) -> UnsafeMutablePointer<NameTable> {
        let table = UnsafeMutablePointer<NameTable>.allocate(capacity: 1)
        table.initialize(to: NameTable(namespace: namespace))
        return table
    }

    /// The name's number, -1 when the table is full.
    mutating func id(_ pointer: UnsafePointer<xmlChar>?) -> Int {
        guard let pointer else { return -1 }
        // Fibonacci hashing of the address; names are at least 8 bytes apart.
        var slot = Int(truncatingIfNeeded: ((UInt(bitPattern: pointer) >> 3) &* 11400714819323198485) >> 57)
        while let found = slots[slot].pointer {
            if found == pointer { return slots[slot].id }
            slot = (slot + 1) & (Self.slotCount - 1)
        }
        guard names.count < Self.capacity else { return -1 }
        names.append(String(cString: pointer))
        slots[slot] = (pointer, names.count - 1)
        return names.count - 1
    }

    /// The name for a number from `id`, or made from the pointer when the
    /// table had no room.
    func string(id: Int, _ pointer: UnsafePointer<xmlChar>?) -> String {
        if id >= 0 { return names[id] }
        return pointer.map { String(cString: $0) } ?? ""
    }
}

/// What libxml2 reports about one reader. The parser's own errors come
/// through the reader's structured handler; those libxml2 raises without a
/// parser (encoding, input) come through the thread's handler while
/// `scoped` runs. Only the first error counts: later ones follow from it.
private final class Diagnostics {
    private(set) var failure: XMLFailure?
    /// Checked after every node: a plain flag is cheaper than the optional.
    private(set) var hasFailure = false
    private var reader: xmlTextReaderPtr?

    private var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    private static let handler: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        Unmanaged<Diagnostics>.fromOpaque(context).takeUnretainedValue().record(error.pointee)
    }

    func attach(to reader: xmlTextReaderPtr) {
        self.reader = reader
        xmlTextReaderSetStructuredErrorHandler(reader, Self.handler, context)
    }

    func scoped<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        let previousHandler = __xmlStructuredError().pointee
        let previousContext = __xmlStructuredErrorContext().pointee
        xmlSetStructuredErrorFunc(context, Self.handler)
        defer { xmlSetStructuredErrorFunc(previousContext, previousHandler) }
        return try body()
    }

    private func record(_ error: xmlError) {
        guard failure == nil, error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        var text = error.message.map { String(cString: $0) } ?? "XML error \(error.code)"
        while let last = text.last, last.isNewline || last == " " { text.removeLast() }
        if error.code == Int32(XML_ERR_INTERNAL_ERROR.rawValue) || text.contains("XML_PARSE_HUGE") || text.contains("huge") {
            text += " (cvconform never lifts libxml2's limits)"
        }
        var line = Int(error.line)
        // Errors raised without a parser have no line: the parser's, at least 1.
        if line == 0 { line = max(reader.map { Int(xmlTextReaderGetParserLineNumber($0)) } ?? 1, 1) }
        failure = XMLFailure(line: line, column: Int(error.int2), message: "XML: " + text,
                             isFatal: error.level.rawValue >= XML_ERR_FATAL.rawValue)
        hasFailure = true
    }
}
