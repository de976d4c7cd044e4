import Dispatch
import Foundation
import Synchronization
import Testing
@testable import CVConformTrace

@Suite("libxml2's diagnostics go to the reader, never to stderr")
struct DiagnosticsTests {
    private let encodingFixture = repositoryRoot + "/Tests/Fixtures/hostile/encoding-error.xml"

    @Test("An encoding error libxml2 raises without a parser reaches the reader's error")
    func encodingError() throws {
        // Without the thread's handler libxml2 prints this to stderr and the
        // reader sees only "Extra content at the end of the document".
        let error = try #require(throws: TraceError.self) { try Trace.read(file: encodingFixture) }
        #expect(error.kind == .notWellFormed)
        #expect(error.message.hasPrefix("XML: input conversion failed"), "\(error)")
        #expect(error.location.line == 1)
    }

    @Test("FMT-9: a file cut off inside an element says which element it ends in, not that there is extra content (libxml2's push parser's word)")
    func cutOffFile() throws {
        let whole = try String(contentsOfFile: repositoryRoot + "/traces/login/login-basic.xml", encoding: .utf8)
        _ = try Trace.read(text: whole)
        // Cut after the last message, at the start of the end tag, and inside it.
        for cut in ["agent=\"1001\"/>\n", "agent=\"1001\"/>\n<"] {
            let end = try #require(whole.range(of: cut, options: .backwards)).upperBound
            let error = try #require(throws: TraceError.self) { try Trace.read(text: String(whole[..<end])) }
            #expect(error.kind == .notWellFormed)
            #expect(error.message == "XML: Premature end of data in tag trace line 2 (the file ends before </trace>)", "\(error)")
        }
        // Content after the root element is still extra content.
        let error = try #require(throws: TraceError.self) { try Trace.read(text: whole + "<more/>\n") }
        #expect(error.message == "XML: Extra content at the end of the document", "\(error)")
    }

    @Test("Readers on two threads each get their own diagnostics")
    func twoThreads() throws {
        let other = repositoryRoot + "/Tests/Fixtures/malformed/not-well-formed-attribute.xml"
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 40) { index in
            let path = index.isMultiple(of: 2) ? encodingFixture : other
            do throws(TraceError) {
                _ = try Trace.read(file: path)
                results.add("\(index): read")
            } catch {
                let expected = index.isMultiple(of: 2) ? "XML: input conversion failed" : "XML: AttValue"
                if !error.message.hasPrefix(expected) { results.add("\(index): \(error)") }
            }
        }
        #expect(results.all.isEmpty)
    }
}

/// Strings collected from several threads, under a lock.
private final class Results: Sendable {
    private let items = Mutex<[String]>([])

    func add(_ item: String) { items.withLock { $0.append(item) } }

    var all: [String] { items.withLock { $0 } }
}
