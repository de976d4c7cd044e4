import CLibXML2
import CVConformPlatform

/// libxml2's push parser with SAX2 callbacks, seen as a sequence of events.
/// Every unsafe pointer and every libxml2 call of the trace reader is in
/// this file; the rest of the reader sees Swift values. (`TraceSchema`'s
/// RELAX NG check is a use of libxml2 of its own.)
///
/// SAX, not libxml2's streaming reader (xmlTextReader): the reader builds a
/// tree node for every element, attribute and text and frees it again, which
/// was about half of reading a trace (a SAX parse of the benchmark's 100 MB
/// trace takes 0.5–0.6× `xmllint --stream`'s time). The file is fed in
/// chunks; the events of a chunk are queued, with the bytes of their
/// attributes and texts in an arena, and handed out one by one.
///
/// Safety: DTDs are never loaded, entities never substituted, the network
/// never touched (no NOENT, DTDLOAD or HUGE), so libxml2's own limits refuse
/// giant names and attribute values and deep nesting; a text longer than
/// libxml2's own limit for one is refused here. A reader is used by one
/// thread at a time; an element's attributes are valid until the next
/// `read()`.
final class XMLStreamReader {
    private static let parseOptions: Int32 = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_NOCDATA.rawValue
    )
    /// Bytes fed to the parser at a time: a chunk's events, their bytes and
    /// libxml2's buffer stay in a core's cache (256 KB took 1.03× the time).
    private static let chunkSize = 64 << 10
    /// Bytes fed at a time when the input is in another encoding than
    /// UTF-8: libxml2's streaming reader's.
    private static let encodedPieceSize = 512
    /// libxml2's limit for one text node without XML_PARSE_HUGE.
    private static let maximumTextLength = 10_000_000

    private var context: xmlParserCtxtPtr?
    private let input: Input
    private let diagnostics = Diagnostics()
    /// Owned by the reader; tags and attributes point to it, so copying
    /// them costs no reference counting.
    private let names: UnsafeMutablePointer<NameTable>
    /// The bytes of the queued events' attribute values and texts.
    private let arena: UnsafeMutablePointer<Arena>
    /// The namespace `Tag.isInNamespace` asks about.
    private let namespace: String
    /// Namespaces are interned in libxml2's dictionary, so after the first
    /// match one pointer comparison tells.
    @exclusivity(unchecked) private var namespacePointer: UnsafePointer<xmlChar>?

    // Touched for every event: a reader is used by one thread at a time,
    // so the runtime's exclusivity checks are left out.
    @exclusivity(unchecked) private var queue: [Queued] = []
    @exclusivity(unchecked) private var nextQueued = 0
    @exclusivity(unchecked) private var startTags = 0
    @exclusivity(unchecked) private var endTags = 0
    @exclusivity(unchecked) private var events = 0
    @exclusivity(unchecked) private var depth = 0
    /// The elements started and not ended, innermost last: their names (in
    /// libxml2's dictionary) and lines, to say which one a cut-off file
    /// leaves open.
    @exclusivity(unchecked) private var openElements: [(name: UnsafePointer<xmlChar>?, line: Int)] = []
    /// The parser is being told that the input ended.
    @exclusivity(unchecked) private var endingInput = false
    /// The element just started is empty (`<x/>`): libxml2 ends it at
    /// once, and the reader gives no end for it.
    @exclusivity(unchecked) private var swallowNextEnd = false
    /// The last event was a start tag that is not empty: text now is the
    /// start of its content.
    @exclusivity(unchecked) private var lastWasStart = false
    /// Text read since the last other event, in the arena from this offset.
    @exclusivity(unchecked) private var pendingText: (start: Int, line: Int)?
    @exclusivity(unchecked) private var finished: XMLEvent?
    /// Where the input is read into, a chunk at a time.
    @exclusivity(unchecked) private var chunk = [UInt8](repeating: 0, count: XMLStreamReader.chunkSize)
    /// A piece of input after the first bytes was fed.
    @exclusivity(unchecked) private var fedOnce = false
    /// The input is all fed, or the parser stopped.
    @exclusivity(unchecked) private var inputEnded = false

    /// What an event of the queue holds until it is handed out.
    private enum Queued {
        case start(Tag)
        case end(depth: Int)
        case text(start: Int, count: Int, line: Int, startTags: Int, endTags: Int, order: Int)
        case doctype
        case entityReference(line: Int)
    }

    private enum Input {
        case file(Int32)
        /// The bytes (the buffer holds at least one, even for none) and
        /// where reading goes on.
        case memory(UnsafeMutableBufferPointer<UInt8>, count: Int, next: Int)
    }
    @exclusivity(unchecked) private var source: Input

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
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw TraceError(.unreadable, at: SourceLocation(file: path, line: 0, column: 0), "cannot open the file")
        }
        input = .file(descriptor)
        source = input
        self.namespace = namespace
        names = NameTable.allocate(namespace: namespace)
        arena = Arena.allocate()
        guard start(name: path) else {
            throw TraceError(.unreadable, at: SourceLocation(file: path, line: 0, column: 0), "libxml2 cannot open the file")
        }
    }

    /// Reads UTF-8 bytes held in memory; `name` stands for the file in errors.
    init(bytes: [UInt8], name: String, namespace: String) throws(TraceError) {
        xmlInitParser()
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        _ = buffer.initialize(from: bytes)
        input = .memory(buffer, count: bytes.count, next: 0)
        source = input
        self.namespace = namespace
        names = NameTable.allocate(namespace: namespace)
        arena = Arena.allocate()
        guard start(name: name) else {
            throw TraceError(.unreadable, at: SourceLocation(file: name, line: 0, column: 0), "libxml2 cannot read the text")
        }
    }

    deinit {
        if let context {
            // The document libxml2 may have begun is not ours: there is none
            // without a tree, but free whatever it made.
            if let document = context.pointee.myDoc { xmlFreeDoc(document) }
            xmlFreeParserCtxt(context)
        }
        switch input {
        case .file(let descriptor): close(descriptor)
        case .memory(let buffer, _, _): buffer.deallocate()
        }
        names.deinitialize(count: 1)
        names.deallocate()
        arena.pointee.deallocate()
        arena.deinitialize(count: 1)
        arena.deallocate()
    }

    /// Makes the push parser with the first bytes, from which libxml2 tells
    /// the encoding.
    private func start(name: String) -> Bool {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = { user, localName, _, uri, _, _, attributeCount, defaultedCount, attributes in
            guard let user else { return }
            let reader = Unmanaged<XMLStreamReader>.fromOpaque(user).takeUnretainedValue()
            reader.startElement(localName, uri, Int(attributeCount + defaultedCount), attributes)
        }
        handler.endElementNs = { user, _, _, _ in
            guard let user else { return }
            Unmanaged<XMLStreamReader>.fromOpaque(user).takeUnretainedValue().endElement()
        }
        handler.characters = { user, characters, length in
            guard let user, let characters else { return }
            Unmanaged<XMLStreamReader>.fromOpaque(user).takeUnretainedValue().characters(characters, Int(length))
        }
        // The same function: libxml2 then never guesses which white space
        // is ignorable; `flushText` decides as its streaming reader did.
        handler.ignorableWhitespace = handler.characters
        handler.comment = { user, _ in
            guard let user else { return }
            Unmanaged<XMLStreamReader>.fromOpaque(user).takeUnretainedValue().flushText()
        }
        handler.processingInstruction = { user, _, _ in
            guard let user else { return }
            Unmanaged<XMLStreamReader>.fromOpaque(user).takeUnretainedValue().flushText()
        }
        handler.internalSubset = { user, _, _, _ in
            guard let user else { return }
            Unmanaged<XMLStreamReader>.fromOpaque(user).takeUnretainedValue().enqueue(.doctype)
        }
        handler.reference = { user, _ in
            guard let user else { return }
            let reader = Unmanaged<XMLStreamReader>.fromOpaque(user).takeUnretainedValue()
            reader.enqueue(.entityReference(line: reader.parserLine))
        }
        handler.serror = Diagnostics.handler
        let user = Unmanaged.passUnretained(self).toOpaque()
        var first = [UInt8](repeating: 0, count: 4)
        let count = readInput(into: &first)
        let made = diagnostics.scoped {
            first.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { xmlCreatePushParserCtxt(&handler, user, $0.baseAddress, Int32(count), name) }
            }
        }
        guard let made else { return false }
        context = made
        diagnostics.context = made
        xmlCtxtUseOptions(made, Self.parseOptions)
        if count < first.count { finishInput() }
        return true
    }

    /// Runs `body` with every libxml2 diagnostic of this thread going to this
    /// reader. libxml2 raises some errors (encoding, input) without a parser,
    /// and those go to the thread's handler, by default stderr. The thread's
    /// handler is libxml2's per-thread state, so readers on other threads are
    /// not disturbed; it is put back afterwards.
    func withDiagnostics<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        try diagnostics.scoped(body)
    }

    /// The parser's line: it runs ahead of the events handed out.
    var parserLine: Int { context.flatMap { $0.pointee.input.map { Int($0.pointee.line) } } ?? 0 }

    // MARK: - Events

    /// The next event. After `.endOfDocument` or `.failure` it repeats.
    func read() -> XMLEvent {
        while true {
            if let finished { return finished }
            if nextQueued < queue.count {
                let event = handOut(queue[nextQueued])
                nextQueued += 1
                return event
            }
            if let failure = diagnostics.failure {
                finished = .failure(failure)
            } else if inputEnded {
                finished = .endOfDocument
            } else {
                feed()
            }
        }
    }

    private func handOut(_ queued: Queued) -> XMLEvent {
        switch queued {
        case .start(let tag):
            return .startElement(tag)
        case .end(let depth):
            return .endElement(depth: depth)
        case .text(let start, let count, let line, let startTags, let endTags, let order):
            let content = String(decoding: UnsafeBufferPointer(start: arena.pointee.bytes + start, count: count), as: UTF8.self)
            return .text(XMLText(content: content, line: line, startTags: startTags, endTags: endTags, order: order))
        case .doctype:
            finished = .doctype
            return .doctype
        case .entityReference(let line):
            let event = XMLEvent.entityReference(line: line)
            finished = event
            return event
        }
    }

    /// Parses the next chunk of input, queueing its events (the queue and
    /// the arena start again: what was handed out before is done with).
    private func feed() {
        queue.removeAll(keepingCapacity: true)
        nextQueued = 0
        // A text may go on in the next chunk: its bytes so far stay.
        if let text = pendingText {
            arena.pointee.keepBytes(from: text.start)
            pendingText = (0, text.line)
        } else {
            arena.pointee.count = 0
        }
        arena.pointee.attributeCount = 0
        guard let context else {
            inputEnded = true
            return
        }
        // Input in another encoding is converted a whole chunk at a time
        // before it is parsed: in libxml2's streaming reader's pieces, an
        // input error is found near where it stands, with the events before
        // it (its line, the trace's id).
        // The first piece is small too: the XML declaration that names the
        // encoding is in it.
        let hasEncoder = context.pointee.input?.pointee.buf?.pointee.encoder != nil
        let wanted = hasEncoder || !fedOnce ? Self.encodedPieceSize : chunk.count
        fedOnce = true
        let count = readInput(into: &chunk, limit: wanted)
        if count > 0 {
            cvc_silenceGenericErrors()
            _ = chunk.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { xmlParseChunk(context, $0.baseAddress, Int32(count), 0) }
            }
            cvc_restoreGenericErrors()
        }
        if count < wanted {
            finishInput()
        } else if context.pointee.disableSAX != 0 || diagnostics.failure != nil {
            // The parser stopped: nothing more is read.
            inputEnded = true
            if diagnostics.failure == nil && context.pointee.wellFormed == 0 { failNotWellFormed() }
        }
    }

    private func failNotWellFormed() {
        diagnostics.fail(XMLFailure(line: parserLine, column: 0, message: "the XML is not well formed", isFatal: true))
    }

    /// Tells the parser the input ended, and ends what it read last.
    private func finishInput() {
        guard let context, !inputEnded else { return }
        cvc_silenceGenericErrors()
        endingInput = true
        xmlParseChunk(context, nil, 0, 1)
        endingInput = false
        cvc_restoreGenericErrors()
        flushText()
        inputEnded = true
        if diagnostics.failure == nil && context.pointee.wellFormed == 0 { failNotWellFormed() }
    }

    /// Up to `buffer.count` bytes of input; fewer only at its end (or on a
    /// read error, which then ends it).
    private func readInput(into buffer: inout [UInt8], limit: Int? = nil) -> Int {
        let wanted = min(limit ?? buffer.count, buffer.count)
        var filled = 0
        while filled < wanted {
            let got: Int
            switch source {
            case .file(let descriptor):
                got = buffer.withUnsafeMutableBytes { readFile(descriptor, $0.baseAddress.map { $0 + filled }, wanted - filled) }
                if got < 0 && errno == EINTR { continue }
            case .memory(let bytes, let count, let next):
                got = min(wanted - filled, count - next)
                if got > 0, let from = bytes.baseAddress {
                    buffer.withUnsafeMutableBytes { target in
                        (target.baseAddress.map { $0 + filled })?.copyMemory(from: from + next, byteCount: got)
                    }
                }
                source = .memory(bytes, count: count, next: next + got)
            }
            guard got > 0 else { break }
            filled += got
        }
        return filled
    }

    // MARK: - SAX callbacks

    private func enqueue(_ queued: Queued) {
        flushText()
        // An error that did not stop the parser: nothing after it.
        guard diagnostics.failure == nil else { return }
        queue.append(queued)
    }

    private func startElement(_ localName: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?, _ attributeCount: Int,
                              _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        flushText()
        guard diagnostics.failure == nil, let context else { return }
        let ordinal = startTags
        startTags += 1
        events += 1
        var inNamespace = false
        if let uri {
            if uri == namespacePointer {
                inNamespace = true
            } else if String(cString: uri) == namespace {
                inNamespace = true
                namespacePointer = uri
            }
        }
        // libxml2 calls this before it reads the tag's end: "/>" is an
        // empty element.
        let cursor = context.pointee.input?.pointee.cur
        let isEmpty = cursor.map { $0[0] == UInt8(ascii: "/") && $0[1] == UInt8(ascii: ">") } ?? false
        let firstAttribute = arena.pointee.attributeCount
        if let attributes {
            for index in 0..<attributeCount {
                let fields = attributes + index * 5
                guard let name = fields[0] else { continue }
                let valueStart = fields[3], valueEnd = fields[4]
                var length = valueStart.flatMap { start in valueEnd.map { $0 - start } } ?? 0
                let offset: Int
                if let valueStart, length > 0, memchr(valueStart, Int32(UInt8(ascii: "&")), length) != nil,
                   let decoded = xmlStringLenDecodeEntities(context, valueStart, Int32(length), XML_SUBSTITUTE_REF, 0, 0, 0) {
                    // The parser leaves character and entity references in
                    // attribute values to the SAX handler (libxml2's own
                    // decodes them the same way).
                    length = strlen(UnsafeRawPointer(decoded).assumingMemoryBound(to: CChar.self))
                    offset = arena.pointee.append(decoded, count: length)
                    cvc_xmlFree(decoded)
                } else {
                    offset = arena.pointee.append(valueStart, count: length)
                }
                arena.pointee.appendAttribute(AttributeRecord(
                    name: name, nameID: names.pointee.id(name), namespace: fields[2], value: offset, length: length))
            }
        }
        let tag = Tag(
            names: names, arena: arena, depth: depth, line: parserLine, ordinal: ordinal, order: events,
            isEmpty: isEmpty, nameID: names.pointee.id(localName), localNamePointer: localName, namespacePointer: uri,
            isInNamespace: inNamespace, firstAttribute: firstAttribute, attributeCount: arena.pointee.attributeCount - firstAttribute
        )
        queue.append(.start(tag))
        if isEmpty {
            swallowNextEnd = true
        } else {
            depth += 1
            openElements.append((localName, parserLine))
            lastWasStart = true
        }
    }

    private func endElement() {
        if swallowNextEnd {
            swallowNextEnd = false
            return
        }
        flushText(endingElement: true)
        depth -= 1
        _ = openElements.popLast()
        guard diagnostics.failure == nil else { return }
        endTags += 1
        events += 1
        queue.append(.end(depth: depth))
    }

    private func characters(_ characters: UnsafePointer<xmlChar>, _ length: Int) {
        guard diagnostics.failure == nil else { return }
        if pendingText == nil { pendingText = (arena.pointee.count, parserLine) }
        if let pendingText, arena.pointee.count - pendingText.start + length > Self.maximumTextLength {
            let column = context.flatMap { $0.pointee.input.map { Int($0.pointee.col) } } ?? 0
            diagnostics.fail(XMLFailure(line: parserLine, column: column,
                                        message: "XML: text node longer than \(Self.maximumTextLength) bytes (cvconform never lifts libxml2's limits)",
                                        isFatal: true))
            if let context { xmlStopParser(context) }
            return
        }
        _ = arena.pointee.append(characters, count: length)
    }

    /// Ends the text read so far: one event, or none when it is white space
    /// between elements, which libxml2's streaming reader left out too (it
    /// kept the white space that is all of an element's content).
    private func flushText(endingElement: Bool = false) {
        defer { lastWasStart = false }
        guard let text = pendingText else { return }
        pendingText = nil
        let count = arena.pointee.count - text.start
        guard diagnostics.failure == nil else { return }
        if !(endingElement && lastWasStart) {
            let bytes = UnsafeBufferPointer(start: arena.pointee.bytes + text.start, count: count)
            if bytes.allSatisfy(Values.isXMLSpace) { return }
        }
        events += 1
        queue.append(.text(start: text.start, count: count, line: text.line, startTags: startTags, endTags: endTags, order: events))
    }
}

