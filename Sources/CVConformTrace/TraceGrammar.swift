/// The document grammar of a trace (contract section 4) as a state machine:
/// one XML event in, what to do out. It has no side effects; `TraceReader`
/// acts on what it returns.
///
/// Problems that do not stop the reading (a wrong attribute, an element that
/// does not belong, stray text, a setup id given twice, a misused `invalid`)
/// come back with the action of the event that showed them, and reading
/// goes on: content that does not belong is skipped to its end, so one
/// mistake is reported once. Only a root that is not a trace ends the
/// reading.
struct TraceGrammar {
    /// How far a reading for labels goes: all a selection of traces needs,
    /// for the cost of the few lines it reads.
    enum LabelStop {
        /// The whole trace is read.
        case never
        /// At `<setup>`'s start, its administration left empty: every label.
        case atSetup
        /// Right after the root's start tag: id, profile and expect only.
        case afterRoot
    }

    enum Action {
        /// Nothing to hand out; the problems found, if any.
        case proceed([TraceProblem])
        /// Nothing to hand out; one problem found: the usual refusal, made
        /// without a list (a hostile file has hundreds of thousands).
        case refuse(TraceProblem)
        /// `<setup>` is complete: the header can be handed out.
        case header(TraceHeader, [TraceProblem])
        /// A `<msg>`, still to be checked against the message table.
        case message(RawMessage, [TraceProblem])
        /// The document ended after its root.
        case finished
        /// A problem after which nothing is read.
        case fatal(TraceProblem)
    }

    /// What the root said of the trace, for reports even when the file
    /// turns out malformed.
    private(set) var rootID: String?
    private(set) var rootExpectation: Expectation?

    private var state = State.beforeRoot
    /// Where to hand out a header that is only labels, and read no further.
    var stop = LabelStop.never
    /// Problems made so far: past `ProblemList.limit` they are only counted
    /// (see `problem(_:attribute:_:)`).
    private var problemsMade = 0
    /// What each interned attribute name of a `<msg>` means, by name id: a
    /// cache, so names are compared once per document.
    private var attributeKinds: [AttributeKind?] = []
    /// Whether each interned element name is `msg`, by name id.
    private var isMessageByName: [Bool?] = []

    private enum State {
        case beforeRoot
        /// Between `<trace>` and `<setup>`.
        case header(HeaderSoFar)
        /// Inside `<setup>`.
        case setup(HeaderSoFar, SetupSoFar)
        /// After `<setup>`.
        case messages(MessagesSoFar)
        /// Inside content that does not belong, skipped up to the end tag at
        /// `depth`; then `resume`, which sees that end tag too.
        indirect case skipping(depth: Int, resume: State)
        /// The root has ended (or the reading was stopped).
        case finished(messageCount: Int)
    }

    /// Where the root stands, for the problems only the whole trace shows.
    private struct Root {
        var ordinal: Int
        var line: Int
        var order: Int
    }

    /// The header and setup payloads are boxes, changed in place: as
    /// values, every event copied them in and out of the state (a third of
    /// the time of a long header or setup), and a change made while a
    /// `switch` held the state copied their arrays. A grammar lives in its
    /// reader and is never copied, so no box is shared.
    private final class HeaderSoFar {
        let root: Root
        // Touched for every element and text, by the grammar's one thread:
        // the runtime's exclusivity checks are left out.
        @exclusivity(unchecked) var header: TraceHeader
        /// As written; nil when missing or not a word of the contract (then
        /// `invalid` is not judged).
        let expect: Expectation?
        var coversSeen = false
        /// The metadata element whose text is being collected, and the text.
        @exclusivity(unchecked) var open: (element: String, text: String)?
        /// `<msg>` elements before `<setup>`: counted, reported once.
        var messagesBefore = 0

        init(root: Root, header: TraceHeader, expect: Expectation?) {
            self.root = root
            self.header = header
            self.expect = expect
        }
    }

