import CVConformCells
import CVConformHarness
import CVConformModel
import CVConformTrace
import CVConformWire
import Foundation
import Histogram

/// What a load run tells a person while it goes.
package struct LoadProgress: Sendable {
    package var elapsed: Duration
    package var stimuliPerSecond: Double
    package var messagesPerSecond: Double
    /// The 99th percentile latency so far, in seconds.
    package var p99: Double
    package var violations: Int
    package var waitingCells: Int
}

/// Drives many independent cells at once through one implementation
/// (contract section 7, `load`): one reset with every cell's administration,
/// then each cell walks the model on its own, each stimulus once what the
/// cell's previous one caused is in, while the cells overlap freely. Every
/// output is placed in the cell whose ids it names and judged there, on its
/// channel, in the model's order: outputs of different cells may come in any
/// order. A cell that diverges stops; the others go on.
package enum LoadRunner {
    package static func run(
        options: LoadOptions, label: String, makeImplementation: @escaping SuiteRunner.Factory, log: LoadLog? = nil,
        stop: StopRequest = StopRequest(), progress: @escaping @Sendable (LoadProgress) -> Void = { _ in }
    ) async -> LoadResult {
        let implementation = makeImplementation()
        return await withTaskExecutorPreference(implementation.taskExecutor) {
            var driver = LoadDriver(options: options, label: label, log: log, stop: stop, progress: progress)
            await driver.run(implementation)
            await implementation.stop()
            return driver.result
        }
    }
}