extension XMLStreamReader {
    /// A start tag: pointers into libxml2's dictionary and the reader's
    /// arena, and numbers; strings only when asked for.
    struct Tag: StartTag {
        fileprivate let names: UnsafeMutablePointer<NameTable>
        fileprivate let arena: UnsafeMutablePointer<Arena>
        let depth: Int
        let line: Int
        let ordinal: Int
        let order: Int
        let isEmpty: Bool
        let nameID: Int
        fileprivate let localNamePointer: UnsafePointer<xmlChar>?
        fileprivate let namespacePointer: UnsafePointer<xmlChar>?
        let isInNamespace: Bool
        fileprivate let firstAttribute: Int
        fileprivate let attributeCount: Int

        var localName: String { names.pointee.string(id: nameID, localNamePointer) }

        var namespace: String? {
            guard !isInNamespace, let namespacePointer else { return nil }
            return String(cString: namespacePointer)
        }

        var attributes: Attributes { Attributes(position: firstAttribute, end: firstAttribute + attributeCount, names: names, arena: arena) }
    }

    /// A tag's attributes, in document order.
    struct Attributes: Sequence, IteratorProtocol {
        fileprivate var position: Int
        fileprivate let end: Int
        fileprivate let names: UnsafeMutablePointer<NameTable>
        fileprivate let arena: UnsafeMutablePointer<Arena>