    private final class SetupSoFar {
        /// The line of `<setup>`, for a hint.
        let line: Int
        // Touched for every entry, by the grammar's one thread: the
        // runtime's exclusivity checks are left out.
        @exclusivity(unchecked) var administration = Administration()
        @exclusivity(unchecked) var agentIDs = DigitSet()
        @exclusivity(unchecked) var extensions = DigitSet()
        @exclusivity(unchecked) var vdnNumbers = DigitSet()
        /// The entry whose content is being read (`<agent ...></agent>`).
        @exclusivity(unchecked) var openEntry: String?

        init(line: Int) { self.line = line }
    }

    private struct MessagesSoFar {
        var root: Root
        var expect: Expectation?
        var position: Int
        var invalidPosition: Int?
        /// An `invalid` was written, rightly or not (then "none is marked"
        /// would mislead).
        var invalidWritten = false
        /// The line of the `<msg>` whose content is being read.
        var openMessageLine: Int?
    }

    /// How many `<msg>` elements have been read.
    var messageCount: Int { Self.messageCount(in: state) }

    var hasRoot: Bool {
        if case .beforeRoot = state { return false }
        return true
    }

    private static func messageCount(in state: State) -> Int {
        switch state {
        case .beforeRoot: return 0
        case .header(let header), .setup(let header, _): return header.messagesBefore
        case .messages(let messages): return messages.position
        case .skipping(_, let resume): return messageCount(in: resume)
        case .finished(let count): return count
        }
    }

    // MARK: - Events

    mutating func startElement<Tag: StartTag>(_ element: Tag) -> Action {
        switch state {
        case .beforeRoot:
            return root(element)
        case .skipping, .finished:
            return .proceed([])
        case .messages(var messages):
            guard element.isInNamespace else { return foreign(element) }
            return startInMessages(element, &messages)
        case .header(let header):
            guard element.isInNamespace else { return foreign(element) }
            return startInHeader(element, header)
        case .setup(let header, let setup):
            guard element.isInNamespace else { return foreign(element) }
            return startInSetup(element, header, setup)
        }
    }

    private mutating func foreign(_ element: some StartTag) -> Action {
        let refusal = problem(
            element, "unexpected element <\(element.localName)> in namespace '\(element.namespace ?? "")'; trace elements are in \(traceNamespace)"
        )
        skip(element)
        return .refuse(refusal)
    }

    mutating func endElement(depth: Int) -> Action {
        switch state {
        case .skipping(let skipDepth, let resume):
            guard depth <= skipDepth else { return .proceed([]) }
            state = resume
            return endElement(depth: depth)
        case .header(let header):
            if depth == 0 { return endOfRoot() }
            // The end of a metadata element.
            guard depth == 1, let open = header.open else { return .proceed([]) }
            Self.finishText(open, into: header)
            header.open = nil
            return .proceed([])
        case .setup(let header, let setup):
            if depth <= 1 { return endOfSetup(header, setup) }
            // The end of a setup entry.
            if depth == 2 { setup.openEntry = nil }
            return .proceed([])
        case .messages(var messages):
            if depth == 0 { return endOfRoot() }
            if depth == 1 && messages.openMessageLine != nil {
                messages.openMessageLine = nil
                state = .messages(messages)
            }
            return .proceed([])
        case .beforeRoot, .finished:
            return .proceed([])
        }
    }

    mutating func text(_ text: XMLText) -> Action {
        switch state {
        case .header(let header) where header.open != nil:
            header.open?.text += text.content
            return .proceed([])
        case .header, .setup, .messages:
            guard !text.content.utf8.allSatisfy(Values.isXMLSpace) else { return .proceed([]) }
            let place = TraceProblem.Place.text(afterStartTags: text.startTags, endTags: text.endTags, line: text.line)
            problemsMade += 1
            // Past the listed problems it is only counted: no words.
            guard problemsMade <= ProblemList.limit else { return .refuse(TraceProblem(at: place, order: text.order, "")) }
            // Only the start is shown, so only the start is looked at.
            let shown = Values.collapsingWhiteSpace(String(text.content.prefix(200))).prefix(40)
            return .refuse(TraceProblem(at: place, order: text.order, "unexpected text '\(shown)' outside title, description, covers and tag"))
        case .beforeRoot, .skipping, .finished:
            return .proceed([])
        }
    }

