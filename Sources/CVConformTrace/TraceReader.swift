import CLibXML2
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams a trace file with libxml2's xmlTextReader: the header first, then
/// one message at a time, so memory stays flat however long the trace is.
///
/// Safety: DTDs are never loaded, entities never substituted, the network
/// never touched, and any DOCTYPE makes the trace malformed. libxml2's own
/// limits (no XML_PARSE_HUGE) refuse giant text nodes and deep nesting.
/// A reader is confined to the task that made it.
public final class TraceReader {
    private static let parseOptions: Int32 = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_NOBLANKS.rawValue
            | XML_PARSE_NOCDATA.rawValue
    )

    /// Where the input comes from, for error columns (see `SourceText`).
    private let source: SourceText
    private let reader: xmlTextReaderPtr
    private let errors = ParserErrorSink()
    /// Keeps memory input alive: libxml2 does not copy it.
    private let memory: UnsafeMutableBufferPointer<CChar>?

    private enum Phase {
        case beforeRoot
        case header
        case messages
        case finished
    }

    private var phase = Phase.beforeRoot
    private var id: String?
    private var profile = Profile.core
    private var expect = Expectation.pass
    private var title: String?
    private var descriptionText: String?
    private var covers: [String]?
    private var tags: [String] = []
    private var setup: Administration?
    private var headerValue: TraceHeader? {
        didSet { headerRead = headerValue != nil }
    }
    private var headerRead = false

    /// 1-based position of the last `<msg>` returned.
    public private(set) var position = 0
    private var invalidPosition: Int?

    // Column lookup: which element on its line the current one is.
    private var lastElementLine = 0
    private var elementIndexOnLine = 0

    /// The file name used in locations.
    public var name: String { fileName }

    /// The trace's id and expectation as soon as the root element is read,
    /// even if the file turns out malformed later (for reports).
    public var rootID: String? { id }
    public var rootExpectation: Expectation? { phase == .beforeRoot ? nil : expect }
    private let fileName: String

    /// Opens a trace file for streaming.
    public init(file path: String) throws(TraceError) {
        xmlInitParser()
        source = .file(path)
        fileName = path
        memory = nil
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw TraceError(.unreadable, at: SourceLocation(file: path, line: 0, column: 0), "no such file")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG, access(path, R_OK) == 0 else {
            throw TraceError(.unreadable, at: SourceLocation(file: path, line: 0, column: 0), "not a readable file")
        }
        guard let created = xmlReaderForFile(path, nil, Self.parseOptions) else {
            throw TraceError(.unreadable, at: SourceLocation(file: path, line: 0, column: 0), "libxml2 cannot open the file")
        }
        reader = created
        installErrorHandler()
    }

    /// Reads a trace held in memory; `name` stands for the file in locations.
    public init(text: String, name: String = "<memory>") throws(TraceError) {
        xmlInitParser()
        let bytes = Array(text.utf8)
        let buffer = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(bytes.count, 1))
        bytes.withUnsafeBytes { source in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
        }
        memory = buffer
        source = .memory(name, bytes)
        fileName = name
        guard let base = buffer.baseAddress,
              let created = xmlReaderForMemory(base, Int32(bytes.count), nil, "UTF-8", Self.parseOptions)
        else {
            buffer.deallocate()
            throw TraceError(.unreadable, at: SourceLocation(file: name, line: 0, column: 0), "libxml2 cannot read the text")
        }
        reader = created
        installErrorHandler()
    }

    deinit {
        xmlFreeTextReader(reader)
        memory?.deallocate()
    }

    private func installErrorHandler() {
        let context = Unmanaged.passUnretained(errors).toOpaque()
        xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
            guard let context, let error else { return }
            let sink = Unmanaged<ParserErrorSink>.fromOpaque(context).takeUnretainedValue()
            sink.record(error.pointee)
        }, context)
    }

    // MARK: - Public reading

    /// Reads up to the end of `<setup>` and returns the trace's header.
    public func readHeader() throws(TraceError) -> TraceHeader {
        if let headerValue { return headerValue }
        while headerValue == nil {
            guard try step() else {
                throw error(.invalidTrace, line: 0, "the trace has no <setup>")
            }
        }
        if let headerValue { return headerValue }
        throw error(.invalidTrace, line: 0, "the trace has no <setup>")
    }

    /// The next message, or nil at the end of a well-formed trace. Throws as
    /// soon as anything in the file makes the trace malformed.
    public func next() throws(TraceError) -> TraceEntry? {
        if !headerRead { _ = try readHeader() }
        while true {
            if let entry = pendingEntry {
                pendingEntry = nil
                return entry
            }
            guard try step() else { return nil }
        }
    }

    /// Reads the rest of the trace into memory.
    public func readAll() throws(TraceError) -> Trace {
        let header = try readHeader()
        var entries: [TraceEntry] = []
        try forEachEntry { entry, _ in entries.append(entry) }
        return Trace(header: header, entries: entries, file: source.name)
    }

    /// Files at least this long are read on two threads by `forEachEntry`.
    public static let twoThreadFileSize = 4 << 20

    /// Hands every remaining message to `body`, with its 1-based position.
    ///
    /// A long file is read on two threads: a thread of its own drives
    /// libxml2 and makes the strings, while the calling thread checks each
    /// message against the table and runs `body`, so two cores share the
    /// work. Errors come in file order, and the reading thread has always
    /// stopped when this returns.
    public func forEachEntry(_ body: (TraceEntry, Int) -> Void) throws(TraceError) {
        if !headerRead { _ = try readHeader() }
        guard case .file(let path) = source, pendingEntry == nil, Self.fileSize(path) >= Self.twoThreadFileSize else {
            while let entry = try next() { body(entry, position) }
            return
        }
        let queue = HandOffQueue<RawMessage>(capacity: 4)
        let stopped = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var readingFailure: TraceError?
        handsOverRawMessages = true
        defer { handsOverRawMessages = false }
        // The reading thread owns the libxml2 reader until `stopped`; this
        // thread touches only the queue meanwhile.
        nonisolated(unsafe) let reading = self
        let thread = Thread {
            var batch: [RawMessage] = []
            batch.reserveCapacity(1024)
            do throws(TraceError) {
                while try reading.step() {
                    guard let raw = reading.pendingRaw else { continue }
                    reading.pendingRaw = nil
                    batch.append(raw)
                    if batch.count == 1024 {
                        guard queue.put(batch) else { break }
                        batch.removeAll(keepingCapacity: true)
                    }
                }
            } catch {
                readingFailure = error
            }
            if !batch.isEmpty { queue.put(batch) }
            queue.finish()
            stopped.signal()
        }
        thread.name = "cvconform-reader"
        thread.start()
        var checkingFailure: TraceError?
        taking: while let batch = queue.take() {
            for raw in batch {
                do {
                    body(try convert(raw), raw.position)
                } catch {
                    checkingFailure = error
                    queue.cancel()
                    break taking
                }
            }
        }
        stopped.wait()
        if let checkingFailure { throw checkingFailure }
        if let readingFailure { throw readingFailure }
    }

    private static func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    // MARK: - The node loop

    private var pendingEntry: TraceEntry?
    private var pendingRaw: RawMessage?
    /// Set while `forEachEntry` reads on a thread of its own.
    private var handsOverRawMessages = false
    /// The metadata element whose text is being collected.
    private var textElement: String?
    private var textBuffer = ""
    private var inSetup = false
    private var inMessage = false
    private var openMessageLine = 0
    private var rootLine = 0

    /// Reads one node. Returns false at the end of the document.
    private func step() throws(TraceError) -> Bool {
        let status = xmlTextReaderRead(reader)
        if errors.hasFailure, let failure = errors.first {
            // The parser reads ahead, so an entity bomb or loop can fail
            // before the DOCTYPE node is reached: name the real culprit.
            if phase == .beforeRoot, let doctype = source.find("<!DOCTYPE", maxLines: max(failure.line, 1)) {
                throw TraceError(.doctype, at: doctype,
                                 "a DOCTYPE is not allowed in a trace (no DTD or entity is ever processed; libxml2 stopped at line \(failure.line): \(failure.message.dropFirst(5)))")
            }
            if phase == .beforeRoot && source.find("<") == nil {
                // libxml2's words for these ("Document is empty", "Extra
                // content at the end") say little to a person.
                throw TraceError(.notWellFormed, at: SourceLocation(file: fileName, line: 1, column: 1),
                                 "the file is empty or not XML: a trace starts with <trace xmlns=\"\(traceNamespace)\" …>")
            }
            throw failure.traceError(file: source.name)
        }
        if status < 0 {
            throw error(.notWellFormed, line: Int(xmlTextReaderGetParserLineNumber(reader)), "the XML is not well formed")
        }
        if status == 0 {
            try finish()
            return false
        }
        let depth = Int(xmlTextReaderDepth(reader))
        switch xmlTextReaderNodeType(reader) {
        case Int32(XML_READER_TYPE_ELEMENT.rawValue):
            try startElement(depth: depth)
        case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
            try endElement(depth: depth)
        case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue):
            try text()
        case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue):
            // The parser has read past the DOCTYPE by now: find it in the text.
            let location = source.find("<!DOCTYPE") ?? SourceLocation(file: source.name, line: currentLine(), column: 1)
            throw TraceError(.doctype, at: location, "a DOCTYPE is not allowed in a trace (no DTD or entity is ever processed)")
        case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue), Int32(XML_READER_TYPE_ENTITY.rawValue):
            throw error(.doctype, line: currentLine(), "entity references are not allowed in a trace")
        default:
            break // comments, processing instructions, white space
        }
        return true
    }

    /// At the end of the document: checks what only the whole file can tell.
    private func finish() throws(TraceError) {
        guard phase != .finished else { return }
        if phase == .beforeRoot {
            throw error(.notWellFormed, line: 0, "the file has no root element")
        }
        phase = .finished
        guard headerValue != nil else {
            throw error(.invalidTrace, line: 0, "the trace has no <setup>")
        }
        if expect == .fail && invalidPosition == nil {
            throw error(.invalidTrace, line: rootLine,
                        "an expect=\"fail\" trace must mark exactly one <msg> with invalid=\"true\"; none is marked")
        }
    }

    private func startElement(depth: Int) throws(TraceError) {
        // The element node itself: its fields are read directly, which costs
        // less than the reader's accessor functions on the hot path.
        let node = xmlTextReaderCurrentNode(reader)
        let line: Int
        if let node, node.pointee.line < 65535 {
            line = Int(node.pointee.line)
        } else {
            line = currentLine()
        }
        if line == lastElementLine {
            elementIndexOnLine += 1
        } else {
            lastElementLine = line
            elementIndexOnLine = 0
        }
        let localName: String
        let namespacePointer: UnsafePointer<xmlChar>?
        if let node {
            localName = internedName(node.pointee.name)
            namespacePointer = node.pointee.ns?.pointee.href
        } else {
            localName = internedName(xmlTextReaderConstLocalName(reader))
            namespacePointer = xmlTextReaderConstNamespaceUri(reader)
        }
        let namespace = namespacePointer.map { internedName($0) }
        let isEmpty = xmlTextReaderIsEmptyElement(reader) == 1
        // The namespace is interned too: after the root, compare pointers.
        let inTraceNamespace = namespacePointer != nil && (namespacePointer == traceNamespacePointer || namespace == traceNamespace)
        if inTraceNamespace && traceNamespacePointer == nil { traceNamespacePointer = namespacePointer }

        if depth == 0 {
            guard localName == "trace", inTraceNamespace else {
                let shown = namespace.map { "{\($0)}\(localName)" } ?? localName
                throw error(.invalidTrace, line: line,
                            "the root element is <\(shown)>; a trace's root is <trace xmlns=\"\(traceNamespace)\">")
            }
            rootLine = line
            try readRootAttributes(line: line)
            phase = .header
            return
        }
        guard inTraceNamespace else {
            throw error(.invalidTrace, line: line,
                        "unexpected element <\(localName)> in namespace '\(namespace ?? "")'; trace elements are in \(traceNamespace)")
        }
        if depth == 1 {
            try startTopLevel(localName, line: line, isEmpty: isEmpty)
        } else if depth == 2 && inSetup {
            try readSetupEntry(localName, line: line)
        } else {
            let parent = inMessage ? "msg" : (textElement ?? "trace")
            // The usual cause is a <msg ...> written without its "/>".
            let hint = inMessage && localName == "msg" ? " (does the <msg> on line \(openMessageLine) lack its closing \"/>\"?)" : ""
            throw error(.invalidTrace, line: line, "unexpected element <\(localName)> inside <\(parent)>\(hint)")
        }
    }

    private func startTopLevel(_ localName: String, line: Int, isEmpty: Bool) throws(TraceError) {
        // Messages are nearly every element: test for them first.
        if headerRead && localName.utf8.count == 3 && localName == "msg" {
            phase = .messages
            inMessage = !isEmpty
            openMessageLine = line
            try takeMessage(line: line)
            return
        }
        switch localName {
        case "title", "description", "covers", "tag":
            guard setup == nil else {
                throw error(.invalidTrace, line: line, "<\(localName)> must come before <setup>")
            }
            let seen: Bool
            switch localName {
            case "title": seen = title != nil
            case "description": seen = descriptionText != nil
            case "covers": seen = covers != nil
            default: seen = false
            }
            if seen { throw error(.invalidTrace, line: line, "<\(localName)> appears twice") }
            try rejectAttributes(of: localName, line: line)
            textElement = localName
            textBuffer = ""
            if isEmpty { finishText() }
        case "setup":
            guard setup == nil else { throw error(.invalidTrace, line: line, "<setup> appears twice") }
            try rejectAttributes(of: "setup", line: line)
            setup = Administration()
            inSetup = true
            if isEmpty { finishSetup() }
        case "msg":
            guard headerValue != nil else {
                throw error(.invalidTrace, line: line, "<msg> before <setup>: every trace starts from its administration")
            }
            phase = .messages
            inMessage = !isEmpty
            try takeMessage(line: line)
        default:
            throw error(.invalidTrace, line: line,
                        "unexpected element <\(localName)> (a trace holds title, description, covers, tag, setup and msg)")
        }
    }

    private func endElement(depth: Int) throws(TraceError) {
        if depth == 1 {
            if textElement != nil { finishText() }
            if inSetup { finishSetup() }
            inMessage = false
        }
    }

    private func text() throws(TraceError) {
        let value = constString(xmlTextReaderConstValue(reader)) ?? ""
        if textElement != nil {
            textBuffer += value
        } else if !value.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            let shown = Values.splitList(value).joined(separator: " ").prefix(40)
            // libxml2 gives a text node the line where it ends; count back to
            // the line and column of its first visible character.
            let characters = Array(value)
            let firstVisible = characters.firstIndex { !$0.isWhitespace } ?? 0
            let newlinesBefore = characters[..<firstVisible].filter(\.isNewline).count
            let newlinesInAll = characters.filter(\.isNewline).count
            let lineStart = characters[..<firstVisible].lastIndex(where: \.isNewline).map { $0 + 1 } ?? 0
            let line = currentLine() - newlinesInAll + newlinesBefore
            let column = newlinesBefore == 0 ? 1 : firstVisible - lineStart + 1
            throw TraceError(.invalidTrace, at: SourceLocation(file: fileName, line: line, column: column),
                             "unexpected text '\(shown)' outside title, description, covers and tag")
        }
    }

    private func finishText() {
        let trimmed = Self.collapse(textBuffer)
        switch textElement {
        case "title": title = trimmed
        case "description": descriptionText = trimmed
        case "covers": covers = Values.splitList(textBuffer)
        case "tag": tags.append(trimmed)
        default: break
        }
        textElement = nil
        textBuffer = ""
    }

    private func finishSetup() {
        inSetup = false
        headerValue = TraceHeader(
            id: id ?? "", profile: profile, expect: expect, title: title, description: descriptionText,
            covers: covers ?? [], tags: tags, setup: setup ?? Administration()
        )
    }

    // MARK: - Elements

    private func readRootAttributes(line: Int) throws(TraceError) {
        var expectSeen = false
        try forEachAttribute { (name: String, value: String) throws(TraceError) in
            switch name {
            case "id":
                guard Values.isToken(value) else {
                    throw error(.invalidTrace, line: line, attribute: name, "the trace id must be a non-empty string without white space")
                }
                id = value
            case "profile":
                guard let parsed = Profile(rawValue: value) else {
                    throw error(.invalidTrace, line: line, attribute: name, "profile is '\(value)'; it must be 'core' or 'extended'")
                }
                profile = parsed
            case "expect":
                guard let parsed = Expectation(rawValue: value) else {
                    throw error(.invalidTrace, line: line, attribute: name, "expect is '\(value)'; it must be 'pass', 'fail' or 'incomplete'")
                }
                expect = parsed
                expectSeen = true
            default:
                throw error(.invalidTrace, line: line, attribute: name,
                            "unexpected attribute '\(name)' on <trace> (it takes id, profile and expect)")
            }
        }
        if id == nil { throw error(.invalidTrace, line: line, "<trace> lacks its 'id' attribute") }
        if !expectSeen { throw error(.invalidTrace, line: line, "<trace> lacks its 'expect' attribute (pass, fail or incomplete)") }
    }

    private func rejectAttributes(of element: String, line: Int) throws(TraceError) {
        try forEachAttribute { (name: String, _: String) throws(TraceError) in
            throw error(.invalidTrace, line: line, attribute: name, "unexpected attribute '\(name)' on <\(element)>")
        }
    }

    private func readSetupEntry(_ localName: String, line: Int) throws(TraceError) {
        var attributes: [String: String] = [:]
        try forEachAttribute { (name: String, value: String) throws(TraceError) in attributes[name] = value }
        func take(_ name: String, list: Bool = false) throws(TraceError) -> String {
            guard let value = attributes.removeValue(forKey: name) else {
                throw error(.invalidTrace, line: line, "<\(localName)> lacks its '\(name)' attribute")
            }
            let items = list ? Values.splitList(value) : [value]
            for item in items where !Values.isDigits(item) {
                throw error(.invalidTrace, line: line, attribute: name,
                            "'\(name)' of <\(localName)> has '\(item)', but must be a non-empty string of digits")
            }
            return value
        }
        var administration = setup ?? Administration()
        switch localName {
        case "agent":
            let id = try take("id")
            let skills = Values.splitList(try take("skills", list: true))
            if administration.agent(id) != nil {
                throw error(.invalidTrace, line: line, attribute: "id", "agent \(id) is administered twice")
            }
            administration.agents.append(.init(id: id, skills: skills))
        case "station":
            let station = try take("extension")
            if administration.hasStation(station) {
                throw error(.invalidTrace, line: line, attribute: "extension", "station \(station) is administered twice")
            }
            administration.stations.append(station)
        case "vdn":
            let number = try take("number")
            let skill = try take("skill")
            if administration.vdn(number) != nil {
                throw error(.invalidTrace, line: line, attribute: "number", "VDN \(number) is administered twice")
            }
            administration.vdns.append(.init(number: number, skill: skill))
        default:
            throw error(.invalidTrace, line: line, "unexpected element <\(localName)> in <setup> (it holds agent, station and vdn)")
        }
        if let extra = attributes.keys.sorted().first {
            throw error(.invalidTrace, line: line, attribute: extra, "unexpected attribute '\(extra)' on <\(localName)>")
        }
        setup = administration
        if xmlTextReaderIsEmptyElement(reader) != 1 {
            // <agent ...></agent> is fine; anything inside is caught at depth 3.
        }
    }

    /// A `<msg>` as the reading thread leaves it: values are strings, but
    /// nothing is checked against the message table yet.
    struct RawMessage: Sendable {
        var line: Int
        var elementIndex: Int
        var position: Int
        var invalid: Bool
        var known: (from: Role?, to: Role?, type: MessageType?)
        /// The routing attributes as written, only when a role or type was
        /// not recognised (the explaining path needs them).
        var routing: (from: String, to: String, type: String)?
        var parameters: [Parameters.Parameter]
    }

    /// The message at hand: converted at once, or (while `forEachEntry`
    /// runs the reading on a thread of its own) left raw for the caller.
    private func takeMessage(line: Int) throws(TraceError) {
        let raw = try collectMessage(line: line)
        if handsOverRawMessages {
            pendingRaw = raw
        } else {
            pendingEntry = try convert(raw)
        }
    }

    private func collectMessage(line: Int) throws(TraceError) -> RawMessage {
        position += 1
        // The three routing attributes stay libxml2's until the slow path
        // needs them as strings.
        var fromAttribute: UnsafeMutablePointer<xmlAttr>?
        var toAttribute: UnsafeMutablePointer<xmlAttr>?
        var typeAttribute: UnsafeMutablePointer<xmlAttr>?
        var invalid: String?
        var parameters: [Parameters.Parameter] = []
        parameters.reserveCapacity(5)
        // The hot loop of reading: the element's attribute list is walked
        // directly (the reader has built the node), names by interned pointer.
        var known: (from: Role?, to: Role?, type: MessageType?) = (nil, nil, nil)
        var attribute = xmlTextReaderCurrentNode(reader)?.pointee.properties
        while let current = attribute {
            attribute = current.pointee.next
            let (name, kind) = attributeName(current.pointee.name)
            if let namespace = current.pointee.ns {
                if let href = namespace.pointee.href, internedName(href) == traceNamespace {
                    throw error(.invalidTrace, line: line, "attribute '\(name)' must not be in the trace namespace (write it without a prefix)")
                }
                continue
            }
            switch kind {
            case .from:
                known.from = Self.simpleText(of: current).flatMap { Role(xmlText: $0) }
                fromAttribute = current
            case .to:
                known.to = Self.simpleText(of: current).flatMap { Role(xmlText: $0) }
                toAttribute = current
            case .type:
                known.type = Self.simpleText(of: current).flatMap { MessageType(xmlText: $0) }
                typeAttribute = current
            case .invalid: invalid = Self.value(of: current)
            case .parameter: parameters.append(Parameters.Parameter(name: name, value: Self.value(of: current)))
            }
        }
        guard let fromAttribute else { throw error(.invalidTrace, line: line, "<msg> lacks its 'from' attribute") }
        guard let toAttribute else { throw error(.invalidTrace, line: line, "<msg> lacks its 'to' attribute") }
        guard let typeAttribute else { throw error(.invalidTrace, line: line, "<msg> lacks its 'type' attribute") }
        if let invalid {
            guard expect == .fail else {
                throw error(.invalidTrace, line: line, attribute: "invalid",
                            "'invalid' may appear only in an expect=\"fail\" trace")
            }
            guard invalid == "true" else {
                throw error(.invalidTrace, line: line, attribute: "invalid", "'invalid' must be \"true\" (it is '\(invalid)')")
            }
            if let first = invalidPosition {
                throw error(.invalidTrace, line: line, attribute: "invalid",
                            "a second <msg> is marked invalid (message \(position); message \(first) already is)")
            }
            invalidPosition = position
        }
        var routing: (from: String, to: String, type: String)?
        if known.from == nil || known.to == nil || known.type == nil {
            routing = (Self.value(of: fromAttribute), Self.value(of: toAttribute), Self.value(of: typeAttribute))
        }
        let index = line == lastElementLine ? elementIndexOnLine : 0
        return RawMessage(line: line, elementIndex: index, position: position, invalid: invalid != nil, known: known,
                          routing: routing, parameters: parameters)
    }

    /// Checks a raw message against the table and makes the entry. Touches
    /// no reading state, so it may run on another thread than the reading.
    private func convert(_ raw: RawMessage) throws(TraceError) -> TraceEntry {
        var parameters = raw.parameters
        Parameters.sortByName(&parameters)
        let location = SourceLocation(file: fileName, line: raw.line, column: 0)
        if let fromRole = raw.known.from, let toRole = raw.known.to, let messageType = raw.known.type,
           let message = MessageCatalog.fastCheck(from: fromRole, to: toRole, type: messageType, parameters: parameters) {
            return TraceEntry(message: message, invalid: raw.invalid, location: location)
        }
        let from = raw.routing?.from ?? raw.known.from?.rawValue ?? ""
        let to = raw.routing?.to ?? raw.known.to?.rawValue ?? ""
        let type = raw.routing?.type ?? raw.known.type?.rawValue ?? ""
        switch MessageCatalog.check(from: from, to: to, type: type, parameters: parameters) {
        case .success(let message):
            return TraceEntry(message: message, invalid: raw.invalid, location: location)
        case .failure(let problem):
            let attribute: String?
            switch problem {
            case .unknownRole(_, let name): attribute = name
            case .undefinedType: attribute = "type"
            case .missingParameter: attribute = nil
            case .unexpectedParameter(let name, _, _): attribute = name
            case .badValue(let name, _, _): attribute = name
            }
            let at = source.locate(line: raw.line, elementIndex: raw.elementIndex, attribute: attribute)
            throw TraceError(.invalidTrace, at: at, "message \(raw.position): \(problem)")
        }
    }

    /// Calls `body` for each attribute in no namespace. Namespace declarations
    /// and attributes in foreign namespaces (such as xsi:schemaLocation, which
    /// editors use) are skipped; the trace namespace itself is refused.
    private func forEachAttribute(_ body: (String, String) throws(TraceError) -> Void) throws(TraceError) {
        defer { xmlTextReaderMoveToElement(reader) }
        while xmlTextReaderMoveToNextAttribute(reader) == 1 {
            let name = internedName(xmlTextReaderConstLocalName(reader))
            if let namespace = xmlTextReaderConstNamespaceUri(reader) {
                if String(cString: namespace) == traceNamespace {
                    throw error(.invalidTrace, line: lastElementLine, attribute: nil,
                                "attribute '\(name)' must not be in the trace namespace (write it without a prefix)")
                }
                continue
            }
            let value = constString(xmlTextReaderConstValue(reader)) ?? ""
            try body(name, value)
        }
    }

    // MARK: - Helpers

    /// The text of an attribute with one plain text child, as libxml2 holds it.
    private static func simpleText(of attribute: UnsafeMutablePointer<xmlAttr>) -> UnsafePointer<xmlChar>? {
        guard let child = attribute.pointee.children, child.pointee.next == nil, child.pointee.type == XML_TEXT_NODE else {
            return nil
        }
        return UnsafePointer(child.pointee.content)
    }

    /// An attribute's value: its one text child, or (rarely) the joined
    /// content of several.
    private static func value(of attribute: UnsafeMutablePointer<xmlAttr>) -> String {
        if let content = simpleText(of: attribute) {
            return String(cString: content)
        }
        guard let joined = xmlNodeListGetString(attribute.pointee.doc, attribute.pointee.children, 1) else { return "" }
        defer { cvc_xmlFree(joined) }
        return String(cString: joined)
    }

    /// libxml2 interns names in its dictionary, so one pointer stands for one
    /// name for the whole document: attribute names become Swift strings
    /// once, not once per message.
    private var nameCache: [(pointer: UnsafePointer<xmlChar>, name: String)] = []
    private var traceNamespacePointer: UnsafePointer<xmlChar>?

    /// What a `<msg>` attribute is, decided once per interned name.
    private enum AttributeKind {
        case from, to, type, invalid, parameter
    }

    private var attributeCache: [(pointer: UnsafePointer<xmlChar>, name: String, kind: AttributeKind)] = []

    private func attributeName(_ pointer: UnsafePointer<xmlChar>?) -> (String, AttributeKind) {
        guard let pointer else { return ("", .parameter) }
        for entry in attributeCache where entry.pointer == pointer { return (entry.name, entry.kind) }
        let name = String(cString: pointer)
        let kind: AttributeKind
        switch name {
        case "from": kind = .from
        case "to": kind = .to
        case "type": kind = .type
        case "invalid": kind = .invalid
        default: kind = .parameter
        }
        if attributeCache.count < 64 { attributeCache.append((pointer, name, kind)) }
        return (name, kind)
    }

    private func internedName(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        for entry in nameCache where entry.pointer == pointer { return entry.name }
        let name = String(cString: pointer)
        if nameCache.count < 64 { nameCache.append((pointer, name)) }
        return name
    }

    private func constString(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private func currentLine() -> Int {
        if let node = xmlTextReaderCurrentNode(reader) {
            let line = Int(xmlGetLineNo(node))
            if line > 0 { return line }
        }
        // Nodes without a line of their own (a DOCTYPE): the parser's line.
        return Int(xmlTextReaderGetParserLineNumber(reader))
    }

    private static func collapse(_ text: String) -> String {
        Values.splitList(text).joined(separator: " ")
    }

    /// An error at the current element; the column is found in the source
    /// text on this rare path so the fast path never tracks columns.
    private func error(
        _ kind: TraceError.Kind, line: Int, attribute: String? = nil, _ message: String
    ) -> TraceError {
        guard line > 0 else {
            return TraceError(kind, at: SourceLocation(file: source.name, line: 0, column: 0), message)
        }
        let index = line == lastElementLine ? elementIndexOnLine : 0
        let location = source.locate(line: line, elementIndex: index, attribute: attribute)
        return TraceError(kind, at: location, message)
    }
}

/// Collects the first error libxml2 reports for one reader.
final class ParserErrorSink {
    struct Failure {
        var line: Int
        var column: Int
        var message: String

        func traceError(file: String) -> TraceError {
            TraceError(.notWellFormed, at: SourceLocation(file: file, line: line, column: column), message)
        }
    }

    private(set) var first: Failure? {
        didSet { hasFailure = first != nil }
    }
    /// Checked after every node: a plain flag is cheaper than the optional.
    private(set) var hasFailure = false

    func record(_ error: xmlError) {
        guard first == nil, error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        var text = error.message.map { String(cString: $0) } ?? "XML error \(error.code)"
        while let last = text.last, last.isNewline || last == " " { text.removeLast() }
        if error.code == Int32(XML_ERR_INTERNAL_ERROR.rawValue) || text.contains("XML_PARSE_HUGE") || text.contains("huge") {
            text += " (cvconform never lifts libxml2's limits)"
        }
        first = Failure(line: Int(error.line), column: Int(error.int2), message: "XML: " + text)
    }
}
