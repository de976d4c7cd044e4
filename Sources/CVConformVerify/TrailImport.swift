import CVConformModel
import CVConformTrace

/// Why a SPIN trail could not be read back.
package struct TrailImportError: Error, CustomStringConvertible, Sendable {
    package var description: String
}

extension ModelChecker {
    /// Converts what `spin -t` prints for a trail of the Promela export
    /// (`--promela`) back into a trace: each `STIMULUS n` line names the
    /// n-th stimulus of verify's alphabet for the same universe and
    /// profile. The stimuli are replayed on the reference model, and the
    /// trace names the first invariant the final state breaks.
    package static func importTrail(_ text: String, file: String, options: VerifyOptions) throws -> Counterexample {
        let record = SearchRecord(options: VerifyOptions(universe: options.universe, profile: options.profile))
        var stimuli: [UInt16] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let at = words.firstIndex(of: "STIMULUS") else { continue }
            guard at + 1 < words.count, let index = UInt16(words[at + 1]), Int(index) < record.alphabet.stimuli.count else {
                throw TrailImportError(description: "\(file):\(number + 1): \(words.joined(separator: " ")) "
                                       + "is not a stimulus of this universe (\(options.universe), profile \(options.profile.rawValue)); "
                                       + "give verify the sizes and profile the Promela model was written with")
            }
            stimuli.append(index)
        }
        guard !stimuli.isEmpty else {
            throw TrailImportError(description: "\(file): no STIMULUS lines; give the output of `spin -t MODEL.pml` for a model written by "
                                   + "cvconform verify --promela")
        }
        var system = ReferenceSystem(administration: record.administration)
        var writer = CounterexampleWriter(start: system, record: record)
        for index in stimuli {
            writer.take(.stimulus(index))
            _ = system.propagate(record.alphabet.stimuli[Int(index)])
            system.normalizeSwitch()
        }
        guard let broken = Invariant.allCases.first(where: { !$0.holds(in: system, administration: record.administration) }) else {
            throw TrailImportError(description: "\(file): the \(stimuli.count) stimuli of the trail break no invariant in cvconform's model")
        }
        return writer.counterexample(broken, writer.explain(broken) + " Imported from SPIN's trail \(file).")
    }
}