    /// libxml2 ends a document only after its root, so anything but
    /// `finished` here means there was no root.
    mutating func endOfDocument() -> Action {
        switch state {
        case .finished:
            return .finished
        case .beforeRoot:
            state = .finished(messageCount: 0)
            return .fatal(TraceProblem(.notWellFormed, at: .file, order: .max, "the file has no root element"))
        default:
            let count = messageCount
            state = .finished(messageCount: count)
            return .fatal(TraceProblem(.notWellFormed, at: .file, order: .max, "the document ends inside <trace>"))
        }
    }

    // MARK: - The root

    private mutating func root<Tag: StartTag>(_ element: Tag) -> Action {
        guard element.localName == "trace", element.isInNamespace else {
            let shown = element.namespace.map { "{\($0)}\(element.localName)" }
                ?? (element.isInNamespace ? "{\(traceNamespace)}\(element.localName)" : element.localName)
            state = .finished(messageCount: 0)
            return .fatal(problem(element, "the root element is <\(shown)>; a trace's root is <trace xmlns=\"\(traceNamespace)\">"))
        }
        var problems: [TraceProblem] = []
        var id: String?
        var idSeen = false
        var profile = Profile.core
        var expect: Expectation?
        var expectSeen = false
        for attribute in element.attributes {
            guard isPlain(attribute, of: element, problems: &problems) else { continue }
            let name = attribute.name
            let value = attribute.value
            switch name {
            case "id":
                idSeen = true
                if Values.isToken(value) {
                    id = value
                } else {
                    problems.append(problem(element, attribute: name, "the trace id must be a non-empty string without white space"))
                }
            case "profile":
                if let parsed = Profile(rawValue: value) {
                    profile = parsed
                } else {
                    problems.append(problem(element, attribute: name, "profile is \(MessageFormatError.quoted(value)); it must be 'core' or 'extended'"))
                }
            case "expect":
                expectSeen = true
                expect = Expectation(rawValue: value)
                if expect == nil {
                    problems.append(problem(element, attribute: name, "expect is \(MessageFormatError.quoted(value)); it must be 'pass', 'fail' or 'incomplete'"))
                }
            default:
                problems.append(problem(element, attribute: name, "unexpected attribute '\(name)' on <trace> (it takes id, profile and expect)"))
            }
        }
        if !idSeen { problems.append(problem(element, "<trace> lacks its 'id' attribute")) }
        if !expectSeen { problems.append(problem(element, "<trace> lacks its 'expect' attribute (pass, fail or incomplete)")) }
        rootID = id
        rootExpectation = expect
        let header = HeaderSoFar(
            root: Root(ordinal: element.ordinal, line: element.line, order: element.order),
            header: TraceHeader(id: id ?? "", profile: profile, expect: expect ?? .pass), expect: expect
        )
        state = .header(header)
        if stop == .afterRoot {
            state = .finished(messageCount: 0)
            return .header(header.header, problems)
        }
        if element.isEmpty {
            guard case .proceed(let more) = endOfRoot() else { return .proceed(problems) }
            problems += more
        }
        return .proceed(problems)
    }

