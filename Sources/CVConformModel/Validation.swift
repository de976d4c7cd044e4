import CVConformTrace

/// How the reference model judged one trace file (contract section 6).
public enum Outcome: String, Hashable, Sendable {
    case accepted, rejected, incomplete, malformed
    /// Only `check-log` and racy runs: the set of states outgrew its bound
    /// (contract section 8), so nothing was decided. Never a pass.
    case inconclusive
}

/// The judgement of one trace file, with what a person needs to act on it.
public struct ValidationResult: Hashable, Sendable {
    public var file: String
    /// Nil when the file is malformed before its id could be read.
    public var id: String?
    public var expect: Expectation?
    public var profile: Profile?
    public var tags: [String] = []
    public var covers: [String] = []
    public var outcome: Outcome
    /// 1-based position of the rejected `<msg>`.
    public var at: Int?
    /// Position of the message marked `invalid="true"` (fail traces).
    public var invalidAt: Int?
    /// The message marked invalid comes from browser, customer or phone:
    /// such messages are always allowed, so the mark cannot hold.
    public var invalidIsStimulus = false
    public var messageCount = 0
    public var rejection: Rejection?
    /// What was still owed at the end (incomplete traces).
    public var owedAtEnd: [Emission] = []
    /// The first malformation of the file; it carries the others (`further`).
    public var malformation: TraceError?
    /// Every malformation found, in file order (at most 100; `malformation?.unlisted` counts the rest).
    public var malformations: [TraceError] { malformation?.all ?? [] }
    /// Clauses the model applied while judging the trace.
    public var clauses: [Clause] = []
    /// Remarks that do not change the outcome: a core trace entering an
    /// extended clause, a stimulus that would race under `run`.
    public var notes: [String] = []
    /// What is wrong with what the trace says of itself, whatever the
    /// model's outcome: an unknown clause id in `<covers>`, an id another
    /// trace of the suite also has. Any of these makes the trace not ok.
    public var headerProblems: [String] = []

    /// Whether the outcome and position are what the trace expects, and
    /// its header is sound.
    public var ok: Bool { outcomeAsExpected && headerProblems.isEmpty }

    /// Whether the outcome and position are what the trace expects.
    public var outcomeAsExpected: Bool {
        switch (expect, outcome) {
        case (.pass?, .accepted), (.incomplete?, .incomplete): return true
        case (.fail?, .rejected): return at != nil && at == invalidAt
        default: return false
        }
    }

    /// What went wrong, in one sentence; nil when ok.
    public var problem: String? {
        if ok { return nil }
        if let malformation { return "malformed: \(malformation)" }
        if outcomeAsExpected { return headerProblems.joined(separator: "; ") }
        switch (expect, outcome) {
        case (.fail?, .rejected):
            let invalid = invalidAt ?? 0, rejected = at ?? 0
            if rejected > invalid {
                return "expected message \(invalid) to be rejected, but it was accepted, and message \(rejected) was rejected"
            }
            return "expected message \(invalid) to be rejected, but message \(rejected), before it, was rejected"
        case (.fail?, _) where invalidIsStimulus:
            return "expected message \(invalidAt ?? 0) to be rejected, but it comes from an environment role (browser, customer, phone), whose messages are always allowed"
        case (.fail?, _):
            return "expected message \(invalidAt ?? 0) to be rejected, but the trace was \(outcome.rawValue)"
        case (let expect?, .rejected):
            return "expected \(expect == .pass ? "accepted" : "incomplete"), but message \(at ?? 0) was rejected"
        case (.pass?, .incomplete):
            return "expected accepted, but messages are still owed at the end"
        case (.incomplete?, .accepted):
            return "expected incomplete, but nothing is owed at the end"
        default:
            return "expected \(expect?.rawValue ?? "?"), outcome \(outcome.rawValue)"
        }
    }
}

/// Judges trace files against the reference model, streaming each file so
/// memory does not grow with its length.
public enum Validator {
    /// Judges one file. Malformations anywhere in the file win over the
    /// model's verdict, so the file is always read to its end.
    public static func validate(file path: String) -> ValidationResult {
        do {
            let reader = try TraceReader(file: path)
            return judge(reader, file: path)
        } catch {
            return ValidationResult(file: path, outcome: .malformed, malformation: error)
        }
    }

    /// Judges a trace held in memory (tests, tools).
    public static func validate(text: String, name: String = "<memory>") -> ValidationResult {
        do {
            let reader = try TraceReader(text: text, name: name)
            return judge(reader, file: name)
        } catch {
            return ValidationResult(file: name, outcome: .malformed, malformation: error)
        }
    }

