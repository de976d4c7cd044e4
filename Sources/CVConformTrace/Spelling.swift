/// Close words, for "did you mean …?".
enum Spelling {
    /// The candidate closest to `word`, if one is within a small edit
    /// distance: 1 for words of up to four characters, 2 for longer ones.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let limit = word.count <= 4 ? 1 : 2
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != word {
            guard let found = distance(word, candidate, limit: limit) else { continue }
            if best == nil || found < best?.distance ?? .max { best = (candidate, found) }
        }
        return best?.candidate
    }

    /// The Levenshtein distance (insertions, deletions, substitutions) when it
    /// is at most `limit`, else nil. Words whose lengths differ by more than
    /// `limit` are never compared, so a hostile name costs nothing.
    static func distance(_ a: String, _ b: String, limit: Int) -> Int? {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        guard abs(a.count - b.count) <= limit else { return nil }
        var previous = Array(0...b.count)
        var current = previous
        for (row, scalar) in a.enumerated() {
            current[0] = row + 1
            var rowBest = current[0]
            for (column, other) in b.enumerated() {
                let substitution = previous[column] + (scalar == other ? 0 : 1)
                current[column + 1] = min(substitution, previous[column + 1] + 1, current[column] + 1)
                rowBest = min(rowBest, current[column + 1])
            }
            // Every later row is at least this far: give up early.
            if rowBest > limit { return nil }
            swap(&previous, &current)
        }
        let result = previous[b.count]
        return result <= limit ? result : nil
    }
}
