import ArgumentParser
import CVConformHarness
import CVConformModel
import CVConformMutation
import CVConformTrace
import CVConformWire
import Foundation

extension CVConform {
    /// `cvconform serve [--roles icm,cvct,ecs]`
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Run the reference model as an implementation speaking JSON Lines on stdin/stdout.",
            discussion: """
                For comparing an implementation with the reference over the same wire, and for trying the \
                harness: cvconform run traces --exec '.build/debug/cvconform serve' (the path of this binary). \
                --roles plays a subset of the system.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The system roles to play, comma-separated.", valueName: "roles"))
        var roles: String = "icm,cvct,ecs"

        @Flag(name: .customLong("no-sync"), help: "Do not offer the sync capability (the harness then waits out quiet periods).")
        var noSync = false

        @Option(name: .long, help: ArgumentHelp(
            "Serve a mutant of the reference instead: one deliberate mistake (ids as `cvconform mutate --json` lists them).",
            valueName: "id"))
        var mutant: String?

        mutating func run() async throws {
            var played = Set<Role>()
            for name in roles.split(separator: ",") {
                guard let role = Role(rawValue: name.trimmingCharacters(in: .whitespaces)), role.isSystem else {
                    throw ValidationError("'\(name)' is not a system role (icm, cvct, ecs)")
                }
                played.insert(role)
            }
            guard !played.isEmpty else { throw ValidationError("--roles needs at least one of icm, cvct, ecs") }
            var chosen: Mutant?
            if let mutant {
                let catalog = Mutant.catalog(profile: .extended)
                guard let found = catalog.first(where: { $0.id == mutant }) else {
                    let close = catalog.map(\.id).filter { $0.hasPrefix(mutant.split(separator: "/").first.map(String.init) ?? mutant) }.prefix(5)
                    throw ValidationError("no mutant '\(mutant)'" + (close.isEmpty ? "" : "; for instance: " + close.joined(separator: ", ")))
                }
                chosen = found
            }
            var server = ReferenceServer(roles: played, offersSync: !noSync, mutant: chosen)
            while let line = readLine(strippingNewline: true) {
                guard let answers = server.handle(line) else { break }
                var text = ""
                for answer in answers {
                    if answer.hasPrefix("\u{1}") {
                        writeAll(answer.dropFirst() + "\n", to: STDERR_FILENO)
                    } else {
                        text += answer + "\n"
                    }
                }
                if !text.isEmpty { writeAll(text, to: STDOUT_FILENO) }
            }
        }
    }
}
