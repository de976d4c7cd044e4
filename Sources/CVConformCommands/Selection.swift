import ArgumentParser
import CVConformModel
import CVConformReports
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

    /// The files to work on, in path order, and what was left out. Each
    /// header holds the root's labels, and its tags and covers too when
    /// `needsCovers` or a filter asks for them (reading them costs the
    /// lines before `<setup>`, read again when the trace is judged).
    func select(profile: ProfileChoice, passOnly: Bool, needsCovers: Bool = false) throws -> TraceSelection {
        for clause in clauses where Clause(rawValue: clause) == nil {
            throw ValidationError("--clause \(clause): no such clause id (see spec/requirements.md, e.g. ECS-IDLE-1)")
        }
        let files: [String]
        do { files = try TraceFiles.collect(paths) } catch { throw ValidationError(error.description) }
        var selection = TraceSelection()
        var notPass = 0
        var otherProfile = 0
        var filtered = 0
        let readsEveryLabel = needsCovers || !tags.isEmpty || !excludedTags.isEmpty || !clauses.isEmpty
        for file in files {
            // A file whose header cannot be read stays in: the command reports it.
            // Labels only: the setup is read when the trace is judged.
            let reader = try? TraceReader(file: file)
            guard let header = try? (readsEveryLabel ? reader?.readLabels() : reader?.readRootLabels()) else {
                selection.beforeShard += 1
                selection.idsBeforeShard.append(file)
                if shard?.admits(file) ?? true { selection.traces.append(SelectedTrace(file: file, header: nil)) }
                continue
            }
            if passOnly && header.expect != .pass {
                notPass += 1
            } else if !profile.admits(header.profile) {
                otherProfile += 1
            } else if !admits(header) {
                filtered += 1
            } else {
                selection.beforeShard += 1
                selection.idsBeforeShard.append(header.id)
                if shard?.admits(header.id) ?? true { selection.traces.append(SelectedTrace(file: file, header: header)) }
            }
        }
        var parts: [String] = []
        if notPass > 0 { parts.append("\(traces(notPass)) expecting fail or incomplete (validate judges those)") }
        if otherProfile > 0 { parts.append("\(traces(otherProfile)) of another profile (see --profile)") }
        if filtered > 0 { parts.append("\(traces(filtered)) left out by --id, --tag, --exclude-tag or --clause") }
        if let shard, selection.beforeShard > selection.traces.count {
            parts.append("\(traces(selection.beforeShard - selection.traces.count)) in other shards than \(shard)")
        }
        selection.summary = parts.joined(separator: "; ")
        return selection
    }

    /// Empty selections: a usage error when nothing matched at all; when
    /// only `--shard` emptied it, a shard that happens to hold nothing, which
    /// is no error (RUN-27): the caller writes empty reports and exits 0.
    func checkNotEmpty(_ selection: TraceSelection, what: String) throws {
        guard selection.traces.isEmpty, selection.beforeShard == 0 else { return }
        throw ValidationError("no \(what) under \(paths.joined(separator: " "))"
                              + (selection.summary.isEmpty ? "" : " (\(selection.summary))"))
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

/// A file chosen, with its header when it could be read.
struct SelectedTrace {
    var file: String
    var header: TraceHeader?
}

/// The traces chosen, and a sentence on what was left out.
struct TraceSelection {
    var traces: [SelectedTrace] = []
    /// How many were chosen before `--shard` took its share.
    var beforeShard = 0
    /// The ids of every trace chosen before `--shard` took its share: an
    /// expectation is stale only when it matches none of them, not when
    /// its trace fell to another shard.
    var idsBeforeShard: [String] = []
    var summary = ""

    var files: [String] { traces.map(\.file) }

    /// The later files of each trace id used more than once, with the
    /// first file of that id (ids must be unique in a suite: RUN-29).
    var duplicates: [String: [String]] {
        var files: [String: [String]] = [:]
        for trace in traces { if let id = trace.header?.id { files[id, default: []].append(trace.file) } }
        return files.filter { $0.value.count > 1 }
    }
}

/// `--shard I/N` on the command line.
extension Shard: ExpressibleByArgument {
    package init?(argument: String) { self.init(argument) }
    package static var defaultCompletionKind: CompletionKind { .default }
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
