import CVConformHarness
import CVConformModel
import CVConformTrace

/// What shrinking did.
package struct ShrinkReport: Sendable {
    /// Candidate runs replayed against the implementation.
    package var candidates = 0
    /// Candidates answered from the cache (the same run seen before).
    package var cached = 0
    package var elapsed: Duration = .zero
    /// Shrinking stopped at its time limit before it was done.
    package var stoppedEarly = false
    /// One line per successful step, in order ("removed stimuli 5-8", …).
    package var steps: [String] = []
}

/// Shrinks a failing run while the failure persists against the same
/// implementation, as stateful property testing does: it changes the
/// choices that made the run (which stimuli, which administration, which
/// values), never the messages, and replays each candidate from a `reset`.
/// The model fills in each candidate's messages and leaves out any stimulus
/// the profile does not allow where it now stands, so every candidate is a
/// valid, non-racing run by construction.
///
/// Passes, repeated while any of them helps: cut the run after the stimulus
/// it fails at; remove stimuli in chunks, halving the chunk down to one;
/// remove agents, stations, VDNs and skills (with and without the stimuli
/// that name them); give every id of a kind the simplest names, then one id
/// at a time.
struct Shrinker {
    let profile: Profile
    let target: FailureSignature
    let runner: SuiteRunner
    let deadline: ContinuousClock.Instant
    let started: ContinuousClock.Instant
    let progress: @Sendable (ExploreProgress) -> Void
    private(set) var best: Scenario {
        didSet { bestSize = best.size(profile: profile) }
    }
    /// The best run's size, kept with it: every candidate is measured
    /// against it, and measuring plays the run in the model.
    private var bestSize: [Int]
    private(set) var bestResult: ReplayResult?
    private(set) var report = ShrinkReport()
    /// Every candidate tried: the failing run it came to, or nil.
    private var verdicts: [Scenario: Scenario?] = [:]

    init(start: Scenario, profile: Profile, target: FailureSignature, runner: SuiteRunner, timeLimit: Duration,
         progress: @escaping @Sendable (ExploreProgress) -> Void) {
        self.profile = profile
        self.target = target
        self.runner = runner
        started = .now
        deadline = started + timeLimit
        self.progress = progress
        best = start.normalized(profile: profile)
        bestSize = best.size(profile: profile)
    }

    /// Shrinks, then replays the result `options.confirmations` times.
    static func shrinkAndConfirm(
        _ found: Scenario, messages: Int, signature: FailureSignature?, options: ExploreOptions,
        makeImplementation: @escaping SuiteRunner.Factory, progress: @escaping @Sendable (ExploreProgress) -> Void
    ) async -> Finding {
        let header = TraceHeader(id: "explore-\(options.seed)", profile: options.profile)
        // Replays while shrinking need no quiet period unless the failure is
        // an output nothing owes; a missing output need not wait the whole
        // timeout either (the confirmation below does).
        var fast = options.replay
        if case .unwantedOutput? = signature {} else { fast.quietPeriod = .milliseconds(1) }
        if case .missingOutput? = signature { fast.timeout = min(fast.timeout, .milliseconds(500)) }
        let runner = SuiteRunner(options: fast, makeImplementation: makeImplementation)
        let confirmer = SuiteRunner(options: options.replay, makeImplementation: makeImplementation)
        defer { Task { await runner.finish(); await confirmer.finish() } }

        // First: does the run fail again from a reset?
        let originalTrace = found.trace(header: header, profile: options.profile)
        var reproduced = false
        var target = signature
        var lastResult = await confirmer.run(originalTrace)
        for _ in 0..<max(1, options.confirmations) {
            if let seen = FailureSignature(lastResult), target == nil || seen == target {
                target = seen
                reproduced = true
                break
            }
            lastResult = await confirmer.run(originalTrace)
        }
        var shrunk = found
        var shrinkReport: ShrinkReport?
        if reproduced, let target {
            var shrinker = Shrinker(start: found, profile: options.profile, target: target, runner: runner,
                                    timeLimit: options.shrinkTimeLimit, progress: progress)
            await shrinker.shrink()
            shrunk = shrinker.best
            shrinkReport = shrinker.report
        }
        // Confirmation with the full timing of `run`.
        var trace = shrunk.trace(header: header, profile: options.profile)
        var failures = 0
        var confirmedResult = lastResult
        if reproduced {
            for run in 0..<options.confirmations {
                progress(.confirming(run: run + 1, of: options.confirmations))
                let replay = await confirmer.run(trace)
                if FailureSignature(replay) == target {
                    failures += 1
                    confirmedResult = replay
                }
            }
        }
        trace.header.covers = shrunk.play(profile: options.profile).clauses.map(\.id)
        return Finding(
            original: found, originalMessages: messages, shrunk: shrunk, trace: trace, result: confirmedResult,
            signature: target ?? .harnessError(.protocolViolation), confirmedFailures: failures,
            confirmationRuns: reproduced ? options.confirmations : 0, reproduced: reproduced, shrinking: shrinkReport
        )
    }

