/// Streams a trace file: the header first, then one message at a time, so
/// memory stays flat however long the trace is.
///
/// The reader wires four parts together: libxml2 (`XMLStreamReader`), the
/// document grammar (`TraceGrammar`), the message table check
/// (`MessageConversion`) and, when there are problems, their places in the
/// text (`SourceText`). Once a problem is found it hands out nothing more:
/// it reads on to the end to find every other malformation, then throws
/// them together, the first carrying the others, in file order. XML that is
/// not well formed (and a DOCTYPE) ends the list.
///
/// A reader is confined to the task that made it.
public final class TraceReader {
    let source: SourceText
    let xml: XMLStreamReader
    // Touched for every node, by one thread at a time: the runtime's
    // exclusivity checks are left out.
    @exclusivity(unchecked) var grammar = TraceGrammar()
    /// Every problem found so far.
    @exclusivity(unchecked) var problems = ProblemList()
    private var header: TraceHeader?
    /// The grammar has nothing more to hand out.
    @exclusivity(unchecked) private(set) var reachedEnd = false
    private var ending = Ending.reading

    /// What the reading found, once it is over.
    private enum Ending {
        case reading
        case wellFormed
        case malformed(TraceError)
    }

    /// 1-based position of the last `<msg>` returned.
    public internal(set) var position = 0

    /// The file name used in locations.
    public var name: String { source.name }

    /// The trace's id and expectation as soon as the root element is read,
    /// even if the file turns out malformed later (for reports).
    public var rootID: String? { grammar.rootID }
    public var rootExpectation: Expectation? { grammar.rootExpectation }

    /// Opens a trace file for streaming.
    public init(file path: String) throws(TraceError) {
        source = .file(path)
        xml = try XMLStreamReader(file: path, namespace: traceNamespace)
    }

    /// Reads a trace held in memory; `name` stands for the file in locations.
    public init(text: String, name: String = "<memory>") throws(TraceError) {
        let bytes = Array(text.utf8)
        source = .memory(name, bytes)
        xml = try XMLStreamReader(bytes: bytes, name: name, namespace: traceNamespace)
    }

    // MARK: - Public reading

    /// Reads up to the end of `<setup>` and returns the trace's header.
    public func readHeader() throws(TraceError) -> TraceHeader {
        if let header { return header }
        return try xml.withDiagnostics { () throws(TraceError) -> TraceHeader in
            while problems.isEmpty && !reachedEnd {
                if case .header(let found) = step(), problems.isEmpty {
                    header = found
                    return found
                }
            }
            try endReading()
            // A trace without <setup> has a problem saying so.
            throw TraceError(.invalidTrace, at: SourceLocation(file: name, line: 0, column: 0), "the trace has no <setup>")
        }
    }

    /// The header's labels (id, profile, expect, title, description,
    /// covers, tags) with `setup` left empty, read only as far as
    /// `<setup>`: for choosing traces, where reading a large setup twice
    /// would double its cost. Call it first and read nothing after it.
    public func readLabels() throws(TraceError) -> TraceHeader {
        grammar.stop = .atSetup
        return try readHeader()
    }

    /// The root's labels (id, profile, expect), everything else left empty,
    /// read only as far as the root's start tag: for choosing traces when
    /// neither tags nor covers matter, so that a long header is not read
    /// twice either. Call it first and read nothing after it.
    public func readRootLabels() throws(TraceError) -> TraceHeader {
        grammar.stop = .afterRoot
        return try readHeader()
    }

    /// The next message, or nil at the end of a well-formed trace. Throws
    /// every malformation of the file once it has read to its end.
    public func next() throws(TraceError) -> TraceEntry? {
        if header == nil { _ = try readHeader() }
        return try xml.withDiagnostics { () throws(TraceError) -> TraceEntry? in
            while problems.isEmpty && !reachedEnd {
                guard case .message(let raw) = step() else { continue }
                switch MessageConversion.entry(from: raw, file: name, describing: problems.wouldList(raw.order)) {
                case .success(let entry) where problems.isEmpty:
                    position = raw.position
                    return entry
                case .success:
                    break
                case .failure(let problem):
                    problems.add(problem)
                }
            }
            try endReading()
            return nil
        }
    }

