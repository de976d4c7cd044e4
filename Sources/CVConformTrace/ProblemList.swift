/// The malformations of one file: the earliest `limit` in file order and how
/// many there are in all, so that a hostile file cannot make the list huge.
/// A fatal problem (one that ends the reading) is kept apart and comes last.
struct ProblemList: Sendable {
    static let limit = 100

    /// The earliest problems, by `order`.
    private(set) var problems: [TraceProblem] = []
    /// Every problem added, kept or not.
    private(set) var count = 0
    /// What ended the reading, if anything did.
    private(set) var fatal: TraceProblem?

    var isEmpty: Bool { count == 0 && fatal == nil }

    /// The order of the earliest problem, fatal or not.
    var firstOrder: Int? { problems.first?.order ?? fatal?.order }

    /// Whether a problem at `order` would be listed, not only counted.
    func wouldList(_ order: Int) -> Bool {
        problems.count < Self.limit || order < (problems.last?.order ?? .max)
    }

    mutating func add(_ problem: TraceProblem) {
        count += 1
        if problems.count == Self.limit {
            guard let last = problems.last, problem.order < last.order else { return }
            problems.removeLast()
        }
        // Problems nearly always come in order: look for the place from the end.
        var index = problems.endIndex
        while index > problems.startIndex && problems[index - 1].order > problem.order { index -= 1 }
        problems.insert(problem, at: index)
    }

    mutating func add(contentsOf more: [TraceProblem]) {
        for problem in more { add(problem) }
    }

    /// Ends the list: nothing found after a fatal problem is trusted.
    mutating func end(with problem: TraceProblem) {
        if fatal == nil { fatal = problem }
    }

    /// The problems of both lists (the two threads of `forEachEntry` keep one each).
    mutating func merge(_ other: ProblemList) {
        add(contentsOf: other.problems)
        count += other.count - other.problems.count
        if let problem = other.fatal { end(with: problem) }
    }

    /// The list as one error, located in `source` and sorted by place; nil
    /// when there is no problem.
    func error(in source: SourceText) -> TraceError? {
        let all = problems + (fatal.map { [$0] } ?? [])
        let located = zip(all, source.locate(all.map(\.place))).map { problem, location in
            (error: TraceError(problem.kind, at: location, problem.message), order: problem.order)
        }
        var listed = Array(located.prefix(problems.count))
        listed.sort { left, right in
            let a = left.error.location, b = right.error.location
            // The file as a whole (line 0) comes after every line.
            if (a.line == 0) != (b.line == 0) { return b.line == 0 }
            if a.line != b.line { return a.line < b.line }
            if a.column != b.column { return a.column < b.column }
            return left.order < right.order
        }
        var errors = listed.map(\.error)
        if fatal != nil, let last = located.last { errors.append(last.error) }
        guard var first = errors.first else { return nil }
        first.further = Array(errors.dropFirst())
        first.unlisted = count - problems.count
        return first
    }
}
