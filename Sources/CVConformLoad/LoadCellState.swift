import CVConformCells
import CVConformHarness
import CVConformModel
import CVConformTrace
import CVConformWire

/// One cell of a load run: its own random walk of the model (explore's
/// generator on the cell's administration), the step in flight, judged as
/// `run` judges a trace, and the cell's last messages for explanations.
struct LoadCellState {
    let number: Int
    let generated: GeneratedAdministration
    private var generator: StimulusGenerator
    private var model: ModelRun
    private var random: SeededRandom
    private var coverage = ExplorationCoverage()
    /// The step in flight: one stimulus and everything it causes.
    private(set) var step: ReplayLedger? {
        didSet { updatePhase() }
    }
    /// The last step's ledger, once settled: the next step starts in it
    /// (its lists keep their storage).
    private var spareLedger: ReplayLedger?
    /// For explanations, the model's state before the step in flight:
    /// rebuilt from a checkpoint and the stimuli since, never copied per step
    /// (BENCHMARKS.md, "Why the code is as it is").
    private var checkpoint: ModelRun
    private var sinceCheckpoint: [Message] = []
    private var stimulusInFlight: Message?
    private static let checkpointEvery = 64
    private(set) var stepStarted: ContinuousClock.Instant = .now
    private(set) var lastProgress: ContinuousClock.Instant = .now
    private(set) var violated = false {
        didSet { updatePhase() }
    }
    var pendingArrivals = 0
    /// With `--races` (contract section 8): the cell's race judge, kept for
    /// the cell's whole run, and whether a step is in flight. Nil without.
    private var raceJudge: RaceJudge?
    private let races: Bool
    private let maxStates: Int
    private var racingInFlight = false {
        didSet { updatePhase() }
    }
    /// Racing stimuli this cell sent (each right after another).
    private(set) var racingStimuli = 0
    /// The cell's last messages.
    /// A ring: once full, `recentOldest` is where the oldest is (and the
    /// next goes).
    private var recent: [LoadWindowEntry] = []
    private var recentOldest = 0
    private static let kept = 24

    init(number: Int, generated: GeneratedAdministration, profile: Profile, random: SeededRandom,
         races: Bool = false, maxStates: Int = RaceJudge.defaultMaxStates) {
        self.number = number
        self.races = races
        self.maxStates = maxStates
        self.generated = generated
        var random = random
        var generator = StimulusGenerator(generated: generated, profile: profile, random: &random, swarm: false)
        generator.sessionPrefix = "c\(number)-"
        // A run of hours keeps a bounded state (LOAD-20): a cell holds at
        // most 32 sessions, or four per agent, and the ids of old requests
        // are forgotten. (Deep enough for queues far longer than the
        // agents: a fault that shows only at some depth still shows.)
        generator.maxHeldSessions = max(32, 4 * generated.administration.agents.count)
        self.generator = generator
        self.random = random
        model = ModelRun(administration: generated.administration, profile: profile)
        model.sessionMemory = Self.sessionMemory
        checkpoint = model
    }

    /// How many recent session ids a cell's run remembers (for releases of
    /// a requested session).
    static let sessionMemory = 1024

    /// Stored, not computed: a computed property read through the array
    /// copies the whole cell.
    private(set) var isIdle = true
    private(set) var isWaiting = false

    private mutating func updatePhase() {
        isWaiting = (step != nil || racingInFlight) && !violated
        isIdle = step == nil && !racingInFlight && !violated
    }

