import Foundation

/// The input of a reader, kept so that an error can name its line and column.
///
/// libxml2 gives an element only the line where its start tag ends (exact
/// below 65,535 only), and its parser runs ahead of the reader, so places
/// are found afterwards in the text: an element is the n-th start tag of the
/// document, an attribute the one with that name in its tag, stray text the
/// first visible character after so many start and end tags. One pass over
/// the text finds every place asked for, and runs only when there is an
/// error to report.
enum SourceText {
    case file(String)
    case memory(String, [UInt8])

    var name: String {
        switch self {
        case .file(let path): return path
        case .memory(let name, _): return name
        }
    }

    /// The 1-based location of each place, in the order given.
    func locate(_ places: [TraceProblem.Place]) -> [SourceLocation] {
        var locator = Locator(places)
        if !locator.isDone {
            forEachChunk { bytes in locator.feed(contentsOf: bytes) }
        }
        return places.indices.map { index in
            let found = locator.found[index]
            switch places[index] {
            case .element(_, let line, _):
                return SourceLocation(file: name, line: found?.line ?? line, column: found?.column ?? 1)
            case .text(_, _, let line):
                return SourceLocation(file: name, line: found?.line ?? line, column: found?.column ?? 1)
            case .exact(let line, let column):
                return SourceLocation(file: name, line: line, column: column)
            case .file:
                return SourceLocation(file: name, line: 0, column: 0)
            }
        }
    }

    /// Where `needle` (one line of ASCII) first stands within the first
    /// `maxLines` lines.
    func find(_ needle: String, maxLines: Int = 10_000) -> SourceLocation? {
        let wanted = Array(needle.utf8)
        guard !wanted.isEmpty else { return nil }
        // Knuth–Morris–Pratt, so the text is read once without looking back.
        var border = [0]
        var length = 0
        for byte in wanted.dropFirst() {
            while length > 0 && wanted[length] != byte { length = border[length - 1] }
            if wanted[length] == byte { length += 1 }
            border.append(length)
        }
        var position = Position()
        var matched = 0
        var result: SourceLocation?
        forEachChunk { bytes in
            for byte in bytes {
                position.advance(over: byte)
                if position.line > maxLines { return false }
                while matched > 0 && wanted[matched] != byte { matched = border[matched - 1] }
                if wanted[matched] == byte { matched += 1 }
                if matched == wanted.count {
                    result = SourceLocation(file: name, line: position.line, column: position.column - (wanted.count - 1))
                    return false
                }
            }
            return true
        }
        return result
    }

    /// Calls `body` with the text in chunks while it returns true.
    private func forEachChunk(_ body: ([UInt8]) -> Bool) {
        switch self {
        case .memory(_, let bytes):
            _ = body(bytes)
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else { return }
            defer { try? handle.close() }
            while let data = try? handle.read(upToCount: 1 << 16), !data.isEmpty {
                if !body([UInt8](data)) { return }
            }
        }
    }
}

/// Line and column of the byte just read; columns count characters, so
/// UTF-8 continuation bytes do not move them.
private struct Position {
    var line = 1
    var column = 0

    mutating func advance(over byte: UInt8) {
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 0
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }
}

/// A small XML lexer that counts start and end tags as libxml2 does (skipping
/// comments, CDATA, processing instructions and the DOCTYPE, and quoted
/// attribute values) and notes where each place asked for stands.
private struct Locator {
    private struct ElementRequest {
        var ordinal: Int
        var attribute: [UInt8]?
        var index: Int
    }

    private struct TextRequest {
        var startTags: Int
        var endTags: Int
        var index: Int
    }

    private(set) var found: [(line: Int, column: Int)?]
    private var elements: [ElementRequest]
    private var texts: [TextRequest]
    private var nextElement = 0
    private var nextText = 0
    var isDone: Bool { nextElement == elements.count && nextText == texts.count }