    /// At the end of the root: what only the whole trace shows.
    private mutating func endOfRoot() -> Action {
        var problems: [TraceProblem] = []
        switch state {
        case .header(let header), .setup(let header, _):
            // Messages before a setup that never came were reported already.
            if header.messagesBefore == 0 {
                problems.append(TraceProblem(at: .file, order: .max, "the trace has no <setup>"))
            }
        case .messages(let messages):
            if messages.expect == .fail && !messages.invalidWritten {
                let place = TraceProblem.Place.element(ordinal: messages.root.ordinal, line: messages.root.line, attribute: nil)
                problems.append(TraceProblem(at: place, order: messages.root.order,
                                             "an expect=\"fail\" trace must mark exactly one <msg> with invalid=\"true\"; none is marked"))
            }
        default:
            break
        }
        state = .finished(messageCount: messageCount)
        return .proceed(problems)
    }

    // MARK: - The header

    private mutating func startInHeader<Tag: StartTag>(_ element: Tag, _ header: HeaderSoFar) -> Action {
        let name = element.localName
        if element.depth >= 2 {
            let parent = header.open?.element ?? "trace"
            skip(element)
            return .refuse(problem(element, "unexpected element <\(name)> inside <\(parent)>"))
        }
        var problems: [TraceProblem] = []
        switch name {
        case "title", "description", "covers", "tag":
            let seen: Bool
            switch name {
            case "title": seen = header.header.title != nil
            case "description": seen = header.header.description != nil
            case "covers": seen = header.coversSeen
            default: seen = false
            }
            if seen {
                skip(element)
                return .refuse(problem(element, "<\(name)> appears twice"))
            }
            rejectAttributes(of: element, problems: &problems)
            if element.isEmpty {
                Self.finishText((name, ""), into: header)
            } else {
                header.open = (name, "")
            }
            return .proceed(problems)
        case "setup":
            rejectAttributes(of: element, problems: &problems)
            if stop == .atSetup {
                state = .setup(header, SetupSoFar(line: element.line))
                return .header(header.header, problems)
            }
            guard !element.isEmpty else { return withProblems(problems, endOfSetup(header, SetupSoFar(line: element.line))) }
            state = .setup(header, SetupSoFar(line: element.line))
            return .proceed(problems)
        case "msg":
            header.messagesBefore += 1
            if header.messagesBefore == 1 {
                problems.append(problem(element, "<msg> before <setup>: every trace starts from its administration"))
            }
            skip(element)
            return .proceed(problems)
        default:
            skip(element)
            return .refuse(problem(element, "unexpected element <\(name)> (a trace holds title, description, covers, tag, setup and msg)"))
        }
    }

    private static func finishText(_ open: (element: String, text: String), into header: HeaderSoFar) {
        let collapsed = Values.collapsingWhiteSpace(open.text)
        switch open.element {
        case "title": header.header.title = collapsed
        case "description": header.header.description = collapsed
        case "covers":
            header.header.covers = Values.splitList(open.text)
            header.coversSeen = true
        case "tag": header.header.tags.append(collapsed)
        default: break
        }
    }

    // MARK: - The administration

