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

    @Test("cvconform validate writes nothing to stderr for the encoding fixture")
    func nothingOnStderr() throws {
        let result = try cvconform("validate", "Tests/Fixtures/hostile/encoding-error.xml")
        #expect(result.status == 1)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.stdout.contains("Tests/Fixtures/hostile/encoding-error.xml:1:1: XML: input conversion failed"), "\(result.stdout)")
    }

    @Test("validate lists every malformation, each on its own line, and keeps the JSON report's six fields")
    func validateLists() throws {
        let folder = NSTemporaryDirectory() + "cvconform-list-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = traceText(
            #"<msg from="browser" to="icm" type="login" agent="1001" extention="4001"/>"#,
            "<note/>",
            #"<msg from="browser" to="icm" type="logout" agent="10x1"/>"#
        )
        try text.write(toFile: folder + "/three.xml")
        let result = try cvconform("validate", folder + "/three.xml", "--json", folder + "/report.json")
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.contains("malformed: \(folder)/three.xml:8:58: message 1: message 'login' has unexpected parameter 'extention' (did you mean 'extension'?)"))
        #expect(lines.contains("\(folder)/three.xml:9:3: unexpected element <note> (a trace holds title, description, covers, tag, setup and msg)"))
        #expect(lines.contains("\(folder)/three.xml:10:46: message 2: parameter 'agent' is '10x1', but must be a non-empty string of digits"))
        let first = try #require(try reportTraces(folder + "/report.json").first)
        guard case .object(let members) = first else { Issue.record("not an object: \(first)"); return }
        #expect(Set(members.map(\.0)) == ["id", "file", "expect", "outcome", "at", "ok"])
    }
}

/// Strings collected from several threads, under a lock.
private final class Results: Sendable {
    private let items = Mutex<[String]>([])

    func add(_ item: String) { items.withLock { $0.append(item) } }

    var all: [String] { items.withLock { $0 } }
}
