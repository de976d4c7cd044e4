import CVConformTestSupport
import Foundation
import Testing
@testable import CVConformLogs

@Suite("Log lines: split across reads, numbered, located, bounded")
struct LogLineReaderTests {
    /// The lines of `text` fed in chunks of `chunk` bytes: (number, offset, text or nil when too long).
    func lines(_ text: String, chunk: Int, limit: Int = LogLineReader.maximumLineLength) -> [(Int, Int, String?)] {
        var found: [(Int, Int, String?)] = []
        var splitter = LogLineReader.Splitter(limit: limit)
        let bytes = Array(text.utf8)
        var start = 0
        let record = { (line: LogLineReader.Line) in
            found.append((line.number, line.offset, line.tooLong ? nil : String(decoding: line.bytes, as: UTF8.self)))
        }
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            bytes[start..<end].withUnsafeBufferPointer { splitter.feed($0, line: record) }
            start = end
        }
        splitter.finish(line: record)
        return found
    }

    @Test("Lines are the same whatever the chunks; offsets point at each line's first byte; a last line without newline counts")
    func chunks() {
        let text = "{\"a\":1}\n\nsecond line\nlast"
        let expected: [(Int, Int, String?)] = [(1, 0, "{\"a\":1}"), (2, 8, ""), (3, 9, "second line"), (4, 21, "last")]
        for chunk in [1, 2, 3, 7, 64] {
            let found = lines(text, chunk: chunk)
            #expect(found.map(\.0) == expected.map(\.0), "chunk \(chunk)")
            #expect(found.map(\.1) == expected.map(\.1), "chunk \(chunk)")
            #expect(found.map(\.2) == expected.map(\.2), "chunk \(chunk)")
        }
        #expect(lines("one\n", chunk: 2).count == 1, "a final newline ends the last line; it starts none")
    }

    @Test("A line longer than the limit is reported too long and its bytes are never held")
    func tooLong() {
        let long = String(repeating: "x", count: 100)
        for chunk in [7, 64, 1000] {
            let found = lines("short\n" + long + "\nafter\n", chunk: chunk, limit: 64)
            #expect(found.count == 3)
            #expect(found[1].0 == 2 && found[1].2 == nil)
            #expect(found[2].2 == "after")
        }
        let found = lines("short\n" + long + "\nafter\n", chunk: 10, limit: 64)
        #expect(found[1].0 == 2 && found[1].2 == nil)
        #expect(found[2].2 == "after")
        #expect(found[2].1 == 6 + long.utf8.count + 1)
    }

    @Test("A file that cannot be opened is a read error naming it")
    func unreadable() {
        #expect(throws: LogReadError.self) { try LogLineReader.read(.file("/nonexistent/cvconform.log")) { _ in } }
    }
}
