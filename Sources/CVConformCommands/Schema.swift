import ArgumentParser
import CVConformModel
import CVConformPlatform
import CVConformReports
import CVConformTrace

extension CVConform {
    /// `cvconform schema [--output FILE]`
    struct Schema: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schema",
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
            do { files = try TraceFiles.collect(check) } catch { throw ValidationError(error.description) }
            var failed = 0
            for file in files {
                let problems = TraceSchema.check(file: file)
                if problems.isEmpty {
                    print("valid   \(file)")
                } else {
                    failed += 1
                    print("INVALID \(file)")
                    // The reader's words lead to the fix (the attribute, its
                    // place, a did-you-mean); libxml2's follow as they are.
                    if let malformation = Validator.validate(file: file).malformation {
                        print("     \(malformation)")
                    }
                    for problem in problems { print("     schema: \(problem)") }
                }
            }
            print("\(files.count - failed) passed, \(failed) failed")
            if failed > 0 { throw ExitCode.failure }
        }
    }
}
