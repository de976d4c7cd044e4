/// The first pass of every shrinker here (explore's, the mutants' witnesses,
/// generate's traces): remove stimuli in chunks, half the run, then
/// quarters, … then one at a time, from the end backwards, keeping each
/// removal the caller accepts.
///
/// A value the caller drives, so that the judging may be anything, in the
/// model or replayed against an implementation (async):
///
///     var removal = ChunkRemoval(run)
///     while let candidate = removal.next() {
///         if let kept = judge(candidate) { removal.accept(kept) }
///     }
///     run = removal.best
public struct ChunkRemoval: Sendable {
    /// The smallest run accepted so far.
    public private(set) var best: Scenario
    private var chunk: Int
    /// Where the chunk to remove next ends.
    private var end: Int
    /// The stimuli (0-based) removed from the candidate last handed out.
    public private(set) var removed = 0..<0

    public init(_ run: Scenario) {
        best = run
        chunk = max(1, run.stimuli.count / 2)
        end = run.stimuli.count
    }

    /// `best` without the next chunk; nil when every chunk size down to one
    /// has been tried. Without `accept`, the next candidate removes the
    /// chunk before this one instead.
    public mutating func next() -> Scenario? {
        while end == 0 {
            if chunk == 1 { return nil }
            chunk /= 2
            end = best.stimuli.count
        }
        removed = max(0, end - chunk)..<end
        var candidate = best
        candidate.removeStimuli(in: removed)
        end = removed.lowerBound
        return candidate
    }

    /// The last candidate, or what the caller made of it (played by the
    /// model, cut after its failure), becomes `best`.
    public mutating func accept(_ kept: Scenario) {
        best = kept
        end = min(removed.lowerBound, best.stimuli.count)
    }
}