    private mutating func startInSetup<Tag: StartTag>(_ element: Tag, _ header: HeaderSoFar, _ setup: SetupSoFar) -> Action {
        let name = element.localName
        if element.depth >= 3 {
            // Nothing belongs inside an entry: skip the rest of it.
            let parent = setup.openEntry ?? "setup"
            state = .skipping(depth: element.depth - 1, resume: .setup(header, setup))
            return .refuse(problem(element, "unexpected element <\(name)> inside <\(parent)>"))
        }
        // What each entry takes; `<msg>` and strangers are refused whole.
        let takes: (first: String, second: String?)
        switch name {
        case "agent": takes = ("id", "skills")
        case "station": takes = ("extension", nil)
        case "vdn": takes = ("number", "skill")
        case "msg":
            // The usual cause is a <setup> without its end tag, and then
            // every message would say so again: skip the rest of it.
            state = .skipping(depth: 1, resume: .setup(header, setup))
            return .refuse(problem(element, "unexpected element <msg> in <setup> (does the <setup> on line \(setup.line) lack its </setup>?)"))
        default:
            skip(element)
            return .refuse(problem(element, "unexpected element <\(name)> in <setup> (it holds agent, station and vdn)"))
        }
        // One pass, no list of the attributes: a setup may hold tens of
        // thousands of entries.
        var problems: [TraceProblem] = []
        var first: String?
        var second: String?
        var extras: [String] = []
        for attribute in element.attributes where isPlain(attribute, of: element, problems: &problems) {
            let attributeName = attribute.name
            if attributeName == takes.first {
                first = attribute.value
            } else if attributeName == takes.second {
                second = attribute.value
            } else {
                extras.append(attributeName)
            }
        }
        /// A required attribute's value, checked to be digits; nil when
        /// missing or wrong.
        func required(_ attribute: String, _ value: String?) -> String? {
            guard let value else {
                problems.append(problem(element, "<\(name)> lacks its '\(attribute)' attribute"))
                return nil
            }
            guard Values.isDigits(value) else {
                problems.append(notDigits(attribute, value))
                return nil
            }
            return value
        }
        /// A required list of digit strings; nil when missing or wrong.
        func requiredList(_ attribute: String, _ value: String?) -> [String]? {
            guard let value else {
                problems.append(problem(element, "<\(name)> lacks its '\(attribute)' attribute"))
                return nil
            }
            let items = Values.splitList(value)
            if let wrong = items.first(where: { !Values.isDigits($0) }) {
                problems.append(notDigits(attribute, wrong))
                return nil
            }
            return items
        }
        func notDigits(_ attribute: String, _ item: String) -> TraceProblem {
            problem(element, attribute: attribute,
                         "'\(attribute)' of <\(name)> has \(MessageFormatError.quoted(item)), but must be a non-empty string of digits")
        }
        switch name {
        case "agent":
            let id = required("id", first)
            let skills = requiredList("skills", second)
            if let id {
                if setup.agentIDs.insert(id) {
                    if let skills { setup.administration.agents.append(.init(id: id, skills: skills)) }
                } else {
                    problems.append(problem(element, attribute: "id", "agent \(id) is administered twice"))
                }
            }
        case "station":
            if let station = required("extension", first) {
                if setup.extensions.insert(station) {
                    setup.administration.stations.append(station)
                } else {
                    problems.append(problem(element, attribute: "extension", "station \(station) is administered twice"))
                }
            }
        default:
            let number = required("number", first)
            let skill = required("skill", second)
            if let number {
                if setup.vdnNumbers.insert(number) {
                    if let skill { setup.administration.vdns.append(.init(number: number, skill: skill)) }
                } else {
                    problems.append(problem(element, attribute: "number", "VDN \(number) is administered twice"))
                }
            }
        }
        // Large setups are the rule, large attribute lists a hostile exception.
        for extra in extras {
            // The hint is looked for only when the problem is listed.
            problems.append(problem(element, attribute: extra, Self.unexpected(extra, on: name, takes: [takes.first] + (takes.second.map { [$0] } ?? []))))
        }
        if !element.isEmpty { setup.openEntry = name }
        return .proceed(problems)
    }

    /// `unexpected attribute 'nmber' on <vdn> (did you mean 'number'?)`
    private static func unexpected(_ attribute: String, on element: String, takes known: [String]) -> String {
        let hint = Spelling.suggestion(for: attribute, among: known).map { " (did you mean '\($0)'?)" } ?? ""
        return "unexpected attribute '\(attribute)' on <\(element)>\(hint)"
    }

    private mutating func endOfSetup(_ header: HeaderSoFar, _ setup: SetupSoFar) -> Action {
        var complete = header.header
        complete.setup = setup.administration
        state = .messages(MessagesSoFar(root: header.root, expect: header.expect, position: header.messagesBefore))
        return .header(complete, [])
    }

    // MARK: - Messages

