import CVConformTrace

/// Messages that several test targets read and write.
public enum MessageSamples {
    /// One message of every row of the table (every state of progress).
    public static let everyRow: [Message] = MessageCatalog.definitions.flatMap { definition -> [Message] in
        let states: [String?] = definition.type == .progress ? MessageCatalog.progressStates : [nil]
        return states.compactMap { state in
            guard let names = MessageCatalog.requiredParameters(of: definition, state: state) else { return nil }
            let pairs = names.map { name -> (String, String) in
                switch MessageCatalog.domain(of: name) {
                case .digits: return (name, "1001")
                case .token: return (name, "s-1")
                case .oneOf(let words): return (name, name == "state" ? state ?? "" : words.last ?? "")
                }
            }
            return Message(from: definition.channel.from, to: definition.channel.to, type: definition.type,
                           parameters: Parameters(pairs))
        }
    }
}

/// The administration the model's and the mutants' unit tests share: four
/// agents (one of them `0101`, distinct from `101`), four stations, three VDNs.
public let sampleAdministration = Administration(
    agents: [
        .init(id: "1001", skills: ["10", "20"]),
        .init(id: "1002", skills: ["10"]),
        .init(id: "1003", skills: ["30"]),
        .init(id: "0101", skills: ["10"]),
    ],
    stations: ["4001", "4002", "4003", "4004"],
    vdns: [.init(number: "5000", skill: "10"), .init(number: "5001", skill: "20"), .init(number: "5003", skill: "30")]
)

/// A message from its compact form (`browser>icm login agent=1001
/// extension=4001`), for tests that spell many.
public func m(_ text: String) -> Message { try! Message(compact: text) }