    /// Starts the next step: chooses a stimulus the model allows, and
    /// appends to `sending` what goes out now (the stimulus, and for an
    /// implementation that plays some roles only, the model's messages to
    /// it that need no output first); how many those are. None when no
    /// stimulus could be found (the cell rests). Appended to the caller's
    /// list: a list made per step, and another to join the lists, were a
    /// tenth of load's allocations (BENCHMARKS.md).
    /// `risks` (which situations have led outside the profile: the others
    /// are stepped without a copy of the model to fall back on) is the
    /// driver's, learnt from every cell as explore learns it from every run
    /// (a wrong guess costs only a rebuild from the checkpoint): a cell
    /// learning alone stepped most of a run of seconds on copies.
    mutating func startStep(
        greeting: Greeting, now: ContinuousClock.Instant, risks: inout SituationRisks, sending: inout [Message]
    ) -> Int {
        guard !violated else { return 0 }
        if races { return startRacingStep(greeting: greeting, now: now, sending: &sending) }
        for _ in 0..<8 {
            guard let (stimulus, situation) = generator.next(for: model, coverage: coverage, random: &random) else { continue }
            if let previous = stimulusInFlight { sinceCheckpoint.append(previous) }
            stimulusInFlight = nil
            if sinceCheckpoint.count >= Self.checkpointEvery {
                checkpoint = model
                sinceCheckpoint.removeAll(keepingCapacity: true)
            }
            let (stepped, broken) = model.stepLeavingBroken(stimulus, situation: situation, risks: &risks)
            if broken {
                model = checkpoint
                for earlier in sinceCheckpoint { _ = model.step(earlier) }
            }
            guard let propagation = stepped else { continue }
            stimulusInFlight = stimulus
            coverage.record(situation, propagation)
            var ledger = spareLedger.take() ?? ReplayLedger(greeting: greeting)
            if ledger.greeting == greeting { ledger.clear() } else { ledger = ReplayLedger(greeting: greeting) }
            ledger.keepsEvents = false
            ledger.append(TraceEntry(message: stimulus))
            for emission in propagation.emissions { ledger.append(TraceEntry(message: emission.message)) }
            stepStarted = now
            lastProgress = now
            let first = sending.count
            ledger.takeSendable(into: &sending)
            remember(sending[first...], .sent)
            step = consume ledger
            settleIfDone()
            return sending.count - first
        }
        return 0
    }

    /// A step of `load --races`: now and then a racing group for one
    /// agent's situation (as `explore --races` chooses them), else one
    /// stimulus; sent only when no interleaving of it, from any state the
    /// cell's judge holds, leaves the profile (RACE-15).
    private mutating func startRacingStep(greeting: Greeting, now: ContinuousClock.Instant, sending: inout [Message]) -> Int {
        // Taken out (and put back on every path) so it changes in place.
        var judge = raceJudge.take() ?? RaceJudge(
            administration: generated.administration,
            semantics: AsyncSemantics(played: greeting.roles, reportsInternal: greeting.reportsInternal), maxStates: maxStates)
        judge.assumeStimuliTaken()
        for _ in 0..<8 {
            var group: [Message]
            if random.chance(0.3), let racing = generator.racingGroup(run: model, uncovered: [], random: &random) {
                group = racing
            } else if let (stimulus, _) = generator.next(for: model, coverage: coverage, random: &random) {
                group = [stimulus]
            } else {
                continue
            }
            guard let (trial, situation) = model.takeRacing(&group, judgedBy: judge) else { continue }
            coverage.record(situation, Propagation())
            judge = trial
            raceJudge = judge
            racingStimuli += group.count - 1
            stepStarted = now
            lastProgress = now
            remember(group[...], .sent)
            racingInFlight = !judge.canEndWell
            if !racingInFlight, let system = judge.someSystem { model.continue(from: system) }
            sending += group
            return group.count
        }
        raceJudge = judge
        return 0
    }

    /// An output of a cell of `load --races`, judged by the cell's judge.
    private mutating func observeRacing(_ output: Message, now: ContinuousClock.Instant) throws(ReplayStop) -> Observed {
        var observed = Observed(stepStarted: stepStarted)
        // Judged in place: a copy of the judge would copy its states.
        guard let judgement = raceJudge?.observe(output) else {
            remember(output, .unexpected)
            violated = true
            throw .diverged(Divergence(kind: .extra(output)))
        }
        switch judgement {
        case .allowed:
            remember(output, .observed)
            lastProgress = now
            if racingInFlight, let judge = raceJudge, judge.canEndWell {
                racingInFlight = false
                observed.settled = true
                if let system = judge.someSystem { model.continue(from: system) }
            }
            return observed
        case .rejected(let rejection):
            remember(output, .unexpected)
            violated = true
            var divergence = Divergence(kind: .unexpected(output), clause: rejection.clause)
            divergence.race = RaceDivergence(summary: rejection.summary, lines: rejection.lines(at: "output"))
            throw .diverged(divergence)
        case .inconclusive:
            violated = true
            throw .failed(HarnessFailure(.inconclusive, "inconclusive: " + (raceJudge?.inconclusiveReason ?? "")))
        }
    }

    /// What an output did to its cell.
    struct Observed {
        /// When the step the output belongs to started (for its latency).
        var stepStarted: ContinuousClock.Instant
        /// The output completed its step.
        var settled = false
    }