    // MARK: - Passes

    mutating func shrink() async {
        guard let kept = await failing(best) else { return }
        best = kept
        var round = 0
        while round < 8 && !timeIsUp {
            round += 1
            let before = best
            await removeChunks()
            await replaceStimuli()
            await swapNeighbours()
            await shrinkAdministration()
            await simplifyValues()
            await unrace()
            if best == before { break }
        }
        report.elapsed = ContinuousClock.now - started
        report.stoppedEarly = timeIsUp
    }

    private var timeIsUp: Bool { ContinuousClock.now >= deadline }

    /// Removes stimuli in chunks: half the run, then quarters, … then one
    /// at a time, from the end backwards.
    private mutating func removeChunks() async {
        var removal = ChunkRemoval(best)
        while !timeIsUp, let candidate = removal.next() {
            guard await test(candidate) else { continue }
            let removed = removal.removed
            report.steps.append(removed.count == 1 ? "removed stimulus \(removed.lowerBound + 1)"
                                : "removed stimuli \(removed.lowerBound + 1)-\(removed.upperBound)")
            removal.accept(best)
        }
    }

    /// Replaces a stimulus by a simpler one of another kind, where the model
    /// says the run gets shorter: a phone hang-up for an ACW release, a
    /// logout feature for a browser logout. Only the few most promising
    /// replacements are replayed.
    private mutating func replaceStimuli() async {
        let setup = best.administration
        var index = best.stimuli.count - 1
        while index >= 0 && !timeIsUp {
            defer { index -= 1 }
            guard index < best.stimuli.count else { continue }
            let current = best.stimuli[index]
            var alternatives: [Message] = []
            for x in setup.stations {
                for type in [MessageType.hangup, .answer, .logoutFeature] where !(current.type == type && current[.extension] == x) {
                    alternatives.append(Message(from: .phone, to: .ecs, type: type, parameters: ["extension": x]))
                }
            }
            for agent in setup.agents.map(\.id) where !(current.type == .logout && current[.agent] == agent) {
                alternatives.append(Message(from: .browser, to: .icm, type: .logout, parameters: ["agent": agent]))
            }
            let currentSize = best.size(profile: profile)
            let promising = alternatives.compactMap { alternative -> (Scenario, [Int])? in
                var candidate = best
                candidate.stimuli[index] = alternative
                let size = candidate.size(profile: profile)
                return Self.isSmaller(size, than: currentSize) ? (candidate, size) : nil
            }.sorted { Self.isSmaller($0.1, than: $1.1) }
            for (candidate, _) in promising.prefix(4) where await test(candidate) {
                report.steps.append("replaced stimulus \(index + 1) (\(current.type.rawValue)) by \(candidate.stimuli[index].compact)")
                break
            }
        }
    }

    /// Swaps neighbouring stimuli where the model says the run gets shorter
    /// (a session requested before the agent logs in is queued first).
    private mutating func swapNeighbours() async {
        var index = 0
        while index + 1 < best.stimuli.count && !timeIsUp {
            var candidate = best
            candidate.stimuli.swapAt(index, index + 1)
            if await test(candidate) { report.steps.append("swapped stimuli \(index + 1) and \(index + 2)") }
            index += 1
        }
    }

    /// Sends a racing stimulus after the one before it has settled: where
    /// the failure stays, the race was not what failed, and the trace
    /// written is serial there. Where it goes, the race stays.
    private mutating func unrace() async {
        for index in best.stimuli.indices.reversed() where best.races(at: index) && !timeIsUp {
            var candidate = best
            candidate.setRacing(false, at: index)
            if await test(candidate) { report.steps.append("sent stimulus \(index + 1) without racing") }
        }
    }