        mutating func next() -> Attribute? {
            guard position < end else { return nil }
            defer { position += 1 }
            return Attribute(record: arena.pointee.attributes[position], names: names, arena: arena)
        }
    }

    struct Attribute: TagAttribute {
        fileprivate let record: AttributeRecord
        fileprivate let names: UnsafeMutablePointer<NameTable>
        fileprivate let arena: UnsafeMutablePointer<Arena>

        var nameID: Int { record.nameID }
        var name: String { names.pointee.string(id: record.nameID, record.name) }

        var namespace: AttributeNamespace {
            guard let href = record.namespace else { return .none }
            return String(cString: href) == names.pointee.namespace ? .ours : .other
        }

        private var bytes: UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(start: arena.pointee.bytes + record.value, count: record.length)
        }

        var value: String { String(decoding: bytes, as: UTF8.self) }

        func lookup<Value>(in table: borrowing ByteTable<Value>) -> Value? { table.lookup(bytes) }
    }

    /// An attribute as the SAX callback gave it, its value copied into the
    /// arena.
    fileprivate struct AttributeRecord {
        var name: UnsafePointer<xmlChar>
        var nameID: Int
        var namespace: UnsafePointer<xmlChar>?
        var value: Int
        var length: Int
    }

    /// The bytes and attributes of the queued events: grown as needed,
    /// emptied at every chunk.
    fileprivate struct Arena {
        var bytes: UnsafeMutablePointer<UInt8>
        var capacity: Int
        var count = 0
        var attributes: UnsafeMutablePointer<AttributeRecord>
        var attributeCapacity: Int
        var attributeCount = 0

        /// Small at first (a suite reads thousands of short traces, each
        /// with a reader of its own); a chunk's worth after a few doublings.
        static func allocate() -> UnsafeMutablePointer<Arena> {
            let arena = UnsafeMutablePointer<Arena>.allocate(capacity: 1)
            arena.initialize(to: Arena(bytes: .allocate(capacity: 16 << 10), capacity: 16 << 10,
                                       attributes: .allocate(capacity: 256), attributeCapacity: 256))
            return arena
        }

        func deallocate() {
            bytes.deallocate()
            attributes.deallocate()
        }

        /// Copies bytes in; returns where they start.
        mutating func append(_ source: UnsafePointer<xmlChar>?, count length: Int) -> Int {
            let start = count
            guard length > 0, let source else { return start }
            if count + length > capacity {
                let grown = max(capacity * 2, count + length)
                let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
                moved.moveInitialize(from: bytes, count: count)
                bytes.deallocate()
                bytes = moved
                capacity = grown
            }
            (bytes + count).initialize(from: source, count: length)
            count += length
            return start
        }

        /// Drops the bytes before `start` and moves the rest to the front.
        mutating func keepBytes(from start: Int) {
            let kept = count - start
            if start > 0 && kept > 0 { bytes.update(from: bytes + start, count: kept) }
            count = kept
        }

        mutating func appendAttribute(_ record: AttributeRecord) {
            if attributeCount == attributeCapacity {
                let grown = attributeCapacity * 2
                let moved = UnsafeMutablePointer<AttributeRecord>.allocate(capacity: grown)
                moved.moveInitialize(from: attributes, count: attributeCount)
                attributes.deallocate()
                attributes = moved
                attributeCapacity = grown
            }
            (attributes + attributeCount).initialize(to: record)
            attributeCount += 1
        }
    }
}

