import ArgumentParser
import CVConformModel
import CVConformReports
import CVConformTrace

extension CVConform {
    /// `cvconform diagram [ROLE...] [--output DIR]`
    struct Diagram: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
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
                    throw UsageError("'\(name)' is not a system role (icm, cvct, ecs)")
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

    /// `cvconform schema [--output FILE]`
    struct Schema: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the RELAX NG schema of trace files, or check files against it.",
            discussion: """
                The schema is generated from the message catalog (spec/trace.rng in this repository). \
                With --check, validates the given trace files with libxml2's RELAX NG validator \
                (as `xmllint --relaxng` does); `validate` checks everything the schema checks and more.
                """
        )

        @Option(name: .long, help: ArgumentHelp("Write the schema to this file.", valueName: "file"))
        var output: String?

        @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Check these trace files or folders against the schema.", valueName: "path"))
        var check: [String] = []

        mutating func run() async throws {
            if check.isEmpty {
                let text = TraceSchema.relaxNG()
                if let output { try AtomicFile.write(text, to: output) } else { print(text, terminator: "") }
                return
            }
            let files: [String]
            do { files = try TraceFiles.collect(check) } catch { throw UsageError(error.description) }
            var failed = 0
            for file in files {
                let problems = TraceSchema.check(file: file)
                if problems.isEmpty {
                    print("valid   \(file)")
                } else {
                    failed += 1
                    print("INVALID \(file)")
                    for problem in problems { print("     \(problem)") }
                }
            }
            print("\(files.count - failed) passed, \(failed) failed")
            if failed > 0 { throw ExitCode.failure }
        }
    }
}
