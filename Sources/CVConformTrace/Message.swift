/// One message of a trace or of a running system: a type on a channel with
/// its parameters (all strings, compared exactly).
public struct Message: Hashable, Sendable, CustomStringConvertible {
    public let from: Role
    public let to: Role
    public let type: MessageType
    public let parameters: Parameters

    /// Builds a message without checking it against the table; use
    /// `MessageCatalog.check` for input from outside.
    public init(from: Role, to: Role, type: MessageType, parameters: Parameters) {
        self.from = from
        self.to = to
        self.type = type
        self.parameters = parameters
    }

    public var channel: Channel { Channel(from: from, to: to) }

    /// A parameter's value, or "" when the message does not carry it (checked
    /// messages always carry every parameter of their type).
    public subscript(_ name: String) -> String { parameters[name] ?? "" }

    /// The same, found without comparing a string.
    public subscript(_ name: ParameterName) -> String { parameters[name] ?? "" }

    /// The parameters in the contract's order, for output that people read.
    public var orderedParameters: [(name: String, value: String)] {
        let names: [String]
        if let definition = MessageCatalog.definition(from: from, to: to, type: type),
           let required = MessageCatalog.requiredParameters(of: definition, state: parameters[.state]) {
            names = required + parameters.names.filter { !required.contains($0) }
        } else {
            names = parameters.names
        }
        return names.compactMap { name in parameters[name].map { (name, $0) } }
    }

    /// `cvct→icm dropped(session=s1)`
    public var description: String {
        let arguments = orderedParameters.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
        return "\(channel) \(type.rawValue)(\(arguments))"
    }
}