/// `read(2)`, named apart from `XMLStreamReader.read()`.
private func readFile(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
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

/// What libxml2 reports about one parser. The parser's own errors come
/// through its SAX handler; those libxml2 raises without a parser
/// (encoding, input) come through the thread's handler while `scoped` runs.
/// Only the first error counts: later ones follow from it.
private final class Diagnostics {
    private(set) var failure: XMLFailure?
    /// For the line of errors raised without one.
    var context: xmlParserCtxtPtr?

    private var handlerContext: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// The parser's errors: its user data is the reader.
    static let handler: xmlStructuredErrorFunc = { user, error in
        guard let user, let error else { return }
        Unmanaged<XMLStreamReader>.fromOpaque(user).takeUnretainedValue().record(error.pointee)
    }

    /// Errors raised without a parser, while `scoped` runs.
    private static let threadHandler: xmlStructuredErrorFunc = { user, error in
        guard let user, let error else { return }
        Unmanaged<Diagnostics>.fromOpaque(user).takeUnretainedValue().record(error.pointee)
    }

    func scoped<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        let previousHandler = __xmlStructuredError().pointee
        let previousContext = __xmlStructuredErrorContext().pointee
        xmlSetStructuredErrorFunc(handlerContext, Self.threadHandler)
        defer { xmlSetStructuredErrorFunc(previousContext, previousHandler) }
        return try body()
    }

    func fail(_ failure: XMLFailure) {
        if self.failure == nil { self.failure = failure }
    }

    func record(_ error: xmlError) {
        guard failure == nil, error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        // One line: libxml2 puts some details on a line of their own
        // ("Input is not proper UTF-8, indicate encoding !\nBytes: …").
        var text = (error.message.map { String(cString: $0) } ?? "XML error \(error.code)")
            .split(whereSeparator: \.isNewline).joined(separator: " ")
        while let last = text.last, last == " " { text.removeLast() }
        if error.code == Int32(XML_ERR_INTERNAL_ERROR.rawValue) || text.contains("XML_PARSE_HUGE") || text.contains("huge") {
            text += " (cvconform never lifts libxml2's limits)"
        }
        var line = Int(error.line)
        // Errors raised without a parser have no line: the parser's, at least 1.
        if line == 0 { line = max(context.flatMap { $0.pointee.input.map { Int($0.pointee.line) } } ?? 1, 1) }
        failure = XMLFailure(line: line, column: Int(error.int2), message: "XML: " + text,
                             isFatal: error.level.rawValue >= XML_ERR_FATAL.rawValue)
    }
}

