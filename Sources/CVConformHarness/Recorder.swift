import CVConformModel
import CVConformTrace
import CVConformWire

/// Drives a trace's stimuli through an implementation and writes down what it
/// does: the way a spec author writes only the stimuli and lets the
/// reference model fill in the rest.
package enum Recorder {
    /// The recorded trace: the same header (expect `pass`), the stimuli in
    /// their order, each followed by every message it caused.
    package static func record(
        _ trace: Trace, on implementation: ImplementationUnderTest, greeting: Greeting, quietPeriod: Duration
    ) async throws(HarnessFailure) -> Trace {
        guard greeting.roles == Set(Role.systemRoles), greeting.reportsInternal else {
            throw HarnessFailure(.unavailable,
                                 "recording needs an implementation that plays icm, cvct and ecs and reports internal messages; "
                                 + "\(greeting.implementation) plays \(greeting.roles.sorted().map(\.rawValue).joined(separator: ", "))"
                                 + (greeting.reportsInternal ? "" : " without internal messages"))
        }
        try await implementation.reset(trace: trace.header.id, setup: trace.header.setup)
        var recorded = Trace(header: trace.header, entries: [], file: trace.file)
        recorded.header.expect = .pass
        for entry in trace.entries where !entry.message.from.isSystem {
            try await implementation.send(entry.message)
            recorded.entries.append(TraceEntry(message: entry.message))
            while let output = try await implementation.receive(timeout: quietPeriod) {
                recorded.entries.append(TraceEntry(message: output))
            }
        }
        return recorded
    }

    /// Makes the header say what the recorded trace does, as the reference
    /// model judges it (RUN-30), and returns a sentence for each change a
    /// person should know of:
    /// - `<covers>` lists the clauses it exercises, in clause order;
    /// - a core input whose recording enters an extended clause (a situation
    ///   the contract leaves open) is recorded as `profile="extended"`;
    /// - an input expecting fail or incomplete is recorded, from its
    ///   stimuli, as what the system does: `expect="pass"`;
    /// - a recording the model does not accept (another implementation's)
    ///   is said to be so.
    package static func annotate(_ recorded: inout Trace, from input: Trace) -> [String] {
        var notes: [String] = []
        let judged = Validator.judge(recorded)
        if input.header.expect != .pass {
            notes.append("the input expects \(input.header.expect.rawValue); recorded what the system does for its stimuli, "
                         + "as expect=\"pass\" (its other messages and any invalid mark are not kept)")
        }
        let extended = judged.clauses.filter { $0.profile == .extended }
        if recorded.header.profile == .core && !extended.isEmpty {
            recorded.header.profile = .extended
            notes.append("the recorded trace enters " + extended.map { "\($0.id) (\($0.summary))" }.joined(separator: ", ")
                         + ", which the contract leaves unspecified: recorded as profile=\"extended\"")
        }
        let covers = judged.clauses.sorted().map(\.id)
        if Set(covers) != Set(input.header.covers) && !input.header.covers.isEmpty {
            notes.append("<covers> now lists the \(covers.count) clauses the recorded trace exercises (it said: "
                         + input.header.covers.joined(separator: " ") + ")")
        }
        recorded.header.covers = covers
        if judged.outcome != .accepted {
            let place = judged.at.map { " at message \($0)" } ?? ""
            notes.append("the reference model does not accept the recording (\(judged.outcome.rawValue)\(place)): "
                         + "the implementation recorded differs from the model")
        }
        return notes
    }

    /// A line diff of two message lists (compact form), for `record
    /// --update`: `- N: …` for a message only in the old list (its 1-based
    /// place there), `+ N: …` for one only in the new list, in list order,
    /// removals before insertions at the same place. The standard library's
    /// `CollectionDifference` (Myers) keeps this linear in memory for
    /// similar lists.
    package static func diff(old: [Message], new: [Message]) -> [String] {
        let a = old.map(\.description)
        let b = new.map(\.description)
        let difference = b.difference(from: a)
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var lines: [String] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if i < a.count && removed.contains(i) {
                lines.append("- \(i + 1): \(a[i])")
                i += 1
            } else if j < b.count && inserted.contains(j) {
                lines.append("+ \(j + 1): \(b[j])")
                j += 1
            } else {
                i += 1
                j += 1
            }
        }
        return lines
    }
}