    /// Removes agents, stations, VDNs and skills: first with the stimuli
    /// that name them, then alone.
    private mutating func shrinkAdministration() async {
        for agent in best.administration.agents.map(\.id).reversed() where !timeIsUp {
            await tryRemoving("agent \(agent)", ids: ["agent": agent]) { $0.agents.removeAll { $0.id == agent } }
        }
        for station in best.administration.stations.reversed() where !timeIsUp {
            await tryRemoving("station \(station)", ids: ["extension": station]) { $0.stations.removeAll { $0 == station } }
        }
        for vdn in best.administration.vdns.map(\.number).reversed() where !timeIsUp {
            await tryRemoving("VDN \(vdn)", ids: ["vdn": vdn]) { $0.vdns.removeAll { $0.number == vdn } }
        }
        for agent in best.administration.agents where !timeIsUp {
            for skill in agent.skills.reversed() where !timeIsUp {
                var candidate = best
                guard let index = candidate.administration.agents.firstIndex(where: { $0.id == agent.id }) else { continue }
                candidate.administration.agents[index].skills.removeAll { $0 == skill }
                if await test(candidate) { report.steps.append("removed skill \(skill) of agent \(agent.id)") }
            }
        }
    }

    private mutating func tryRemoving(_ what: String, ids: [String: String], _ change: (inout Administration) -> Void) async {
        var without = best
        change(&without.administration)
        guard without.administration != best.administration else { return }
        var alsoStimuli = without
        alsoStimuli.removeStimuli { stimulus in ids.contains { stimulus.parameters[$0.key] == $0.value } }
        if alsoStimuli.stimuli.count < without.stimuli.count, await test(alsoStimuli) {
            report.steps.append("removed \(what) and the stimuli naming it")
        } else if await test(without) {
            report.steps.append("removed \(what)")
        }
    }

    /// Gives ids the simplest names: every id of a kind at once (agents
    /// 1001, 1002…; extensions 4001…; VDNs 5001…; skills 10, 20…; sessions
    /// s1, s2…), and where that loses the failure (it may hang on an id's
    /// shape), one id at a time.
    private mutating func simplifyValues() async {
        for kind in ValueKind.allCases where !timeIsUp {
            let values = kind.values(in: best)
            let simple = kind.simpleNames(count: values.count)
            guard values != simple else { continue }
            let renaming = Dictionary(uniqueKeysWithValues: zip(values, simple))
            if await test(kind.rename(best, renaming)) {
                report.steps.append("renamed every \(kind.rawValue) to simple ids")
                continue
            }
            for value in values where !timeIsUp {
                let taken = Set(kind.values(in: best))
                guard let name = kind.simpleNames(count: taken.count + 1).first(where: { !taken.contains($0) }) else { continue }
                if await test(kind.rename(best, [value: name])) { report.steps.append("renamed \(kind.rawValue) \(value) to \(name)") }
            }
        }
    }

    // MARK: - Testing a candidate

    /// Replays a candidate; true when it fails in the same way and is
    /// smaller than the best so far, which it then becomes.
    private mutating func test(_ proposed: Scenario) async -> Bool {
        // The model says at once whether it would be smaller: only those are replayed.
        let normalized = proposed.normalized(profile: profile)
        let size = normalized.size(profile: profile)
        guard Self.isSmaller(size, than: bestSize), let kept = await failing(normalized, normalized: true),
              Self.isSmaller(kept == normalized ? size : kept.size(profile: profile), than: bestSize) else {
            return false
        }
        best = kept
        return true
    }

    /// The candidate as the model plays it, cut after the stimulus it fails
    /// at, when it fails in the same way; nil when it does not.
    private mutating func failing(_ proposed: Scenario, normalized: Bool = false) async -> Scenario? {
        let candidate = normalized ? proposed : proposed.normalized(profile: profile)
        if let known = verdicts[candidate] {
            report.cached += 1
            return known
        }
        guard !timeIsUp else { return nil }
        report.candidates += 1
        let trace = candidate.trace(header: TraceHeader(id: "shrinking-\(report.candidates)", profile: profile), profile: profile)
        let result = await runner.run(trace)
        var kept: Scenario?
        if FailureSignature(result) == target {
            var cut = candidate
            // Whatever comes after the stimulus it failed at is not needed.
            if let sent = result.environmentStimuliSent(), sent < cut.stimuli.count {
                cut.keepFirst(sent)
            }
            kept = cut
            bestResult = result
        }
        verdicts[candidate] = kept
        progress(.shrinking(stimuli: min(best.stimuli.count, kept?.stimuli.count ?? .max), messages: bestSize[Self.messagesPlace],
                            candidates: report.candidates, elapsed: ContinuousClock.now - started))
        return kept
    }