    private mutating func startInMessages<Tag: StartTag>(_ element: Tag, _ messages: inout MessagesSoFar) -> Action {
        // Messages are nearly every element: test for them first, by name id.
        if element.depth == 1 && isMessage(element) {
            let action = readMessage(element, &messages)
            if !element.isEmpty { messages.openMessageLine = element.line }
            state = .messages(messages)
            return action
        }
        let name = element.localName
        let refusal: TraceProblem
        if element.depth >= 2 {
            // Nothing belongs inside a message: skip the rest of it. The
            // usual cause is a <msg ...> written without its "/>".
            let hint = name == "msg" ? messages.openMessageLine.map { " (does the <msg> on line \($0) lack its closing \"/>\"?)" } ?? "" : ""
            let parent = messages.openMessageLine == nil ? "trace" : "msg"
            state = .skipping(depth: element.depth - 1, resume: .messages(messages))
            return .refuse(problem(element, "unexpected element <\(name)> inside <\(parent)>\(hint)"))
        }
        switch name {
        case "title", "description", "covers", "tag": refusal = problem(element, "<\(name)> must come before <setup>")
        case "setup": refusal = problem(element, "<setup> appears twice")
        default: refusal = problem(element, "unexpected element <\(name)> (a trace holds title, description, covers, tag, setup and msg)")
        }
        state = .messages(messages)
        skip(element)
        return .refuse(refusal)
    }

    private mutating func isMessage(_ element: some StartTag) -> Bool {
        let id = element.nameID
        if id >= 0 && id < isMessageByName.count, let known = isMessageByName[id] { return known }
        let isMessage = element.localName == "msg"
        if id >= 0 {
            if id >= isMessageByName.count { isMessageByName += Array(repeating: nil, count: id + 1 - isMessageByName.count) }
            isMessageByName[id] = isMessage
        }
        return isMessage
    }

    /// What an attribute of a `<msg>` is; a parameter's name as a
    /// parameter keeps it, found once per name (the trace reader interns
    /// attribute names).
    private enum AttributeKind {
        case from, to, type, invalid
        case parameter(Parameters.NameKey)
    }

    private mutating func kind(of attribute: some TagAttribute) -> AttributeKind {
        let id = attribute.nameID
        if id >= 0 && id < attributeKinds.count, let known = attributeKinds[id] { return known }
        let kind: AttributeKind
        switch attribute.name {
        case "from": kind = .from
        case "to": kind = .to
        case "type": kind = .type
        case "invalid": kind = .invalid
        case let name: kind = .parameter(Parameters.NameKey(name))
        }
        if id >= 0 {
            if id >= attributeKinds.count { attributeKinds += Array(repeating: nil, count: id + 1 - attributeKinds.count) }
            attributeKinds[id] = kind
        }
        return kind
    }

    /// The hot path of reading: one pass over the attributes, roles and
    /// types looked up by their bytes.
    private mutating func readMessage<Tag: StartTag>(_ element: Tag, _ messages: inout MessagesSoFar) -> Action {
        messages.position += 1
        var problems: [TraceProblem] = []
        var known: (from: Role?, to: Role?, type: MessageType?) = (nil, nil, nil)
        var routing: (from: Tag.Attribute?, to: Tag.Attribute?, type: Tag.Attribute?) = (nil, nil, nil)
        var invalid: String?
        var parameters: [Parameters.Parameter] = []
        parameters.reserveCapacity(5)
        for attribute in element.attributes {
            guard case .none = attribute.namespace else {
                _ = isPlain(attribute, of: element, problems: &problems)
                continue
            }
            switch kind(of: attribute) {
            case .from:
                known.from = attribute.lookup(in: ByteTable<Role>.roles)
                routing.from = attribute
            case .to:
                known.to = attribute.lookup(in: ByteTable<Role>.roles)
                routing.to = attribute
            case .type:
                known.type = attribute.lookup(in: ByteTable<MessageType>.types)
                routing.type = attribute
            case .invalid:
                invalid = attribute.value
            case .parameter(let key):
                parameters.append(Parameters.Parameter(key: key, value: attribute.value))
            }
        }
        if let invalid { checkInvalid(invalid, element, &messages, &problems) }
        guard let from = routing.from, let to = routing.to, let type = routing.type else {
            for (attribute, value) in [("from", routing.from), ("to", routing.to), ("type", routing.type)] where value == nil {
                problems.append(problem(element, "<msg> lacks its '\(attribute)' attribute"))
            }
            return .proceed(problems)
        }
        var written: RawMessage.Routing?
        if known.from == nil || known.to == nil || known.type == nil {
            written = RawMessage.Routing(from: from.value, to: to.value, type: type.value)
        }
        let raw = RawMessage(
            line: element.line, ordinal: element.ordinal, order: element.order, position: messages.position,
            invalid: invalid != nil, known: known, routing: written, parameters: parameters
        )
        return .message(raw, problems)
    }

