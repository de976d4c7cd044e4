import CVConformModel
import CVConformTestSupport
import CVConformTrace
import Foundation
import Testing

@Suite("Generated files under spec/ are up to date, and say what the code does", .tags(.endToEnd))
struct GeneratedFilesTests {
    @Test("spec/diagrams/ROLE.mmd matches the model (regenerate: cvconform diagram --output spec/diagrams)",
          arguments: Role.systemRoles)
    func diagram(_ role: Role) throws {
        let checkedIn = try String(contentsOfFile: repositoryRoot + "/spec/diagrams/\(role.rawValue).mmd", encoding: .utf8)
        #expect(checkedIn == ModelExplorer.mermaid(ModelExplorer.explore(role)))
    }

    @Test("The diagrams show every clause of their role")
    func diagramsShowEveryClause() {
        for role in Role.systemRoles {
            let text = ModelExplorer.mermaid(ModelExplorer.explore(role))
            for clause in Clause.allCases where clause.role == role {
                #expect(text.contains(clause.id + "]") || text.contains(clause.id + " "), "\(clause.id) missing from \(role)")
            }
        }
    }

    @Test("spec/trace.rng matches the catalog (regenerate: cvconform schema --output spec/trace.rng)")
    func schemaCurrent() throws {
        let checkedIn = try String(contentsOfFile: repositoryRoot + "/spec/trace.rng", encoding: .utf8)
        #expect(checkedIn == TraceSchema.relaxNG())
    }

    @Test("spec/requirements.md names every clause the model cites, and no other")
    func requirementsListEveryClause() throws {
        let text = try String(contentsOfFile: repositoryRoot + "/spec/requirements.md", encoding: .utf8)
        var headed = Set<String>()
        for line in text.split(separator: "\n") where line.hasPrefix("### ") {
            headed.insert(String(line.dropFirst(4).split(separator: " ")[0]))
        }
        #expect(headed == Set(Clause.allCases.map(\.id)))
    }

    @Test("The schema accepts every trace of the suite")
    func schemaAcceptsSuite() throws {
        let enumerator = try #require(FileManager.default.enumerator(atPath: repositoryRoot + "/traces"))
        var count = 0
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasSuffix(".xml") else { continue }
            count += 1
            let problems = TraceSchema.check(file: repositoryRoot + "/traces/" + relative)
            #expect(problems.isEmpty, "\(relative): \(problems)")
        }
        #expect(count >= 60)
    }

    /// What RELAX NG cannot say: how often `invalid` appears and in which
    /// traces, and that no DOCTYPE may appear. validate refuses these; the
    /// schema lets them through. They live in malformed-schema-valid/.
    static let hostileBeyondTheSchema: Set<String> = ["external-dtd.xml", "parameter-entity.xml"]

    @Test("The schema rejects every fixture in malformed/, and accepts those in malformed-schema-valid/")
    func schemaRejectsFixtures() throws {
        for folder in ["malformed", "malformed-schema-valid", "hostile"] {
            let path = repositoryRoot + "/Tests/Fixtures/" + folder
            let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".xml") }
            #expect(!names.isEmpty)
            for name in names {
                let problems = TraceSchema.check(file: path + "/" + name)
                let schemaValid = folder == "malformed-schema-valid" || (folder == "hostile" && Self.hostileBeyondTheSchema.contains(name))
                #expect(problems.isEmpty == schemaValid, "\(folder)/\(name): \(problems)")
            }
        }
    }

    @Test("schema --check says what validate says (the attribute, its place, a did-you-mean) before libxml2's words")
    func schemaCheckWords() async throws {
        let folder = try temporaryFolder()
        let file = folder + "/bad.xml"
        try """
            <?xml version="1.0" encoding="UTF-8"?>
            <trace xmlns="urn:cvconform:trace:1" id="bad" profile="core" expect="pass">
              <setup><agent id="1001" skills="10"/><station extension="4001"/></setup>
              <msg from="browser" to="icm" type="login" agent="1001" extention="4001"/>
            </trace>
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await cvconform("schema", "--check", file)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count > 2 && lines[1].contains("unexpected parameter 'extention' (did you mean 'extension'?)"), "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("     schema: ") })
    }
}