    /// Where `Scenario.size(profile:)` counts the run's messages.
    static let messagesPlace = 3

    static func isSmaller(_ lhs: [Int], than rhs: [Int]) -> Bool { lhs.lexicographicallyPrecedes(rhs) }
}

/// The kinds of value a shrinker renames.
enum ValueKind: String, CaseIterable {
    case agent, `extension`, vdn, skill, session

    private var parameter: String { rawValue }

    /// The ids of this kind, in the order the run first uses them, then
    /// the administration's others: simple names given in this order read
    /// in order (the first agent to log in is 1001, at 4001).
    func values(in scenario: Scenario) -> [String] {
        var seen: [String] = []
        func add(_ value: String) { if !seen.contains(value) { seen.append(value) } }
        for stimulus in scenario.stimuli { if let value = stimulus.parameters[parameter] { add(value) } }
        let setup = scenario.administration
        switch self {
        case .agent: setup.agents.forEach { add($0.id) }
        case .extension: setup.stations.forEach(add)
        case .vdn: setup.vdns.forEach { add($0.number) }
        case .skill: (setup.agents.flatMap(\.skills) + setup.vdns.map(\.skill)).forEach(add)
        case .session: break
        }
        return seen
    }

    func simpleNames(count: Int) -> [String] {
        (0..<count).map { index in
            switch self {
            case .agent: return String(1001 + index)
            case .extension: return String(4001 + index)
            case .vdn: return String(5001 + index)
            case .skill: return String(10 * (index + 1))
            case .session: return "s\(index + 1)"
            }
        }
    }

    func rename(_ scenario: Scenario, _ renaming: [String: String]) -> Scenario {
        func new(_ value: String) -> String { renaming[value] ?? value }
        var result = scenario
        switch self {
        case .agent:
            result.administration.agents = scenario.administration.agents.map { .init(id: new($0.id), skills: $0.skills) }
        case .extension:
            result.administration.stations = scenario.administration.stations.map(new)
        case .vdn:
            result.administration.vdns = scenario.administration.vdns.map { .init(number: new($0.number), skill: $0.skill) }
        case .skill:
            result.administration.agents = scenario.administration.agents.map { .init(id: $0.id, skills: $0.skills.map(new)) }
            result.administration.vdns = scenario.administration.vdns.map { .init(number: $0.number, skill: new($0.skill)) }
        case .session:
            break
        }
        result.stimuli = scenario.stimuli.map { stimulus in
            guard let value = stimulus.parameters[parameter], let renamed = renaming[value] else { return stimulus }
            let parameters = Parameters(stimulus.parameters.map { ($0.name, $0.name == parameter ? renamed : $0.value) })
            return Message(from: stimulus.from, to: stimulus.to, type: stimulus.type, parameters: parameters)
        }
        return result
    }
}

extension Scenario {
    /// What "smaller" means: fewer stimuli, then a smaller administration,
    /// then fewer skills, then fewer messages, then fewer ids that are not
    /// the simplest names of their kind, then fewer racing stimuli, then
    /// fewer simple names out of the order the run uses them.
    func size(profile: Profile) -> [Int] {
        let setup = administration
        let unusual = ValueKind.allCases.reduce(0) { count, kind in
            let values = kind.values(in: self)
            let simple = Set(kind.simpleNames(count: values.count))
            return count + values.filter { !simple.contains($0) }.count
        }
        // Simple names out of the order the run uses them (agent 1002 logs
        // in first, at 4001): crossed ids, which read badly.
        let crossed = [ValueKind.agent, .extension, .vdn].reduce(0) { count, kind in
            let values = kind.values(in: self)
            let simple = kind.simpleNames(count: values.count)
            return count + zip(values, simple).filter { $0.0 != $0.1 && simple.contains($0.0) }.count
        }
        return [stimuli.count, setup.agents.count + setup.stations.count + setup.vdns.count,
                setup.agents.reduce(0) { $0 + $1.skills.count }, play(profile: profile).entries.count, unusual, racingCount, crossed]
    }
}

extension ReplayResult {
    /// How many stimuli from the environment (browser, customer, phone)
    /// the trace places up to the last message the harness sent: the run
    /// failed before anything after them mattered.
    func environmentStimuliSent() -> Int? {
        guard let trace, let last = events.reduce(nil, { (last: Int?, event) in
            if case .sent(let index) = event { return max(last ?? index, index) }
            return last
        }) else { return nil }
        return trace.entries.prefix(last + 1).filter { !$0.message.from.isSystem }.count
    }
}
