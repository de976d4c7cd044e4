/// The table's fast path for a wire line read straight from its bytes:
/// parameter names as their place in `allParameterNames`, values as bytes,
/// so that nothing but the values becomes a string, and no string is
/// compared or sorted. Judges exactly as `fastCheck(from:to:type:parameters:)`
/// does; anything that does not fit returns nil, and the caller takes the
/// general path, which says what is wrong.
extension MessageCatalog {
    /// One parameter as a reader finds it in a line.
    package struct RawParameter {
        /// The name's place in `allParameterNames`.
        package var name: Int
        /// The value's bytes: printable ASCII without escapes, as the
        /// reader checked.
        package var value: UnsafeBufferPointer<UInt8>

        package init(name: Int, value: UnsafeBufferPointer<UInt8>) {
            self.name = name
            self.value = value
        }
    }

    /// The place in `allParameterNames` of the name these bytes are.
    package static func parameterIndex(utf8 text: UnsafeBufferPointer<UInt8>) -> Int? {
        WordIndex.parameterNames.index(of: text)
    }

    /// Each name's rank in the names sorted as strings, so that sorting
    /// ranks orders parameters as `Parameters` keeps them.
    private static let nameRank: [Int] = {
        let sorted = allParameterNames.sorted()
        return allParameterNames.map { name in sorted.firstIndex(of: name) ?? 0 }
    }()

    /// A value's domain, over bytes of printable ASCII.
    private enum RawDomain {
        case digits, token
        case oneOf([[UInt8]])

        init(_ domain: ParameterDomain) {
            switch domain {
            case .digits: self = .digits
            case .token: self = .token
            case .oneOf(let words): self = .oneOf(words.map { Array($0.utf8) })
            }
        }

        func admits(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
            guard !value.isEmpty else { return false }
            switch self {
            case .digits:
                return Values.allDigits(value)
            case .token:
                // Printable ASCII: a space is its only white space.
                for byte in value where byte == 0x20 { return false }
                return true
            case .oneOf(let words):
                return words.contains { $0.elementsEqual(value) }
            }
        }
    }

    /// One row of the table (one state for `progress`) by name places,
    /// sorted by rank.
    private struct RawShape {
        var from: Role
        var to: Role
        var type: MessageType
        var names: [Int]
        var domains: [RawDomain]
    }

    /// `shapesByType`, by name places.
    private static let rawShapesByType: [[RawShape]] = shapesByType.map { shapes in
        shapes.map { shape in
            RawShape(from: shape.from, to: shape.to, type: shape.type,
                     names: shape.names.map { allParameterNames.firstIndex(of: $0) ?? -1 },
                     domains: shape.domains.map(RawDomain.init))
        }
    }

    /// The message, when the parameters fit a row of the table; nil when
    /// anything does not. Sorts `parameters` by name, in place.
    package static func fastCheck(
        from: Role, to: Role, type: MessageType, raw parameters: UnsafeMutableBufferPointer<RawParameter>
    ) -> Message? {
        let rank = nameRank
        // A handful at most: insertion sort.
        if parameters.count > 1 {
            for index in 1..<parameters.count {
                var position = index
                while position > 0 && rank[parameters[position].name] < rank[parameters[position - 1].name] {
                    parameters.swapAt(position, position - 1)
                    position -= 1
                }
            }
        }
        shapes: for shape in rawShapesByType[type.ordinal] where shape.from == from && shape.to == to {
            guard parameters.count == shape.names.count else { continue }
            for index in parameters.indices
            where parameters[index].name != shape.names[index] || !shape.domains[index].admits(parameters[index].value) {
                continue shapes
            }
            var items: [Parameters.Parameter] = []
            items.reserveCapacity(parameters.count)
            for parameter in parameters {
                items.append(Parameters.Parameter(
                    name: allParameterNames[parameter.name], value: String(decoding: parameter.value, as: UTF8.self)
                ))
            }
            return Message(from: shape.from, to: shape.to, type: shape.type, parameters: Parameters(sorted: items))
        }
        return nil
    }
}
