import CVConformModel
import CVConformTrace

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
    /// Which situations have led outside the profile: the others are
    /// stepped without a copy of the model to fall back on.
    private var risks = SituationRisks()
    /// The step in flight: one stimulus and everything it causes.
    private(set) var step: ReplayLedger? {
        didSet { updatePhase() }
    }
    /// For explanations, the model's state before the step in flight:
    /// rebuilt from a checkpoint and the stimuli since. Keeping a copy of
    /// every state instead made each step copy the parts of the model it
    /// changed (copy on write), a tenth of a load run's time.
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
    /// The cell's last messages.
    /// A ring: once full, `recentOldest` is where the oldest is (and the
    /// next goes).
    private var recent: [LoadWindowEntry] = []
    private var recentOldest = 0
    private static let kept = 24

    init(number: Int, generated: GeneratedAdministration, profile: Profile, random: SeededRandom) {
        self.number = number
        self.generated = generated
        var random = random
        var generator = StimulusGenerator(generated: generated, profile: profile, random: &random, swarm: false)
        generator.sessionPrefix = "c\(number)-"
        self.generator = generator
        self.random = random
        model = ModelRun(administration: generated.administration, profile: profile)
        checkpoint = model
    }

    /// Stored, not computed: the driver asks for every cell often, and a
    /// computed property read through the array copied the whole cell.
    private(set) var isIdle = true
    private(set) var isWaiting = false

    private mutating func updatePhase() {
        isWaiting = step != nil && !violated
        isIdle = step == nil && !violated
    }

    /// Starts the next step: chooses a stimulus the model allows, and
    /// returns what goes out now (the stimulus, and for an implementation
    /// that plays some roles only, the model's messages to it that need no
    /// output first). Empty when no stimulus could be found (the cell rests).
    mutating func startStep(greeting: Greeting, now: ContinuousClock.Instant) -> [Message] {
        guard !violated else { return [] }
        for _ in 0..<8 {
            guard let stimulus = generator.next(for: model, coverage: coverage, random: &random) else { continue }
            let situation = Situation.of(stimulus, in: model.system)
            if let previous = stimulusInFlight { sinceCheckpoint.append(previous) }
            stimulusInFlight = nil
            if sinceCheckpoint.count >= Self.checkpointEvery {
                checkpoint = model
                sinceCheckpoint.removeAll(keepingCapacity: true)
            }
            let (checkpoint, sinceCheckpoint) = (checkpoint, sinceCheckpoint)
            let stepped = model.step(stimulus, situation: situation, risks: &risks) {
                var before = checkpoint
                for earlier in sinceCheckpoint { _ = before.step(earlier) }
                return before
            }
            guard let propagation = stepped else { continue }
            stimulusInFlight = stimulus
            coverage.record(situation, propagation)
            var ledger = ReplayLedger(greeting: greeting)
            ledger.keepsEvents = false
            ledger.append(CollectionOfOne(TraceEntry(message: stimulus)))
            ledger.append(propagation.emissions.lazy.map { TraceEntry(message: $0.message) })
            stepStarted = now
            lastProgress = now
            let sending = ledger.takeSendable()
            remember(sending, .sent)
            step = ledger
            settleIfDone()
            return sending
        }
        return []
    }

    /// What an output did to its cell.
    struct Observed {
        /// What may go out now.
        var sending: [Message] = []
        /// When the step the output belongs to started (for its latency).
        var stepStarted: ContinuousClock.Instant
        /// The output completed its step.
        var settled = false
    }

    /// An output that belongs to this cell.
    mutating func observe(_ output: Message, now: ContinuousClock.Instant) throws(ReplayStop) -> Observed {
        var observed = Observed(stepStarted: stepStarted)
        guard !violated else { return observed }
        // Taken out, not copied: a copy left in `step` made every change
        // to the ledger copy its arrays.
        guard step != nil, var ledger = step.take() else {
            // Nothing was in flight: an extra output.
            remember([output], .unexpected)
            violated = true
            throw .diverged(Divergence(kind: .extra(output)))
        }
        do {
            try ledger.observe(output)
        } catch {
            if case .diverged(let divergence) = error, let expected = divergence.expected { remember([expected], .expected) }
            remember([output], .unexpected)
            violated = true
            step = ledger
            throw error
        }
        remember([output], .observed)
        lastProgress = now
        observed.sending = ledger.takeSendable()
        remember(observed.sending, .sent)
        step = ledger
        settleIfDone()
        observed.settled = step == nil
        return observed
    }

    /// The step is over when every output is in and every stimulus out.
    private mutating func settleIfDone() {
        if step?.isSettled == true { step = nil }
    }

    /// The oldest owed output did not come within the timeout.
    mutating func timedOut(after timeout: Duration) -> Divergence? {
        guard let ledger = step, !violated, let missing = ledger.missing(waited: timeout, idleConfirmed: false) else { return nil }
        violated = true
        if let expected = missing.expected { remember([expected], .expected) }
        return missing
    }

    /// A violation explained: the divergence as `run` explains it, the
    /// model's state before the deciding message, the cell's last messages.
    func explain(_ divergence: Divergence) -> (detail: String, lines: [String], window: [LoadWindowEntry]) {
        guard let ledger = step else {
            return (divergence.summary, divergence.explanation, window)
        }
        var before = checkpoint
        for stimulus in sinceCheckpoint { _ = before.step(stimulus) }
        let explained = ledger.explain(divergence, setup: generated.administration, from: before.system)
        return (explained.summary, explained.explanation, window)
    }

    private mutating func remember(_ messages: [Message], _ mark: LoadWindowEntry.Mark) {
        for message in messages {
            let entry = LoadWindowEntry(message: message, mark: mark)
            if recent.count < Self.kept {
                recent.append(entry)
            } else {
                recent[recentOldest] = entry
                recentOldest = (recentOldest + 1) % Self.kept
            }
        }
    }

    /// The cell's last messages, oldest first.
    private var window: [LoadWindowEntry] {
        Array(recent[recentOldest...] + recent[..<recentOldest])
    }

    /// Whether the cell's model still holds a session (to forget ended ones).
    func holds(session: String) -> Bool { model.system.holds(session: session) }
}
