extension Message {
    /// Reads the compact one-line form `from>to type name=value ...`, e.g.
    /// `browser>icm login agent=1001 extension=4001`, checked against the
    /// message table. Handy in tests, tools and the wire adapters' logs.
    public init(compact text: String) throws(MessageFormatError) {
        let words = Values.splitList(text)
        let route = words.first?.split(separator: ">").map(String.init) ?? []
        guard route.count == 2, words.count >= 2 else {
            throw .unknownRole(text, attribute: "from>to")
        }
        var parameters: [(name: String, value: String)] = []
        for word in words.dropFirst(2) {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            parameters.append((parts[0], parts.count > 1 ? parts[1] : ""))
        }
        switch MessageCatalog.check(from: route[0], to: route[1], type: words[1], parameters: parameters) {
        case .success(let message): self = message
        case .failure(let error): throw error
        }
    }

    /// The compact one-line form, parameters in the contract's order.
    public var compact: String {
        ([ "\(from.rawValue)>\(to.rawValue)", type.rawValue ] + orderedParameters.map { "\($0.name)=\($0.value)" })
            .joined(separator: " ")
    }
}
