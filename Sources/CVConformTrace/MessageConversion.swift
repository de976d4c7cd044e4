/// Checks a `<msg>` against the message table (contract section 2) and makes
/// its entry. A pure function of its input: it may run on any thread.
enum MessageConversion {
    /// `describing` is asked only for a refused message: false when its
    /// problem will only be counted (the list is full of earlier ones), and
    /// its words are then not made.
    static func entry(from raw: RawMessage, file: String, describing: @autoclosure () -> Bool = true) -> Result<TraceEntry, TraceProblem> {
        var parameters = raw.parameters
        Parameters.sortByName(&parameters)
        let location = SourceLocation(file: file, line: raw.line, column: 0)
        if let fromRole = raw.known.from, let toRole = raw.known.to, let messageType = raw.known.type,
           let message = MessageCatalog.fastCheck(from: fromRole, to: toRole, type: messageType, sortedParameters: parameters) {
            return .success(TraceEntry(message: message, invalid: raw.invalid, location: location))
        }
        let from = raw.routing?.from ?? raw.known.from?.rawValue ?? ""
        let to = raw.routing?.to ?? raw.known.to?.rawValue ?? ""
        let type = raw.routing?.type ?? raw.known.type?.rawValue ?? ""
        switch MessageCatalog.check(from: from, to: to, type: type, parameters: parameters) {
        case .success(let message):
            return .success(TraceEntry(message: message, invalid: raw.invalid, location: location))
        case .failure(let problem):
            let place = TraceProblem.Place.element(ordinal: raw.ordinal, line: raw.line, attribute: problem.attribute)
            return .failure(TraceProblem(at: place, order: raw.order, describing() ? "message \(raw.position): \(problem)" : ""))
        }
    }
}