    /// `invalid` is judged only when `expect` was readable.
    private mutating func checkInvalid(_ invalid: String, _ element: some StartTag, _ messages: inout MessagesSoFar, _ problems: inout [TraceProblem]) {
        guard let expect = messages.expect else { return }
        messages.invalidWritten = true
        guard expect == .fail else {
            problems.append(problem(element, attribute: "invalid", "'invalid' may appear only in an expect=\"fail\" trace"))
            return
        }
        guard invalid == "true" else {
            problems.append(problem(element, attribute: "invalid", "'invalid' must be \"true\" (it is \(MessageFormatError.quoted(invalid)))"))
            return
        }
        if let first = messages.invalidPosition {
            problems.append(problem(element, attribute: "invalid",
                                         "a second <msg> is marked invalid (message \(messages.position); message \(first) already is)"))
        } else {
            messages.invalidPosition = messages.position
        }
    }

    // MARK: - Helpers

    /// Skips what is inside `element` (nothing when it is empty).
    private mutating func skip(_ element: some StartTag) {
        guard !element.isEmpty else { return }
        state = .skipping(depth: element.depth, resume: state)
    }

    private func withProblems(_ problems: [TraceProblem], _ action: Action) -> Action {
        guard !problems.isEmpty else { return action }
        switch action {
        case .proceed(let more): return .proceed(problems + more)
        case .refuse(let more): return .proceed(problems + [more])
        case .header(let header, let more): return .header(header, problems + more)
        case .message(let raw, let more): return .message(raw, problems + more)
        case .finished, .fatal: return action
        }
    }

    /// Whether an attribute is in no namespace. Attributes in foreign
    /// namespaces (such as xsi:schemaLocation, which editors use) are
    /// skipped; the trace namespace itself is refused.
    private mutating func isPlain(_ attribute: some TagAttribute, of element: some StartTag, problems: inout [TraceProblem]) -> Bool {
        switch attribute.namespace {
        case .none:
            return true
        case .ours:
            let name = attribute.name
            problems.append(problem(element, attribute: name,
                                    "attribute '\(name)' must not be in the trace namespace (write it without a prefix)"))
            return false
        case .other:
            return false
        }
    }

    private mutating func rejectAttributes(of element: some StartTag, problems: inout [TraceProblem]) {
        for attribute in element.attributes where isPlain(attribute, of: element, problems: &problems) {
            let name = attribute.name
            problems.append(problem(element, attribute: name, "unexpected attribute '\(name)' on <\(element.localName)>"))
        }
    }

    /// A problem at `element`. Past `ProblemList.limit` of them its words
    /// are not made: problems come in file order, so it would only be
    /// counted (a hostile file has hundreds of thousands).
    private mutating func problem(_ element: some StartTag, attribute: String? = nil, _ message: @autoclosure () -> String) -> TraceProblem {
        problemsMade += 1
        return TraceProblem(at: .element(ordinal: element.ordinal, line: element.line, attribute: attribute), order: element.order,
                            problemsMade <= ProblemList.limit ? message() : "")
    }
}