    /// An output that belongs to this cell; what may go out now is
    /// appended to `sending`.
    mutating func observe(
        _ output: Message, now: ContinuousClock.Instant, sending: inout [Message]
    ) throws(ReplayStop) -> Observed {
        if races && !violated { return try observeRacing(output, now: now) }
        var observed = Observed(stepStarted: stepStarted)
        guard !violated else { return observed }
        // Taken out, not copied: a copy left in `step` made every change
        // to the ledger copy its arrays.
        guard step != nil, var ledger = step.take() else {
            // Nothing was in flight: an extra output.
            remember(output, .unexpected)
            violated = true
            throw .diverged(Divergence(kind: .extra(output)))
        }
        do {
            try ledger.observe(output)
        } catch {
            if case .diverged(let divergence) = error, let expected = divergence.expected { remember(expected, .expected) }
            remember(output, .unexpected)
            violated = true
            step = consume ledger
            throw error
        }
        remember(output, .observed)
        lastProgress = now
        let first = sending.count
        ledger.takeSendable(into: &sending)
        remember(sending[first...], .sent)
        step = consume ledger
        settleIfDone()
        observed.settled = step == nil
        return observed
    }

    /// The step is over when every output is in and every stimulus out.
    private mutating func settleIfDone() {
        if step?.isSettled == true { spareLedger = step.take() }
    }

    /// The oldest owed output did not come within the timeout.
    mutating func timedOut(after timeout: Duration) -> Divergence? {
        if races {
            guard racingInFlight, !violated, let judge = raceJudge, !judge.canEndWell else { return nil }
            violated = true
            let shortfall = judge.shortfall
            let expected = shortfall.groups.first?.owed.first
            var divergence = Divergence(kind: .missing, expected: expected?.message, clause: expected?.clause, waited: timeout)
            divergence.race = RaceDivergence(summary: "no interleaving of the model ends here: \(shortfall.summary), observed nothing within \(timeout)",
                                             lines: ["observed: nothing within \(timeout)"] + shortfall.lines)
            return divergence
        }
        guard let ledger = step, !violated, let missing = ledger.missing(waited: timeout, idleConfirmed: false) else { return nil }
        violated = true
        if let expected = missing.expected { remember(expected, .expected) }
        return missing
    }

    /// A violation explained: the divergence as `run` explains it, the
    /// model's state before the deciding message, the cell's last messages.
    func explain(_ divergence: Divergence) -> (detail: String, lines: [String], window: [LoadWindowEntry]) {
        guard divergence.race == nil, let ledger = step else {
            return (divergence.summary, divergence.explanation, window)
        }
        var before = checkpoint
        for stimulus in sinceCheckpoint { _ = before.step(stimulus) }
        let explained = ledger.explain(divergence, setup: generated.administration, from: before.system)
        return (explained.summary, explained.explanation, window)
    }

    private mutating func remember(_ messages: ArraySlice<Message>, _ mark: LoadWindowEntry.Mark) {
        for message in messages { remember(message, mark) }
    }

    /// One message (an array of one, made for every output, was an
    /// allocation each).
    private mutating func remember(_ message: Message, _ mark: LoadWindowEntry.Mark) {
        let entry = LoadWindowEntry(message: message, mark: mark)
        if recent.count < Self.kept {
            recent.append(entry)
        } else {
            recent[recentOldest] = entry
            recentOldest = (recentOldest + 1) % Self.kept
        }
    }

    /// The cell's last messages, oldest first.
    private var window: [LoadWindowEntry] {
        Array(recent[recentOldest...] + recent[..<recentOldest])
    }

    /// Whether the cell's model still holds a session (to forget ended ones).
    /// Whether the cell still has the session in play: a role of its model
    /// holds it, or an output of the step in flight names it (the model is
    /// done with a step before its outputs come). The same answer check-log's
    /// monitor gives for the cell at that point of the log.
    func holds(session: String) -> Bool {
        if let raceJudge { return raceJudge.holds(session: session) }
        return model.system.holds(session: session) || step?.owesMessage(naming: session) == true
    }

    /// `holds(session:)`, reached in place through an array (see
    /// `LoadCellModels.holds(session:inCell:)`).
    mutating func holdsInPlace(session: String) -> Bool {
        holds(session: session)
    }
}
