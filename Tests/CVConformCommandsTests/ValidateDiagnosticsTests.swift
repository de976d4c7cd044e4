import CVConformJSON
import CVConformTestSupport
import Foundation
import Testing

@Suite("cvconform validate: libxml2's diagnostics and malformations as a person reads them", .tags(.endToEnd))
struct ValidateDiagnosticsTests {
    @Test("cvconform validate writes nothing to stderr for the encoding fixture")
    func nothingOnStderr() async throws {
        let result = try await cvconform("validate", "Tests/Fixtures/hostile/encoding-error.xml")
        #expect(result.status == 1)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.stdout.contains("Tests/Fixtures/hostile/encoding-error.xml:1:1: XML: input conversion failed"), "\(result.stdout)")
    }

    @Test("validate lists every malformation, each on its own line, and keeps the JSON report's six fields")
    func validateLists() async throws {
        let folder = NSTemporaryDirectory() + "cvconform-list-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <trace xmlns="urn:cvconform:trace:1" id="t" profile="core" expect="pass">
              <setup>
                <agent id="1001" skills="10 20"/>
                <station extension="4001"/>
                <vdn number="5000" skill="10"/>
              </setup>
              <msg from="browser" to="icm" type="login" agent="1001" extention="4001"/>
              <note/>
              <msg from="browser" to="icm" type="logout" agent="10x1"/>
            </trace>

            """
        try text.write(toFile: folder + "/three.xml", atomically: true, encoding: .utf8)
        let result = try await cvconform("validate", folder + "/three.xml", "--json", folder + "/report.json")
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
