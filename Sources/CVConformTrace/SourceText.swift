#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The input of a reader, kept so that an error can name its column.
///
/// libxml2 records only an element's line, and its parser runs ahead of the
/// reader, so columns are found afterwards by looking at the text: the
/// element is the n-th start tag on its line, the attribute the first with
/// that name after it. This runs only when there is an error to report.
enum SourceText {
    case file(String)
    case memory(String, [UInt8])

    var name: String {
        switch self {
        case .file(let path): return path
        case .memory(let name, _): return name
        }
    }

    /// The 1-based location of the `elementIndex`-th start tag on `line`
    /// (counting from 0), or of its attribute `attribute` if given.
    func locate(line: Int, elementIndex: Int, attribute: String?) -> SourceLocation {
        let lines = self.lines(from: line, count: attribute == nil ? 1 : 64)
        var column = 1
        var lineNumber = line
        guard let first = lines.first else { return SourceLocation(file: name, line: line, column: 1) }
        // Find the start tag.
        var tagStart: Int?
        var seen = -1
        var index = 0
        while index < first.count {
            if first[index] == UInt8(ascii: "<"), index + 1 < first.count,
               ![UInt8(ascii: "/"), UInt8(ascii: "!"), UInt8(ascii: "?")].contains(first[index + 1]) {
                seen += 1
                if seen == elementIndex { tagStart = index; break }
            }
            index += 1
        }
        guard let tagStart else { return SourceLocation(file: name, line: line, column: 1) }
        column = Self.column(of: tagStart, in: first)
        guard let attribute else { return SourceLocation(file: name, line: line, column: column) }
        let wanted = Array(attribute.utf8)
        for (offset, text) in lines.enumerated() {
            let start = offset == 0 ? tagStart + 1 : 0
            if let found = Self.findAttribute(wanted, in: text, from: start) {
                lineNumber = line + offset
                return SourceLocation(file: name, line: lineNumber, column: Self.column(of: found, in: text))
            }
            if text[start...].contains(UInt8(ascii: ">")) { break }
        }
        return SourceLocation(file: name, line: line, column: column)
    }

    /// Where `needle` first stands within the first `maxLines` lines.
    func find(_ needle: String, maxLines: Int = 10_000) -> SourceLocation? {
        let wanted = Array(needle.utf8)
        for (offset, text) in lines(from: 1, count: maxLines).enumerated() where text.count >= wanted.count {
            for index in 0...(text.count - wanted.count) where Array(text[index..<(index + wanted.count)]) == wanted {
                return SourceLocation(file: name, line: offset + 1, column: Self.column(of: index, in: text))
            }
        }
        return nil
    }

    private static func column(of byteOffset: Int, in line: [UInt8]) -> Int {
        // Count characters, not bytes: continuation bytes do not start one.
        line[..<byteOffset].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
    }

    private static func findAttribute(_ name: [UInt8], in line: [UInt8], from start: Int) -> Int? {
        guard !name.isEmpty, line.count >= name.count else { return nil }
        var index = start
        while index + name.count <= line.count {
            if line[index] == UInt8(ascii: ">") { return nil }
            let before = index == 0 ? UInt8(ascii: " ") : line[index - 1]
            let isBoundary = before == UInt8(ascii: " ") || before == UInt8(ascii: "\t") || before == UInt8(ascii: "\r")
            if isBoundary, Array(line[index..<(index + name.count)]) == name {
                var after = index + name.count
                while after < line.count, line[after] == UInt8(ascii: " ") || line[after] == UInt8(ascii: "\t") { after += 1 }
                if after == line.count || line[after] == UInt8(ascii: "=") { return index }
            }
            index += 1
        }
        return nil
    }

    /// Up to `count` lines starting at the 1-based `line`, without newlines.
    /// Lines longer than 1 MiB are cut: they are for locating, not reading.
    private func lines(from line: Int, count: Int) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var current: [UInt8] = []
        var number = 1
        let limit = 1 << 20
        func visit(_ byte: UInt8) -> Bool {
            if byte == UInt8(ascii: "\n") {
                if number >= line { result.append(current) }
                current.removeAll(keepingCapacity: true)
                number += 1
                return result.count < count
            }
            if number >= line && current.count < limit { current.append(byte) }
            return true
        }
        switch self {
        case .memory(_, let bytes):
            for byte in bytes where !visit(byte) { return result }
        case .file(let path):
            guard let handle = fopen(path, "rb") else { return result }
            defer { fclose(handle) }
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let read = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
                if read <= 0 { break }
                for byte in buffer[0..<read] where !visit(byte) { return result }
            }
        }
        if number >= line && result.count < count { result.append(current) }
        return result
    }
}