    private static func judge(_ reader: TraceReader, file: String) -> ValidationResult {
        var result = ValidationResult(file: file, outcome: .accepted)
        do {
            let header = try reader.readHeader()
            describe(header, into: &result)
            var judging = Judging(monitor: Monitor(administration: header.setup), setup: header.setup)
            try reader.forEachEntry { entry, position in judging.observe(entry, position: position) }
            judging.finish(into: &result, header: header, messageCount: reader.position)
        } catch {
            result = ValidationResult(
                file: file, id: result.id ?? reader.rootID, expect: result.expect ?? reader.rootExpectation,
                profile: result.profile, outcome: .malformed, malformation: error
            )
        }
        return result
    }

    /// What the header says, and what is wrong with it: a clause id in
    /// `<covers>` that spec/requirements.md does not have is an error, as
    /// `--clause` with that id is.
    static func describe(_ header: TraceHeader, into result: inout ValidationResult) {
        result.id = header.id
        result.expect = header.expect
        result.profile = header.profile
        result.tags = header.tags
        result.covers = header.covers
        let unknown = header.covers.filter { Clause(rawValue: $0) == nil }
        if !unknown.isEmpty {
            result.headerProblems.append(
                "<covers> names clause ids that spec/requirements.md does not have: \(unknown.joined(separator: ", "))")
        }
    }
}

/// The judging half of validation: the monitor and what it has seen.
struct Judging: Sendable {
    var monitor: Monitor
    var rejection: Rejection?
    var rejectedAt: Int?
    var invalidAt: Int?
    var invalidIsStimulus = false
    var racingStimulus: Int?
    /// What was owed when the first racing stimulus was placed.
    var owedAtRace: [Message] = []
    var extendedClauses: [Clause] = []
    let setup: Administration
    /// The messages so far, while there are few enough to keep: at a
    /// rejection they show the sender's state before the message that made
    /// it decide, as `run` does (the model is run over them again).
    var kept: [Message]? = []
    static let keptAtMost = 20_000

    init(monitor: Monitor, setup: Administration) {
        self.monitor = monitor
        self.setup = setup
    }

    mutating func observe(_ entry: TraceEntry, position: Int) {
        if entry.invalid {
            invalidAt = position
            invalidIsStimulus = !entry.message.from.isSystem
        }
        guard rejection == nil else { return }
        if !entry.message.from.isSystem && !monitor.isQuiescent && racingStimulus == nil {
            racingStimulus = position
            owedAtRace = monitor.owedEmissions.map(\.message)
        }
        switch monitor.observe(entry.message) {
        case .allowed(let reaction):
            for clause in reaction?.clauses ?? [] where clause.profile == .extended && !extendedClauses.contains(clause) {
                extendedClauses.append(clause)
            }
            if kept != nil {
                if kept?.count ?? 0 < Self.keptAtMost { kept?.append(entry.message) } else { kept = nil }
            }
        case .rejected(var found):
            if let kept { Monitor.explainDecision(&found, messages: kept, setup: setup) { "message \($0 + 1)" } }
            rejection = found
            rejectedAt = position
        }
    }

    func finish(into result: inout ValidationResult, header: TraceHeader, messageCount: Int) {
        result.invalidAt = invalidAt
        result.invalidIsStimulus = invalidIsStimulus
        result.rejection = rejection
        result.at = rejectedAt
        result.messageCount = messageCount
        result.clauses = monitor.clausesApplied
        if rejection != nil {
            result.outcome = .rejected
        } else if monitor.isQuiescent {
            result.outcome = .accepted
        } else {
            result.outcome = .incomplete
            result.owedAtEnd = monitor.owedEmissions
        }
        if header.profile == .core {
            for clause in extendedClauses {
                result.notes.append("this core trace enters a situation the contract leaves unspecified (\(clause.id): \(clause.summary))")
            }
        }
        if header.expect == .pass && result.outcome == .accepted {
            let exercised = Set(monitor.clausesApplied.map(\.id))
            let idle = header.covers.filter { Clause(rawValue: $0) != nil && !exercised.contains($0) }
            if !idle.isEmpty {
                result.notes.append("<covers> names clauses this trace does not exercise: \(idle.joined(separator: ", "))")
            }
            let listed = Set(header.covers)
            let unlisted = monitor.clausesApplied.map(\.id).filter { !listed.contains($0) }
            if !header.covers.isEmpty && !unlisted.isEmpty {
                result.notes.append("the trace exercises clauses <covers> does not list: \(unlisted.joined(separator: ", "))")
            }
        }
        if let racingStimulus, header.expect == .pass {
            let shown = owedAtRace.prefix(3).map(\.description).joined(separator: "; ")
            let more = owedAtRace.count > 3 ? "; and \(owedAtRace.count - 3) more" : ""
            result.notes.append("racy: message \(racingStimulus) is a stimulus placed while \(owedAtRace.count) "
                + "message\(owedAtRace.count == 1 ? " is" : "s are") still owed (\(shown)\(more)); "
                + "`run` sends it without waiting and accepts any interleaving the model allows (contract section 8)")
        }
    }
}
