import ArgumentParser
import CVConformModel
import CVConformPlatform
import CVConformReports
import CVConformTrace

extension CVConform {
    /// `cvconform diagram [ROLE...] [--output DIR]`
    struct Diagram: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diagram",
            abstract: "Print the state diagram (Mermaid) of a system role, generated from the reference model.",
            discussion: "With --output, writes ROLE.mmd for each role into the folder (spec/diagrams in this repository)."
        )

        @Argument(help: "Roles to draw: icm, cvct, ecs (default: all three).")
        var roles: [String] = []

        @Option(name: .long, help: ArgumentHelp("Write ROLE.mmd files into this folder.", valueName: "dir"))
        var output: String?

        mutating func run() async throws {
            var chosen: [Role] = []
            for name in roles {
                guard let role = Role(rawValue: name), role.isSystem else {
                    throw ValidationError("'\(name)' is not a system role (icm, cvct, ecs)")
                }
                chosen.append(role)
            }
            if chosen.isEmpty { chosen = Role.systemRoles }
            for role in chosen {
                let text = ModelExplorer.mermaid(ModelExplorer.explore(role))
                if let output {
                    try AtomicFile.write(text, to: output + "/\(role.rawValue).mmd")
                } else {
                    print(text)
                }
            }
        }
    }
}
