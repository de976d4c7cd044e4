import CVConformTrace
import Testing
@testable import CVConformModel

@Suite("Diagrams say whose transition each is")
struct DiagramTests {
    @Test("Each edge is agent 1001's or labelled `other:`; another agent's messages never move 1001's phase", arguments: [Role.icm, .ecs])
    func whose(_ role: Role) {
        let graph = ModelExplorer.explore(role)
        #expect(graph.edges.contains { $0.aboutAnother })
        #expect(graph.edges.contains { !$0.aboutAnother })
        for edge in graph.edges where edge.aboutAnother { #expect(edge.from == edge.to, "\(edge)") }
        let text = ModelExplorer.mermaid(graph)
        #expect(text.contains("other: "))
        #expect(text.contains("1001: "))
        #expect(!text.contains("follows agent"))
    }

    @Test("A message naming another agent in what the role sends is that agent's (the ICM's answered connects 1002)")
    func namedInOutputs() {
        let graph = ModelExplorer.explore(.icm)
        // Connecting is always someone's: when it is not 1001's, 1001's phase stays and the edge says `other`.
        let connects = graph.edges.filter { $0.input == "answered" && $0.outputs == ["connect"] }
        #expect(!connects.isEmpty)
        for edge in connects where edge.from == edge.to { #expect(edge.aboutAnother || edge.from == "in session", "\(edge)") }
    }
}