    private enum State {
        case text
        /// Just after `<`.
        case open
        /// After `<!`, with how much of `--` or `[CDATA[` has matched.
        case bang(matched: Int)
        case comment(dashes: Int)
        case cdata(brackets: Int)
        /// A declaration such as the DOCTYPE, with its internal subset.
        case declaration(quote: UInt8?, brackets: Int)
        case instruction(question: Bool)
        case endTag
        case tagName
        case inTag(quote: UInt8?)
        case attributeName
    }

    private var state = State.text
    private var position = Position()
    private var startTags = 0
    private var endTags = 0
    /// The tag being read, when places are asked for in it.
    private var tagOrdinal: Int?
    private var tagStart = (line: 0, column: 0)
    private var name: [UInt8] = []
    private var nameStart = (line: 0, column: 0)
    private let longestName: Int

    init(_ places: [TraceProblem.Place]) {
        found = Array(repeating: nil, count: places.count)
        var elements: [ElementRequest] = []
        var texts: [TextRequest] = []
        for (index, place) in places.enumerated() {
            switch place {
            case .element(let ordinal, _, let attribute):
                elements.append(ElementRequest(ordinal: ordinal, attribute: attribute.map { Array($0.utf8) }, index: index))
            case .text(let startTags, let endTags, _):
                texts.append(TextRequest(startTags: startTags, endTags: endTags, index: index))
            case .exact, .file:
                break
            }
        }
        elements.sort { $0.ordinal < $1.ordinal }
        texts.sort { ($0.startTags, $0.endTags) < ($1.startTags, $1.endTags) }
        self.elements = elements
        self.texts = texts
        longestName = elements.compactMap { $0.attribute?.count }.max() ?? 0
    }

    private static let cdataOpening = Array("[CDATA[".utf8)