    /// Reads the rest of the trace into memory.
    public func readAll() throws(TraceError) -> Trace {
        let header = try readHeader()
        var entries: [TraceEntry] = []
        try forEachEntry { entry, _ in entries.append(entry) }
        return Trace(header: header, entries: entries, file: source.name)
    }

    // MARK: - The loop

    /// What the grammar hands out.
    enum Step {
        case header(TraceHeader)
        case message(RawMessage)
        /// Nothing more: the document ended, or a fatal problem was found.
        case end
    }

    /// Reads on until the grammar hands something out; the problems found
    /// meanwhile go to `problems`.
    func step() -> Step {
        guard !reachedEnd else { return .end }
        while true {
            let action: TraceGrammar.Action
            switch xml.read() {
            case .startElement(let element):
                action = grammar.startElement(element)
            case .endElement(let depth):
                action = grammar.endElement(depth: depth)
            case .text(let text):
                action = grammar.text(text)
            case .endOfDocument:
                action = grammar.endOfDocument()
            case .doctype:
                // The parser has read past the DOCTYPE by now: find it in the text.
                let location = source.find("<!DOCTYPE").map { TraceProblem.Place.exact(line: $0.line, column: $0.column) }
                    ?? .exact(line: xml.parserLine, column: 1)
                action = .fatal(TraceProblem(.doctype, at: location, order: .max,
                                             "a DOCTYPE is not allowed in a trace (no DTD or entity is ever processed)"))
            case .entityReference(let line):
                action = .fatal(TraceProblem(.doctype, at: .exact(line: line, column: 1), order: .max, "entity references are not allowed in a trace"))
            case .failure(let failure):
                action = .fatal(problem(for: failure))
            }
            switch action {
            case .proceed(let found):
                if !found.isEmpty { problems.add(contentsOf: found) }
            case .refuse(let problem):
                problems.add(problem)
            case .header(let header, let found):
                if !found.isEmpty { problems.add(contentsOf: found) }
                return .header(header)
            case .message(let raw, let found):
                if !found.isEmpty { problems.add(contentsOf: found) }
                return .message(raw)
            case .finished:
                reachedEnd = true
                return .end
            case .fatal(let problem):
                problems.end(with: problem)
                reachedEnd = true
                return .end
            }
        }
    }

    /// libxml2's failure, in words for a person.
    private func problem(for failure: XMLFailure) -> TraceProblem {
        if !grammar.hasRoot {
            // The parser reads ahead, so an entity bomb or loop can fail
            // before the DOCTYPE node is reached: name the real culprit.
            if let doctype = source.find("<!DOCTYPE", maxLines: max(failure.line, 1)) {
                return TraceProblem(.doctype, at: .exact(line: doctype.line, column: doctype.column), order: .max,
                                    "a DOCTYPE is not allowed in a trace (no DTD or entity is ever processed; libxml2 stopped at line \(failure.line): \(failure.message.dropFirst(5)))")
            }
            if source.find("<", maxLines: .max) == nil {
                // libxml2's words for these ("Document is empty", "Extra
                // content at the end") say little to a person.
                return TraceProblem(.notWellFormed, at: .exact(line: 1, column: 1), order: .max,
                                    "the file is empty or not XML: a trace starts with <trace xmlns=\"\(traceNamespace)\" …>")
            }
        }
        return TraceProblem(.notWellFormed, at: .exact(line: failure.line, column: failure.column), order: .max, failure.message)
    }

    /// Reads the rest of the file, handing nothing out, and throws what the
    /// reading found, if anything.
    func endReading() throws(TraceError) {
        if case .reading = ending {
            while !reachedEnd {
                guard case .message(let raw) = step() else { continue }
                if case .failure(let problem) = MessageConversion.entry(from: raw, file: name, describing: problems.wouldList(raw.order)) {
                    problems.add(problem)
                }
            }
            ending = problems.error(in: source).map { .malformed($0) } ?? .wellFormed
        }
        if case .malformed(let error) = ending { throw error }
    }
}