/// The state of one load run.
struct LoadDriver {
    let options: LoadOptions
    let log: LoadLog?
    let stop: StopRequest
    let progress: @Sendable (LoadProgress) -> Void
    private(set) var result: LoadResult
    /// In groups, `groupsPerCore` per core that judges (`judge`).
    private var cells = LoadCellGroups([], groupCount: 1)
    /// Which situations have led outside the profile (see
    /// `LoadCellState.startStep`), learnt from every cell the driver steps
    /// itself; each group, judged on any core, learns its own.
    private var risks = SituationRisks()
    private var groupRisks: [SituationRisks] = []
    /// Cores the cells are judged on (`LoadOptions.judgingCores`).
    private var judgingCores = 1
    private static let groupsPerCore = 10
    /// Which cell each message belongs to: the placement check-log uses.
    private var placer = CellPlacer(partition: CellPartition(whole: Administration()))
    /// For the log: messages the cells took, in that order, not written yet.
    private var toLog: [Message] = []
    private var greeting = Greeting(implementation: "", roles: [], reportsInternal: true)
    private var latency = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .two)
    private var secondLatency = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .two)
    private var second = (stimuli: 0, messages: 0, violations: 0)
    /// The second of the run `second` counts for.
    private var timelineSecond = 0
    private var started = ContinuousClock.now
    private var outgoing: [Message] = []
    /// What `begin` has a cell send, kept so its storage is used again.
    private var beginSending: [Message] = []
    /// Outcomes applied and emptied, used again (`spareOutcomes`): one per
    /// group of cells judged at once, and the driver's two.
    private var spareOutcomeLists: [LoadOutcomes] = []
    private static let spareOutcomeListsKept = 64
    private var arrivals = 0
    private var nextCell = 0

    init(options: LoadOptions, label: String, log: LoadLog?, stop: StopRequest, progress: @escaping @Sendable (LoadProgress) -> Void) {
        self.options = options
        self.log = log
        self.stop = stop
        self.progress = progress
        result = LoadResult(implementation: label, cells: options.cells, rate: options.rate, seed: options.seed)
    }

    mutating func run(_ implementation: ImplementationUnderTest) async {
        var random = SeededRandom(seed: options.seed)
        let made = LoadCells.make(count: options.cells, random: &random)
        do {
            placer = CellPlacer(partition: try CellPartition(administration: made.administration, cells: made.idLists))
        } catch {
            result.failure = HarnessFailure(.unavailable, "the cells overlap: \(error)")
            return
        }
        let madeCells = made.cells.enumerated().map { LoadCellState(number: $0.offset + 1, generated: $0.element, profile: options.profile,
                                                                    random: random.split(), races: options.races,
                                                                    maxStates: options.replay.maxStates) }
        judgingCores = max(1, options.judgingCores ?? ProcessInfo.processInfo.activeProcessorCount)
        result.jobs = judgingCores
        // Several groups a core, claimed in turn: a core that is done early
        // takes another, so none waits for the slowest.
        cells = LoadCellGroups(madeCells, groupCount: judgingCores > 1 ? judgingCores * Self.groupsPerCore : 1)
        groupRisks = Array(repeating: SituationRisks(), count: cells.groupCount)
        do {
            greeting = try await implementation.start()
            result.implementation = greeting.implementation
            // A large administration may take longer to load than a trace's.
            try await implementation.reset(trace: "load", setup: made.administration, within: max(options.replay.timeout * 5, .seconds(10)))
        } catch {
            result.failure = error
            return
        }
        let playsAll = greeting.roles == ReferenceSystem.allSystemRoles
        await log?.reset(setup: made.administration, cells: made.idLists,
                   observed: playsAll ? (greeting.reportsInternal ? "reports" : "external") : nil)
        started = .now
        let deadline = started + options.duration
        var lastReport = started
        var lastCheck = started
        var reported = (stimuli: 0, messages: 0)
        if options.rate == nil {
            for index in cells.indices { begin(index) }
        }
        do throws(HarnessFailure) {
            // While there is time: send, receive, judge, begin again.
            while ContinuousClock.now < deadline && !stop.isRequested && result.failure == nil && cells.contains(where: { !$0.violated }) {
                // Nine cells in ten stopped at a violation: the rest would
                // measure a handful of cells, not the implementation.
                let stopped = cells.lazy.filter(\.violated).count
                if cells.count >= 10 && stopped * 10 >= cells.count * 9 {
                    result.stoppedEarly = "\(stopped) of \(cells.count) cells had stopped at a violation after "
                        + "\(String(format: "%.2f", Double((ContinuousClock.now - started) / .milliseconds(1)) / 1000)) s: "
                        + "the run stopped, since what was left would measure \(cells.count - stopped) cells"
                    break
                }
                let now = ContinuousClock.now
                if let rate = options.rate { arrive(rate: rate, at: now) }
                try await flush(implementation)
                let wait: Duration = options.rate.map { .nanoseconds(Int64(1_000_000_000 / max($0, 1))) } ?? .milliseconds(50)
                let outputs = try await implementation.receiveAvailable(limit: 4096, timeout: min(wait, .milliseconds(50)))
                try await take(outputs, implementation)
                let after = ContinuousClock.now
                if after - lastCheck >= .milliseconds(50) {
                    lastCheck = after
                    checkTimeouts(at: after)
                    wakeRestingCells()
                }
                sampleIfSecondPassed(at: after)
                if after - lastReport >= .milliseconds(500) {
                    let span = Double((after - lastReport) / .milliseconds(1)) / 1000
                    progress(LoadProgress(
                        elapsed: after - started, stimuliPerSecond: Double(result.stimuli - reported.stimuli) / span,
                        messagesPerSecond: Double(result.messages - reported.messages) / span,
                        p99: Double(latency.valueAtPercentile(99)) / 1e6, violations: result.violationCount,
                        waitingCells: cells.filter(\.isWaiting).count))
                    reported = (result.stimuli, result.messages)
                    lastReport = after
                }
            }
            if result.stoppedEarly == nil && stop.isRequested && ContinuousClock.now < deadline {
                // The report (and its JSON) says the run was cut short.
                result.stoppedEarly = "stopped on request (Ctrl-C) after "
                    + "\(String(format: "%.2f", Double((ContinuousClock.now - started) / .milliseconds(1)) / 1000)) s"
            }
            if result.stoppedEarly == nil && result.failure == nil && !stop.isRequested && ContinuousClock.now < deadline
                && !cells.contains(where: { !$0.violated }) {
                result.stoppedEarly = "every cell had stopped at a violation after "
                    + "\(String(format: "%.2f", Double((ContinuousClock.now - started) / .milliseconds(1)) / 1000)) s"
            }
            // Every cell stopped (or too many violations): nothing is left
            // to judge, so nothing more is read.
            if cells.contains(where: { !$0.violated }) && result.failure == nil {
                // Time is up: no new stimuli; what is in flight may finish.
                // What the cells took last is sent first, even when no cell
                // waits for it: a stimulus the model ignores settles its
                // step at once, and unsent it would be in the log but not
                // in the count (LoadTests.logAccepted saw 8,272 against
                // 8,271 once).
                try await flush(implementation)
                let drainUntil = ContinuousClock.now + options.replay.timeout
                while cells.contains(where: \.isWaiting) && ContinuousClock.now < drainUntil && result.failure == nil {
                    try await flush(implementation)
                    try await take(try await implementation.receiveAvailable(limit: 4096, timeout: .milliseconds(50)), implementation)
                    sampleIfSecondPassed(at: .now)
                }
                // What the last outputs made the cells send (the model's
                // messages of the steps in flight) goes out too: it is in
                // the log already.
                if result.failure == nil { try await flush(implementation) }
                checkTimeouts(at: .now, all: true)
                // Quiescence: nothing more may come.
                if result.failure == nil, let late = try await implementation.confirmIdle(timeout: options.replay.timeout) {
                    await takeLate(late)
                } else if result.failure == nil {
                    await takeLate(try await implementation.receiveAvailable(limit: 4096, timeout: options.replay.quietPeriod))
                }
            }
        } catch {
            result.failure = error
        }
        sampleIfSecondPassed(at: .now)
        sample(timelineSecond)
        result.duration = Double((ContinuousClock.now - started) / .milliseconds(1)) / 1000
        result.p50 = Double(latency.valueAtPercentile(50)) / 1e6
        result.p90 = Double(latency.valueAtPercentile(90)) / 1e6
        result.p99 = Double(latency.valueAtPercentile(99)) / 1e6
        result.max = Double(latency.max) / 1e6
        if options.races { result.races = cells.reduce(0) { $0 + $1.racingStimuli } }
    }

    // MARK: - Steps

    /// Starts a cell's next step and queues what it sends; a step that
    /// needs no output settles at once, and the cell goes on (closed loop)
    /// or takes its next waiting arrival (open loop). A cell for which no
    /// stimulus was found rests until the next tick.
    private mutating func begin(_ index: Int) {
        var sending: [Message] = []
        swap(&sending, &beginSending)
        let stimuli = cells[index].startSteps(stepContext(now: .now), risks: &risks, sending: &sending)
        applySent(sending[...], stimuli: stimuli, in: index)
        sending.removeAll(keepingCapacity: true)
        swap(&sending, &beginSending)
        sweepSessionsIfNeeded()
    }

    /// What a cell took and sends now (with the stimuli it started, if any):
    /// the placement learns from it (`sweepSessionsIfNeeded` follows), and
    /// it goes out.
    private mutating func applySent(_ sending: ArraySlice<Message>, stimuli: Int, in index: Int) {
        for message in sending { placer.learn(from: message, in: index) }
        queue(sending)
        result.stimuli += stimuli
        second.stimuli += stimuli
    }

    private func stepContext(now: ContinuousClock.Instant) -> LoadStepContext {
        LoadStepContext(greeting: greeting, rate: options.rate, deadline: started + options.duration, stop: stop, now: now)
    }

    /// Queues messages the cells' models have taken, to be sent.
    private mutating func queue(_ messages: ArraySlice<Message>) {
        outgoing += messages
        if log != nil { toLog += messages }
    }

    /// Writes what the cells took since the last write, in the order they
    /// took it, so that check-log judges the log as load judged the run.
    private mutating func writeLog() async {
        guard let log, !toLog.isEmpty else { return }
        await log.messages(toLog)
        toLog.removeAll(keepingCapacity: true)
    }

    /// Sends what is queued (logged first). Messages are counted when sent.
    private mutating func flush(_ implementation: ImplementationUnderTest) async throws(HarnessFailure) {
        guard !outgoing.isEmpty else { return }
        await writeLog()
        let batch = outgoing
        outgoing.removeAll(keepingCapacity: true)
        result.messages += batch.count
        second.messages += batch.count
        try await implementation.send(batch)
    }

    /// Open loop: stimuli arrive at `rate` per second, to each cell in turn;
    /// a busy cell keeps its arrivals for when it is free.
    private mutating func arrive(rate: Double, at now: ContinuousClock.Instant) {
        let due = Int(rate * Double((now - started) / .microseconds(1)) / 1e6)
        while arrivals < due {
            arrivals += 1
            guard let index = nextLiveCell() else { return }
            if cells[index].isIdle {
                begin(index)
            } else {
                cells[index].pendingArrivals += 1
                result.backlog += 1
            }
        }
    }

    private mutating func nextLiveCell() -> Int? {
        for _ in 0..<cells.count {
            let index = nextCell
            nextCell = (nextCell + 1) % cells.count
            if !cells[index].violated { return index }
        }
        return nil
    }

    // MARK: - Outputs

    /// Judges a receive's outputs: each placed in its cell, in the order
    /// they came, then judged cell by cell (`judge`). Every output is
    /// judged and logged even when sending fails midway (the failure is
    /// thrown after): the log holds what was counted.
    private mutating func take(_ outputs: [Message], _ implementation: ImplementationUnderTest) async throws(HarnessFailure) {
        guard !outputs.isEmpty else { return }
        let now = ContinuousClock.now
        result.messages += outputs.count
        second.messages += outputs.count
        var failure: HarnessFailure?
        var placed = LoadPlacedOutputs(context: stepContext(now: now))
        placed.exchange(cells: &cells, risks: &risks)
        for output in outputs {
            switch placer.place(output, models: &placed) {
            case .unplaced(let violation):
                placed.decideUnplaced(output, unplaced(violation, at: now))
            case .cell(let index):
                placed.add(output, cell: index)
                // What it teaches the placement counts for the outputs after it.
                if placer.learns(from: output, in: index) {
                    placed.exchange(cells: &cells, risks: &risks)
                    await judge(&placed, at: now, implementation, failure: &failure)
                    placed.exchange(cells: &cells, risks: &risks)
                }
            }
        }
        placed.exchange(cells: &cells, risks: &risks)
        await judge(&placed, at: now, implementation, failure: &failure)
        await writeLog()
        if let failure { throw failure }
    }

    /// Judges placed outputs and applies what each did. With enough of
    /// them, the groups of cells are judged on every core: a task per core
    /// but the driver's own claims groups in turn, and so does the driver,
    /// which applies each group's outcomes, and sends what its cells send,
    /// as soon as the group is judged (so the implementation works on them
    /// while other groups are judged). Each cell's outputs are applied in
    /// the order they came; those of different cells are independent.
    /// Once sending failed (`failure`), or the run did, nothing more is
    /// sent; the rest is still judged and applied.
    private mutating func judge(
        _ placed: inout LoadPlacedOutputs, at now: ContinuousClock.Instant, _ implementation: ImplementationUnderTest,
        failure: inout HarnessFailure?
    ) async {
        let context = placed.context
        var (decided, pending) = placed.take()
        apply(&decided, at: now)
        let waiting = pending.byCell()
        let groupCount = cells.groupCount
        guard groupCount > 1 && waiting.count >= options.judgingSharedFrom else {
            var outcomes = spareOutcomes()
            for (cell, output) in waiting {
                outcomes.judge(output, cell: cell, in: &cells[cell], context, risks: &risks)
            }
            apply(&outcomes, at: now)
            sweepSessionsIfNeeded()
            return
        }
        // Every group lent, with what it learnt.
        var judges: [LoadCellGroupJudge] = []
        for group in 0..<groupCount {
            var groupCells: [LoadCellState] = []
            var groupRisks = SituationRisks()
            cells.swapGroup(group, with: &groupCells)
            swap(&groupRisks, &self.groupRisks[group])
            judges.append(LoadCellGroupJudge(cells: groupCells, risks: groupRisks, outcomes: spareOutcomes(), waiting: waiting,
                                             group: group, groupCount: groupCount, context: context))
        }
        for _ in 1..<min(judgingCores, groupCount) {
            // The global executor, whatever the driver's: an implementation
            // over TCP prefers its one event loop.
            Task(executorPreference: globalConcurrentExecutor) { [judges] in
                for judge in judges { judge.judgeUnlessClaimed() }
            }
        }
        var applied = Array(repeating: false, count: groupCount)
        var left = groupCount
        func firstJudged() -> Int? { judges.indices.first { !applied[$0] && judges[$0].isJudged } }
        for judge in judges {
            judge.judgeUnlessClaimed()
            // Whatever is judged by now goes out at once.
            while let group = firstJudged() {
                applied[group] = true
                left -= 1
                await giveBack(judges[group], group: group, at: now, implementation, failure: &failure)
            }
        }
        // The groups tasks are still judging, each as soon as it is done.
        while left > 0 {
            let group = firstJudged() ?? judges.indices.first { !applied[$0] } ?? 0
            await judges[group].judged()
            applied[group] = true
            left -= 1
            await giveBack(judges[group], group: group, at: now, implementation, failure: &failure)
        }
        sweepSessionsIfNeeded()
    }

    /// A judged group's cells back in place, its outcomes applied, and what
    /// its cells send sent (unless sending already failed).
    private mutating func giveBack(
        _ judge: LoadCellGroupJudge, group: Int, at now: ContinuousClock.Instant, _ implementation: ImplementationUnderTest,
        failure: inout HarnessFailure?
    ) async {
        var groupCells: [LoadCellState] = []
        var outcomes = judge.giveBack(cells: &groupCells, risks: &groupRisks[group])
        cells.swapGroup(group, with: &groupCells)
        apply(&outcomes, at: now)
        guard failure == nil && result.failure == nil else { return }
        do { try await flush(implementation) } catch { failure = error }
    }

    /// What judging outputs did, as one output at a time did it; the
    /// outcomes, emptied, are kept for the next (`spareOutcomes`).
    private mutating func apply(_ outcomes: inout LoadOutcomes, at now: ContinuousClock.Instant) {
        for (output, outcome) in outcomes.items {
            if log != nil { toLog.append(output) }
            switch outcome {
            case .unplaced(let violation):
                record(violation)
            case .observed(let index, let micros, let sent, let stimuli):
                _ = latency.record(micros)
                _ = secondLatency.record(micros)
                placer.learn(from: output, in: index)
                applySent(outcomes.sent[sent], stimuli: stimuli, in: index)
            case .violated(let index, let error):
                violation(in: index, error, at: now)
            }
        }
        // Kept only with storage to use again (what placing decided is
        // usually nothing), and moved out of the caller's variable: shared
        // with it, the list would be copied when used again.
        guard outcomes.hasStorage, spareOutcomeLists.count < Self.spareOutcomeListsKept else { return }
        var emptied = LoadOutcomes()
        swap(&emptied, &outcomes)
        emptied.removeAll()
        spareOutcomeLists.append(emptied)
    }

    /// Empty outcomes, in the lists of some applied before when there are.
    private mutating func spareOutcomes() -> LoadOutcomes {
        spareOutcomeLists.popLast() ?? LoadOutcomes()
    }

    /// After the run: whatever still comes is extra.
    private mutating func takeLate(_ outputs: [Message]) async {
        guard !outputs.isEmpty else { return }
        result.messages += outputs.count
        let now = ContinuousClock.now
        for output in outputs {
            if log != nil { toLog.append(output) }
            guard let index = cell(of: output, at: now) else { continue }
            do {
                var ignored: [Message] = []
                _ = try cells[index].observe(output, now: now, sending: &ignored)
            } catch {
                violation(in: index, error, at: now)
            }
        }
        await writeLog()
    }

    /// The cell (index) an output belongs to; nil, recorded as a violation,
    /// when it names ids of two cells or of none.
    private mutating func cell(of output: Message, at now: ContinuousClock.Instant) -> Int? {
        var models = LoadCellModels(lending: &cells)
        let placement = placer.place(output, models: &models)
        models.giveBack(to: &cells)
        switch placement {
        case .unplaced(let violation):
            record(unplaced(violation, at: now))
            return nil
        case .cell(let index):
            return index
        }
    }

    private func unplaced(_ violation: CellViolation, at now: ContinuousClock.Instant) -> LoadViolation {
        LoadViolation(cell: nil, detail: "an output that belongs to no single cell: \(violation)",
                      explanation: [violation.description], window: [], at: seconds(now))
    }

    /// Closed loop: cells that rested (no stimulus found) try again.
    private mutating func wakeRestingCells() {
        guard options.rate == nil else { return }
        for index in cells.indices where cells[index].isIdle { begin(index) }
    }

    /// Cells whose owed output has not come within the timeout; with
    /// `all`, every cell still waiting (the run is over). Violations are
    /// stamped `now`.
    private mutating func checkTimeouts(at now: ContinuousClock.Instant, all: Bool = false) {
        for index in cells.indices where cells[index].isWaiting && (all || now - cells[index].lastProgress > options.replay.timeout) {
            if let missing = cells[index].timedOut(after: options.replay.timeout) {
                let explained = cells[index].explain(missing)
                record(LoadViolation(cell: index + 1, detail: explained.detail, explanation: explained.lines, window: explained.window,
                                     at: seconds(now)))
            }
        }
    }

    private mutating func violation(in index: Int, _ error: ReplayStop, at now: ContinuousClock.Instant) {
        switch error {
        case .diverged(let divergence):
            let explained = cells[index].explain(divergence)
            record(LoadViolation(cell: index + 1, detail: explained.detail, explanation: explained.lines, window: explained.window,
                                 at: seconds(now)))
        case .failed(let failure, _):
            result.failure = failure
        }
    }

    private mutating func record(_ violation: LoadViolation) {
        // In the second it was found, even after the run's last second.
        if Int(violation.at) > timelineSecond { sampleIfSecondPassed(at: started + .milliseconds(Int(violation.at * 1000))) }
        second.violations += 1
        if result.violations.count < 100 { result.violations.append(violation) } else { result.moreViolations += 1 }
        if result.violationCount >= violationLimit && result.failure == nil {
            // Outputs that belong to no cell keep coming: a flood, or an
            // implementation far from the model. Judging more says nothing new.
            result.failure = HarnessFailure(.flood, "stopped after \(result.violationCount) violations: the implementation "
                                            + "floods, or its outputs are far from the model's")
        }
    }

    /// Beyond this many violations the run stops.
    private var violationLimit: Int { max(1000, 10 * options.cells) }

    /// Forgets sessions no cell holds any more, once enough were learnt
    /// (`CellPlacer.learn`), asking every cell: so only while every cell is
    /// here.
    private mutating func sweepSessionsIfNeeded() {
        var models = LoadCellModels(lending: &cells)
        placer.sweepIfNeeded(models: &models)
        models.giveBack(to: &cells)
    }

    // MARK: - Time

    /// Closes the timeline's current second once time has passed it; what
    /// comes after counts in the next.
    private mutating func sampleIfSecondPassed(at now: ContinuousClock.Instant) {
        let elapsed = Int((now - started) / .seconds(1))
        guard elapsed > timelineSecond else { return }
        sample(timelineSecond)
        timelineSecond = elapsed
    }

    private mutating func sample(_ index: Int) {
        result.timeline.append(LoadSample(
            second: index, stimuli: second.stimuli, messages: second.messages,
            p50: Double(secondLatency.valueAtPercentile(50)) / 1e6, p90: Double(secondLatency.valueAtPercentile(90)) / 1e6,
            p99: Double(secondLatency.valueAtPercentile(99)) / 1e6, violations: second.violations))
        second = (0, 0, 0)
        secondLatency.reset()
    }

    private func seconds(_ now: ContinuousClock.Instant) -> Double {
        Double((now - started) / .milliseconds(1)) / 1000
    }
}

/// The cells' models, as the placement asks them whether they hold a session.
private struct LoadCellModels: SessionHolding {
    /// The driver's cells, moved here while the placement asks (a copy
    /// would be copied whole by the first question asked in place).
    private var cells = LoadCellGroups([], groupCount: 1)

    init(lending cells: inout LoadCellGroups) {
        swap(&self.cells, &cells)
    }

    mutating func giveBack(to cells: inout LoadCellGroups) {
        swap(&self.cells, &cells)
    }

    /// Asked in place (a mutating call): through the array's getter, each
    /// question copied the whole cell (a dozen references retained and
    /// released).
    mutating func holds(session: String, inCell cell: Int) -> Bool {
        cells[cell].holdsInPlace(session: session)
    }
}