    /// Reads on through `bytes`; false once every place is found.
    mutating func feed(contentsOf bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            while index < buffer.count {
                // Runs where only the position moves, in a tight loop: a
                // quoted value, and text when no stray text is looked for
                // (a hostile file holds megabytes of either).
                switch state {
                case .inTag(let quote?):
                    while index < buffer.count && buffer[index] != quote {
                        position.advance(over: buffer[index])
                        index += 1
                    }
                case .text where nextText == texts.count:
                    while index < buffer.count && buffer[index] != UInt8(ascii: "<") {
                        position.advance(over: buffer[index])
                        index += 1
                    }
                default:
                    break
                }
                guard index < buffer.count else { return true }
                feed(buffer[index])
                index += 1
                if isDone { return false }
            }
            return true
        }
    }

    private mutating func feed(_ byte: UInt8) {
        position.advance(over: byte)
        switch state {
        case .text:
            if byte == UInt8(ascii: "<") {
                state = .open
            } else if !Values.isXMLSpace(byte) {
                visibleText()
            }
        case .open:
            switch byte {
            case UInt8(ascii: "/"):
                endTags += 1
                state = .endTag
            case UInt8(ascii: "!"):
                state = .bang(matched: 0)
            case UInt8(ascii: "?"):
                state = .instruction(question: false)
            default:
                startTag()
                state = .tagName
            }
        case .bang(let matched):
            if matched == 0 && byte == UInt8(ascii: "-") {
                state = .bang(matched: -1)
            } else if matched == -1 {
                state = byte == UInt8(ascii: "-") ? .comment(dashes: 0) : .declaration(quote: nil, brackets: 0)
            } else if matched >= 0 && matched < Self.cdataOpening.count && byte == Self.cdataOpening[matched] {
                state = matched + 1 == Self.cdataOpening.count ? .cdata(brackets: 0) : .bang(matched: matched + 1)
            } else {
                state = .declaration(quote: nil, brackets: 0)
                feedDeclaration(byte, quote: nil, brackets: 0)
            }
        case .comment(let dashes):
            if byte == UInt8(ascii: ">") && dashes >= 2 {
                state = .text
            } else {
                state = .comment(dashes: byte == UInt8(ascii: "-") ? dashes + 1 : 0)
            }
        case .cdata(let brackets):
            if byte == UInt8(ascii: ">") && brackets >= 2 {
                state = .text
            } else {
                if byte != UInt8(ascii: "]") && !Values.isXMLSpace(byte) { visibleText() }
                state = .cdata(brackets: byte == UInt8(ascii: "]") ? brackets + 1 : 0)
            }
        case .declaration(let quote, let brackets):
            feedDeclaration(byte, quote: quote, brackets: brackets)
        case .instruction(let question):
            if byte == UInt8(ascii: ">") && question {
                state = .text
            } else {
                state = .instruction(question: byte == UInt8(ascii: "?"))
            }
        case .endTag:
            if byte == UInt8(ascii: ">") { state = .text }
        case .tagName:
            if Values.isXMLSpace(byte) {
                state = .inTag(quote: nil)
            } else if byte == UInt8(ascii: ">") {
                endOfTag()
            }
        case .inTag(let quote):
            if let quote {
                if byte == quote { state = .inTag(quote: nil) }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                state = .inTag(quote: byte)
            } else if byte == UInt8(ascii: ">") {
                endOfTag()
            } else if !Values.isXMLSpace(byte) && byte != UInt8(ascii: "/") && byte != UInt8(ascii: "=") {
                name.removeAll(keepingCapacity: true)
                name.append(byte)
                nameStart = (position.line, position.column)
                state = .attributeName
            }
        case .attributeName:
            if Values.isXMLSpace(byte) || byte == UInt8(ascii: "=") {
                attributeNameRead()
                state = .inTag(quote: nil)
            } else if byte == UInt8(ascii: ">") {
                attributeNameRead()
                endOfTag()
            } else if name.count <= longestName {
                name.append(byte)
            }
        }
    }

    private mutating func feedDeclaration(_ byte: UInt8, quote: UInt8?, brackets: Int) {
        if let quote {
            state = .declaration(quote: byte == quote ? nil : quote, brackets: brackets)
        } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            state = .declaration(quote: byte, brackets: brackets)
        } else if byte == UInt8(ascii: "[") {
            state = .declaration(quote: nil, brackets: brackets + 1)
        } else if byte == UInt8(ascii: "]") {
            state = .declaration(quote: nil, brackets: max(brackets - 1, 0))
        } else if byte == UInt8(ascii: ">") && brackets == 0 {
            state = .text
        }
    }

    /// A visible character of character data: the place of stray text.
    private mutating func visibleText() {
        while nextText < texts.count {
            let request = texts[nextText]
            if (request.startTags, request.endTags) > (startTags, endTags) { return }
            if request.startTags == startTags && request.endTags == endTags {
                found[request.index] = (position.line, position.column)
            }
            nextText += 1
        }
    }

    private mutating func startTag() {
        let ordinal = startTags
        startTags += 1
        // The `<` was the byte before this one.
        tagStart = (position.line, max(position.column - 1, 1))
        while nextElement < elements.count && elements[nextElement].ordinal < ordinal { nextElement += 1 }
        tagOrdinal = nextElement < elements.count && elements[nextElement].ordinal == ordinal ? ordinal : nil
    }

    private mutating func attributeNameRead() {
        guard let ordinal = tagOrdinal else { return }
        var index = nextElement
        while index < elements.count && elements[index].ordinal == ordinal {
            let request = elements[index]
            if found[request.index] == nil, let wanted = request.attribute, Self.names(name, match: wanted) {
                found[request.index] = nameStart
            }
            index += 1
        }
    }

    /// `agent` also matches a prefixed `t:agent`.
    private static func names(_ name: [UInt8], match wanted: [UInt8]) -> Bool {
        if name == wanted { return true }
        guard name.count > wanted.count, name[name.count - wanted.count - 1] == UInt8(ascii: ":") else { return false }
        return name.suffix(wanted.count).elementsEqual(wanted)
    }

    private mutating func endOfTag() {
        state = .text
        guard let ordinal = tagOrdinal else { return }
        tagOrdinal = nil
        while nextElement < elements.count && elements[nextElement].ordinal == ordinal {
            let request = elements[nextElement]
            if found[request.index] == nil { found[request.index] = tagStart }
            nextElement += 1
        }
    }
}
