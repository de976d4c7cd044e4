/// Every message type of the contract (section 2). `login-denied` is defined
/// on two channels; a type is always read together with its channel.
public enum MessageType: String, CaseIterable, Hashable, Sendable {
    case login, release, logout
    case sessionRequest = "session-request"
    case answer, hangup
    case logoutFeature = "logout-feature"
    case loginRequest = "login-request"
    case dropRequest = "drop-request"
    case logoutRequest = "logout-request"
    case launch
    case acwOpen = "acw-open"
    case loginFailed = "login-failed"
    case connect, disconnect
    case acwClose = "acw-close"
    case asaiLogin = "asai-login"
    case asaiDrop = "asai-drop"
    case asaiLogout = "asai-logout"
    case loginConfirmed = "login-confirmed"
    case loginDenied = "login-denied"
    case answered, dropped
    case agentLoggedOut = "agent-logged-out"
    case loggedIn = "logged-in"
    case loggedOut = "logged-out"
    case progress, alert, clear

    /// The type's place in allCases: a case-only enum is stored as its
    /// declaration index, so no string is hashed or compared.
    public var ordinal: Int { Int(withUnsafeBytes(of: self) { $0[0] }) }
}

/// What values a parameter may take.
public enum ParameterDomain: Hashable, Sendable {
    /// A non-empty string of ASCII digits: agent ids, extensions, VDNs, skills.
    case digits
    /// A non-empty string without white space: session ids.
    case token
    /// One of a fixed list of words.
    case oneOf([String])

    public func admits(_ value: String) -> Bool {
        switch self {
        case .digits: return Values.isDigits(value)
        case .token: return Values.isToken(value)
        case .oneOf(let words): return words.contains(value)
        }
    }

    public var summary: String {
        switch self {
        case .digits: return "a non-empty string of digits"
        case .token: return "a non-empty string without white space"
        case .oneOf(let words): return "one of " + words.map { "'\($0)'" }.joined(separator: ", ")
        }
    }
}

/// One row of the message table: a type on a channel and its parameters.
public struct MessageDefinition: Hashable, Sendable {
    public let channel: Channel
    public let type: MessageType
    /// The parameters in the contract's order. For `progress` these are the
    /// common ones (`session`, `state`); `progressParameters` adds the rest.
    public let parameters: [String]

    public init(_ from: Role, _ to: Role, _ type: MessageType, _ parameters: [String]) {
        self.channel = Channel(from: from, to: to)
        self.type = type
        self.parameters = parameters
    }
}

/// The message table of the contract and the checks that make a trace
/// malformed when a message breaks it.
public enum MessageCatalog {
    public static let loginCauses = Cause.allCases.map(\.rawValue)
    public static let progressStates = ProgressState.allCases.map(\.rawValue)

    /// The extra parameters of `progress` for each state.
    public static let progressParameters: [String: [String]] = Dictionary(
        uniqueKeysWithValues: ProgressState.allCases.map { ($0.rawValue, $0.extraParameters.map(\.name)) }
    )

