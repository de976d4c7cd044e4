import CVConformHarness
import CVConformModel
import CVConformTrace
import CVConformWire

/// What a cell needs to judge its outputs and start its next steps on any
/// core, away from the driver.
struct LoadStepContext: Sendable {
    let greeting: Greeting
    /// Open loop: stimuli per second; nil: closed loop.
    let rate: Double?
    let deadline: ContinuousClock.Instant
    let stop: StopRequest
    /// When the outputs being judged came in (their latency ends there).
    let now: ContinuousClock.Instant

    var timeIsUp: Bool { stop.isRequested || ContinuousClock.now >= deadline }
}

extension LoadCellState {
    /// Starts steps: one, then (closed loop) more as long as each settles
    /// at once, or (open loop) one per arrival waiting. Adds what they send
    /// now to `sending`, and gives how many stimuli it started: none when
    /// the cell is busy, or found no stimulus (it rests).
    mutating func startSteps(_ context: LoadStepContext, risks: inout SituationRisks, sending: inout [Message]) -> Int {
        var stimuli = 0
        var first = true
        while isIdle && (first || context.rate == nil || pendingArrivals > 0) && !context.timeIsUp {
            if !first && context.rate != nil { pendingArrivals -= 1 }
            first = false
            let sent = startStep(greeting: context.greeting, now: .now, risks: &risks, sending: &sending)
            if sent == 0 && isIdle { break }
            stimuli += 1
        }
        return stimuli
    }

    /// After a step settled: closed loop, the next steps; open loop, the
    /// next waiting arrival's.
    mutating func stepsAfterSettling(_ context: LoadStepContext, risks: inout SituationRisks, sending: inout [Message]) -> Int {
        if context.rate == nil { return startSteps(context, risks: &risks, sending: &sending) }
        guard pendingArrivals > 0 else { return 0 }
        pendingArrivals -= 1
        return startSteps(context, risks: &risks, sending: &sending)
    }

    /// Judges one output of this cell, and starts the next steps if it
    /// settled the one in flight; what goes out now is appended to
    /// `sending`, and the outcome names where.
    mutating func judge(
        _ output: Message, cell: Int, _ context: LoadStepContext, risks: inout SituationRisks, sending: inout [Message]
    ) -> LoadOutcome {
        let first = sending.count
        do {
            let observed = try observe(output, now: context.now, sending: &sending)
            let micros = UInt64(max(0, (context.now - observed.stepStarted) / .microseconds(1)))
            let stimuli = observed.settled ? stepsAfterSettling(context, risks: &risks, sending: &sending) : 0
            return .observed(cell: cell, micros: micros, sent: first..<sending.count, stimuli: stimuli)
        } catch {
            return .violated(cell: cell, error)
        }
    }
}
