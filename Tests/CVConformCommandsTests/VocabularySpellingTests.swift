import CVConformModel
import CVConformTestSupport
import CVConformTrace
import Foundation
import Testing

/// Issue 22's rule: each enumerated value of the protocol is spelled, as a
/// string literal, in at most two source files outside the example
/// implementation; every other module asks the vocabulary.
@Suite("The vocabulary is spelled in one place")
struct VocabularySpellingTests {
    static let values: [String] = Media.allCases.map(\.rawValue) + Button.allCases.map(\.rawValue)
        + Reason.allCases.map(\.rawValue) + Cause.allCases.map(\.rawValue) + By.allCases.map(\.rawValue)
        + ProgressState.allCases.map(\.rawValue)

    /// Each Swift file of `Sources/` outside the example implementation, by
    /// its path from the repository.
    static func sources() throws -> [(path: String, text: String)] {
        let root = repositoryRoot + "/Sources"
        guard let files = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [(String, String)] = []
        for case let file as String in files where file.hasSuffix(".swift") && !file.hasPrefix("ExampleImplementation/") {
            found.append(("Sources/" + file, try String(contentsOfFile: root + "/" + file, encoding: .utf8)))
        }
        return found
    }

    @Test("Each enumerated value is a string literal in at most two source files")
    func eachValueInAtMostTwoFiles() throws {
        let sources = try Self.sources()
        #expect(sources.count > 100, "Sources/ was not read")
        #expect(Self.values.count >= 19)
        for value in Self.values {
            let files = sources.filter { $0.text.contains("\"\(value)\"") }.map(\.path)
            #expect(files.count <= 2, "\"\(value)\" is spelled in \(files.count) files: \(files.joined(separator: ", "))")
        }
    }

    @Test("progress's extra parameters come from the vocabulary")
    func progressParameters() {
        #expect(MessageCatalog.progressParameters["dropped"] == ["extension", "by"])
        #expect(MessageCatalog.progressParameters["offered"] == ["vdn"])
        #expect(MessageCatalog.progressParameters.count == ProgressState.allCases.count)
    }

    @Test("The ECS's phase words are one list")
    func agentPhaseWords() {
        #expect(AgentPhase.allCases.map(\.rawValue) == ["logged out", "available", "alerting", "connected"])
    }
}