    public static let definitions: [MessageDefinition] = [
        .init(.browser, .icm, .login, ["agent", "extension"]),
        .init(.browser, .icm, .release, ["agent", "session", "button"]),
        .init(.browser, .icm, .logout, ["agent"]),
        .init(.customer, .icm, .sessionRequest, ["session", "media", "vdn"]),
        .init(.phone, .ecs, .answer, ["extension"]),
        .init(.phone, .ecs, .hangup, ["extension"]),
        .init(.phone, .ecs, .logoutFeature, ["extension"]),
        .init(.icm, .cvct, .loginRequest, ["agent", "extension"]),
        .init(.icm, .cvct, .dropRequest, ["session", "extension"]),
        .init(.icm, .cvct, .logoutRequest, ["agent", "extension"]),
        .init(.icm, .ecs, .launch, ["session", "vdn", "media"]),
        .init(.icm, .browser, .acwOpen, ["agent"]),
        .init(.icm, .browser, .loginFailed, ["agent", "cause"]),
        .init(.icm, .browser, .connect, ["agent", "session"]),
        .init(.icm, .browser, .disconnect, ["agent", "session", "reason"]),
        .init(.icm, .browser, .acwClose, ["agent"]),
        .init(.cvct, .ecs, .asaiLogin, ["agent", "extension"]),
        .init(.cvct, .ecs, .asaiDrop, ["session", "extension"]),
        .init(.cvct, .ecs, .asaiLogout, ["agent", "extension"]),
        .init(.cvct, .icm, .loginConfirmed, ["agent", "extension"]),
        .init(.cvct, .icm, .loginDenied, ["agent", "extension", "cause"]),
        .init(.cvct, .icm, .answered, ["session", "extension"]),
        .init(.cvct, .icm, .dropped, ["session"]),
        .init(.cvct, .icm, .agentLoggedOut, ["agent", "extension"]),
        .init(.ecs, .cvct, .loggedIn, ["agent", "extension"]),
        .init(.ecs, .cvct, .loginDenied, ["agent", "extension", "cause"]),
        .init(.ecs, .cvct, .loggedOut, ["agent", "extension", "by"]),
        .init(.ecs, .cvct, .progress, ["session", "state"]),
        .init(.ecs, .phone, .alert, ["session", "extension"]),
        .init(.ecs, .phone, .clear, ["session", "extension"]),
    ]

    private struct Key: Hashable {
        let from: Role, to: Role, type: MessageType
    }

    private static let byKey: [Key: MessageDefinition] = Dictionary(
        uniqueKeysWithValues: definitions.map { (Key(from: $0.channel.from, to: $0.channel.to, type: $0.type), $0) }
    )

    /// Every parameter name that any message uses, in alphabetical order.
    public static let allParameterNames: [String] = ParameterName.allCases.map(\.name)

    public static func definition(from: Role, to: Role, type: MessageType) -> MessageDefinition? {
        byKey[Key(from: from, to: to, type: type)]
    }

    /// The values a parameter may take. `by` and `cause` mean the same on
    /// every message that carries them.
    public static func domain(of parameter: String) -> ParameterDomain {
        switch parameter {
        case "agent", "extension", "vdn", "skill": return .digits
        case "session": return .token
        case "media": return .oneOf(Media.allCases.map(\.rawValue))
        case "button": return .oneOf(Button.allCases.map(\.rawValue))
        case "reason": return .oneOf(Reason.allCases.map(\.rawValue))
        case "state": return .oneOf(progressStates)
        case "by": return .oneOf(["phone", "request"])
        case "cause": return .oneOf(loginCauses)
        default: return .token
        }
    }

    /// The full parameter list a message must carry, given its definition and
    /// (for `progress`) its state. Nil when the state itself is not valid.
    public static func requiredParameters(of definition: MessageDefinition, state: String?) -> [String]? {
        guard definition.type == .progress else { return definition.parameters }
        guard let state, let extra = progressParameters[state] else { return nil }
        return definition.parameters + extra
    }

    /// Checks a message's parts against the table; the error says what is wrong
    /// in words a trace author can act on.
    public static func check(
        from: String, to: String, type: String, parameters: [(name: String, value: String)]
    ) -> Result<Message, MessageFormatError> {
        var sorted = parameters.map { Parameters.Parameter(name: $0.name, value: $0.value) }
        Parameters.sortByName(&sorted)
        return check(from: from, to: to, type: type, parameters: sorted)
    }

    /// The same, for parameters already sorted by name.
    static func check(
        from: String, to: String, type: String, parameters sorted: [Parameters.Parameter]
    ) -> Result<Message, MessageFormatError> {
        if let fromRole = Role(rawValue: from), let toRole = Role(rawValue: to), let messageType = MessageType(rawValue: type),
           let message = fastCheck(from: fromRole, to: toRole, type: messageType, sortedParameters: sorted) {
            return .success(message)
        }
        return checkExplaining(from: from, to: to, type: type, sortedParameters: sorted)
    }

