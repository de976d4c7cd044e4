import ArgumentParser
import CVConformModel
import CVConformTrace
import Foundation

/// Which traces a command works on: paths, then filters on what each trace
/// says of itself, then a stable share of them (shards for CI matrices).
struct SelectionOptions: ParsableArguments {
    @Argument(help: "Trace files, or folders searched recursively for *.xml.")
    var paths: [String]

    @Option(name: .customLong("id"), help: ArgumentHelp("Only traces whose id matches this glob (repeatable), e.g. 'login-*'.", valueName: "glob"))
    var idGlobs: [String] = []

    @Option(name: .customLong("tag"), help: ArgumentHelp("Only traces with this <tag> (repeatable: any of them).", valueName: "tag"))
    var tags: [String] = []

    @Option(name: .customLong("exclude-tag"), help: ArgumentHelp("Leave out traces with this <tag> (repeatable).", valueName: "tag"))
    var excludedTags: [String] = []

    @Option(name: .customLong("clause"), help: ArgumentHelp("Only traces whose <covers> names this clause id (repeatable).", valueName: "id"))
    var clauses: [String] = []

    @Option(name: .long, help: ArgumentHelp("Take share I of N of the selected traces, by a hash of the trace id (e.g. 2/3).", valueName: "I/N"))
    var shard: Shard?

    /// The files to work on, in path order, and what was left out.
    func select(profile: ProfileChoice, passOnly: Bool) throws -> TraceSelection {
        for clause in clauses where Clause(rawValue: clause) == nil {
            throw UsageError("--clause \(clause): no such clause id (see spec/requirements.md, e.g. ECS-IDLE-1)")
        }
        let files: [String]
        do { files = try TraceFiles.collect(paths) } catch { throw UsageError(error.description) }
        var selection = TraceSelection()
        var notPass = 0
        var otherProfile = 0
        var filtered = 0
        for file in files {
            // A file whose header cannot be read stays in: the command reports it.
            guard let header = try? TraceReader(file: file).readHeader() else {
                if shard?.admits(file) ?? true { selection.files.append(file) }
                continue
            }
            if passOnly && header.expect != .pass {
                notPass += 1
            } else if !profile.admits(header.profile) {
                otherProfile += 1
            } else if !admits(header) {
                filtered += 1
            } else if shard?.admits(header.id) ?? true {
                selection.files.append(file)
            }
        }
        var parts: [String] = []
        if notPass > 0 { parts.append("\(traces(notPass)) expecting fail or incomplete (validate judges those)") }
        if otherProfile > 0 { parts.append("\(traces(otherProfile)) of another profile (see --profile)") }
        if filtered > 0 { parts.append("\(traces(filtered)) left out by --id, --tag, --exclude-tag or --clause") }
        selection.summary = parts.joined(separator: "; ")
        return selection
    }

    private func traces(_ count: Int) -> String { count == 1 ? "1 trace" : "\(count) traces" }

    private func admits(_ header: TraceHeader) -> Bool {
        if !idGlobs.isEmpty && !idGlobs.contains(where: { fnmatch($0, header.id, 0) == 0 }) { return false }
        if !tags.isEmpty && !header.tags.contains(where: tags.contains) { return false }
        if header.tags.contains(where: excludedTags.contains) { return false }
        if !clauses.isEmpty && !header.covers.contains(where: clauses.contains) { return false }
        return true
    }
}

/// The files chosen, and a sentence on what was left out.
struct TraceSelection {
    var files: [String] = []
    var summary = ""
}

/// `--shard I/N`: a stable share of a suite. A trace belongs to shard
/// (FNV-1a hash of its id mod N) + 1, so the shards of a CI matrix never
/// overlap and together make the whole suite, whatever the machine.
struct Shard: ExpressibleByArgument, Hashable {
    var index: Int
    var count: Int

    init?(argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, index >= 1, index <= count else {
            return nil
        }
        self.index = index
        self.count = count
    }

    static var defaultCompletionKind: CompletionKind { .default }

    func admits(_ id: String) -> Bool {
        Int(Self.hash(id) % UInt64(count)) + 1 == index
    }

    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

enum ProfileChoice: String, ExpressibleByArgument, CaseIterable {
    case core, extended, all

    func admits(_ profile: Profile) -> Bool {
        self == .all || rawValue == profile.rawValue
    }
}

/// Runs `work` over `items` with up to `jobs` at a time and hands the results
/// to `emit` in the items' order, as soon as each is next in line.
func inOrder<Item: Sendable, Result: Sendable>(
    _ items: [Item], jobs: Int, work: @escaping @Sendable (Int, Item) async -> Result, emit: (Result) -> Void
) async {
    await withTaskGroup(of: (Int, Result).self) { group in
        var next = 0
        var ready: [Int: Result] = [:]
        var emitted = 0
        func launch() {
            guard next < items.count else { return }
            let index = next
            let item = items[index]
            next += 1
            group.addTask { (index, await work(index, item)) }
        }
        for _ in 0..<max(1, jobs) { launch() }
        while let (index, result) = await group.next() {
            ready[index] = result
            while let result = ready.removeValue(forKey: emitted) {
                emit(result)
                emitted += 1
            }
            launch()
        }
    }
}

/// Warnings for trace ids used by more than one file: ids name traces in
/// reports, so they must be unique in a suite.
func duplicateIDWarnings(_ traces: [(id: String?, file: String)]) -> [String] {
    var first: [String: String] = [:]
    var warnings: [String] = []
    for trace in traces {
        guard let id = trace.id else { continue }
        if let earlier = first[id] {
            warnings.append("trace id '\(id)' of \(trace.file) is also the id of \(earlier); ids must be unique in a suite")
        } else {
            first[id] = trace.file
        }
    }
    return warnings
}