extension XMLStreamReader {
    /// A parser error, through the reader (the SAX handler's user data).
    /// An error that did not stop the parser (level error) may stand
    /// after events of its own line that were queued already: those are
    /// not handed out (libxml2's streaming reader read them only after).
    fileprivate func record(_ error: xmlError) {
        let hadFailure = diagnostics.failure != nil
        // The text read before the error is an event before it.
        if !hadFailure && error.level.rawValue >= XML_ERR_ERROR.rawValue { flushText() }
        if endingInput, error.code == Int32(XML_ERR_DOCUMENT_END.rawValue), let open = openElements.last {
            // libxml2's push parser says "Extra content at the end of the
            // document" of a file that ends inside an element; its reader
            // (and xmllint) says what happened.
            let name = open.name.map { String(cString: $0) } ?? "?"
            diagnostics.fail(XMLFailure(
                line: Int(error.line), column: Int(error.int2),
                message: "XML: Premature end of data in tag \(name) line \(open.line) (the file ends before </\(name)>)",
                isFatal: true))
            return
        }
        diagnostics.record(error)
        guard !hadFailure, let failure = diagnostics.failure, !failure.isFatal, failure.line > 0 else { return }
        var kept = nextQueued
        while kept < queue.count && Self.line(of: queue[kept]) < failure.line { kept += 1 }
        queue.removeSubrange(kept...)
    }

    private static func line(of queued: Queued) -> Int {
        switch queued {
        case .start(let tag): return tag.line
        case .text(_, _, let line, _, _, _): return line
        case .entityReference(let line): return line
        case .end, .doctype: return 0
        }
    }
}