    /// One row of the table (one state for `progress`), with its parameter
    /// names sorted and their domains, so a well-formed message is checked in
    /// one pass. Anything that does not fit goes to the explaining path.
    struct Shape: Sendable {
        var from: Role
        var to: Role
        var type: MessageType
        var state: String?
        var names: [String]
        /// `names` as parameters hold them.
        var keys: [Parameters.NameKey]
        var domains: [ParameterDomain]
    }

    /// Shapes by message type (indexed by the type's place in allCases).
    static let shapesByType: [[Shape]] = {
        var shapes = Array(repeating: [Shape](), count: MessageType.allCases.count)
        for definition in definitions {
            let states: [String?] = definition.type == .progress ? progressStates : [nil]
            for state in states {
                guard let required = requiredParameters(of: definition, state: state) else { continue }
                let names = required.sorted()
                shapes[definition.type.ordinal].append(Shape(
                    from: definition.channel.from, to: definition.channel.to, type: definition.type, state: state,
                    names: names, keys: names.map(Parameters.NameKey.init),
                    domains: names.map { $0 == "state" ? .oneOf([state ?? ""]) : domain(of: $0) }
                ))
            }
        }
        return shapes
    }()

    /// The fast path for parameters in any order (a wire line's).
    package static func fastCheck(from: Role, to: Role, type: MessageType, parameters: consuming [Parameters.Parameter]) -> Message? {
        var sorted = parameters
        Parameters.sortByName(&sorted)
        return fastCheck(from: from, to: to, type: type, sortedParameters: sorted)
    }

    /// The fast path for a message whose roles and type are already known
    /// (the reader looks them up without making strings) and whose
    /// parameters are sorted by name; nil when anything does not fit, and
    /// the caller takes the explaining path.
    package static func fastCheck(from: Role, to: Role, type: MessageType, sortedParameters sorted: [Parameters.Parameter]) -> Message? {
        for shape in shapesByType[type.ordinal] where shape.from == from && shape.to == to {
            guard sorted.count == shape.names.count else { continue }
            var fits = true
            for index in sorted.indices where sorted[index].key != shape.keys[index] || !shape.domains[index].admits(sorted[index].value) {
                fits = false
                break
            }
            if fits { return Message(from: shape.from, to: shape.to, type: shape.type, parameters: Parameters(sorted: sorted)) }
        }
        return nil
    }

    /// The slow path: finds what is wrong and says it. Linear in the number
    /// of parameters, however many a hostile message has.
    private static func checkExplaining(
        from: String, to: String, type: String, sortedParameters sorted: [Parameters.Parameter]
    ) -> Result<Message, MessageFormatError> {
        guard let fromRole = Role(rawValue: from) else {
            return .failure(.unknownRole(from, attribute: "from"))
        }
        guard let toRole = Role(rawValue: to) else {
            return .failure(.unknownRole(to, attribute: "to"))
        }
        guard let messageType = MessageType(rawValue: type),
              let definition = definition(from: fromRole, to: toRole, type: messageType)
        else {
            return .failure(.undefinedType(type, channel: Channel(from: fromRole, to: toRole)))
        }
        let values = Parameters(sorted: sorted)
        let state = values[.state]
        if messageType == .progress, let state, !domain(of: "state").admits(state) {
            return .failure(.badValue(parameter: "state", value: state, domain: domain(of: "state")))
        }
        // Without a valid state, progress is judged on its common parameters.
        let required = requiredParameters(of: definition, state: state) ?? definition.parameters
        let missing = required.filter { values[$0] == nil }
        let requiredNames = Set(required)
        let unexpected = sorted.lazy.map(\.name).filter { !requiredNames.contains($0) }
        // A misspelled name is both: say so, naming the one it resembles.
        if !missing.isEmpty {
            for name in unexpected {
                if let meant = Spelling.suggestion(for: name, among: missing) {
                    return .failure(.misspelledParameter(name, type: type, suggestion: meant))
                }
            }
        }
        if missing.count > 1 {
            return .failure(.missingParameters(missing, type: type))
        }
        if let name = missing.first {
            return .failure(.missingParameter(name, type: type))
        }
        if let extra = unexpected.first {
            return .failure(.unexpectedParameter(extra, type: type, expected: required))
        }
        if values.count != required.count {
            // A name twice (JSON can say that; XML cannot).
            let twice = zip(sorted, sorted.dropFirst()).first { $0.name == $1.name }?.0.name ?? "?"
            return .failure(.unexpectedParameter(twice, type: type, expected: required))
        }
        for name in required {
            let value = values[name] ?? ""
            let domain = domain(of: name)
            if !domain.admits(value) {
                return .failure(.badValue(parameter: name, value: value, domain: domain))
            }
        }
        return .success(Message(from: fromRole, to: toRole, type: messageType, parameters: values))
    }
}

/// Why a message breaks the message table.
public enum MessageFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownRole(String, attribute: String)
    case undefinedType(String, channel: Channel)
    case missingParameter(String, type: String)
    /// Several parameters missing: all of them are named.
    case missingParameters([String], type: String)
    case unexpectedParameter(String, type: String, expected: [String])
    /// An unexpected parameter whose name is close to a missing one.
    case misspelledParameter(String, type: String, suggestion: String)
    case badValue(parameter: String, value: String, domain: ParameterDomain)

    public var description: String {
        switch self {
        case .unknownRole(let role, let attribute):
            return "unknown role \(Self.quoted(role)) in '\(attribute)' (roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .undefinedType(let type, let channel):
            let known = MessageCatalog.definitions.filter { $0.channel == channel }.map(\.type.rawValue)
            let hint = known.isEmpty ? "no message is defined on that channel" : "defined there: \(known.joined(separator: ", "))"
            return "no message type \(Self.quoted(type)) is defined from \(channel.from.rawValue) to \(channel.to.rawValue) (\(hint))"
        case .missingParameter(let name, let type):
            return "message '\(type)' lacks parameter '\(name)'"
        case .missingParameters(let names, let type):
            let quoted = names.map { "'\($0)'" }
            return "message '\(type)' lacks parameters " + quoted.dropLast().joined(separator: ", ") + " and " + (quoted.last ?? "")
        case .unexpectedParameter(let name, let type, let expected):
            return "message '\(type)' has unexpected parameter \(Self.quoted(name)) (its parameters: \(expected.joined(separator: ", ")))"
        case .misspelledParameter(let name, let type, let suggestion):
            return "message '\(type)' has unexpected parameter \(Self.quoted(name)) (did you mean '\(suggestion)'?)"
        case .badValue(let parameter, let value, let domain):
            return "parameter '\(parameter)' is \(Self.quoted(value)), but must be \(domain.summary)"
        }
    }

    /// The attribute of a `<msg>` the problem is about, if one is.
    var attribute: String? {
        switch self {
        case .unknownRole(_, let attribute): return attribute
        case .undefinedType: return "type"
        case .missingParameter, .missingParameters: return nil
        case .unexpectedParameter(let name, _, _), .misspelledParameter(let name, _, _): return name
        case .badValue(let name, _, _): return name
        }
    }

    /// A value between quotes, cut short when it is long: a hostile value
    /// must not make the message huge.
    static func quoted(_ value: String) -> String {
        let limit = 60
        guard value.utf8.count > limit else { return "'\(value)'" }
        return "'\(value.prefix(limit))…' (\(Values.characterCount(value)) characters)"
    }
}
