/// The table's fast path for a wire line read straight from its bytes:
/// parameter names as their place in `allParameterNames`, values as bytes,
/// so that nothing but the values becomes a string, and no string is
/// compared or sorted. `fastRow` finds the row the parameters fit and
/// `message(row:value:)` builds the message, possibly later and on another
/// thread (check-log packs a line's row and values' strings). Together they
/// judge exactly as `fastCheck(from:to:type:parameters:)` does; anything
/// that does not fit returns nil, and the caller takes the general path,
/// which says what is wrong.
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

    /// The table by name places, flat, made once: a row, a name place and a
    /// domain are plain values, so no line retains or releases anything.
    private final class RawTable: Sendable {
        /// One row of the table (one state for `progress`): its roles and
        /// type, and where its parameters lie in `names` and `domains`,
        /// sorted by rank.
        struct Row: Sendable {
            let from: Role, to: Role, type: MessageType
            let first: Int, count: Int
        }

        /// A value's domain over bytes of printable ASCII; the words of
        /// `oneOf` are places in `domainWords`.
        enum Domain: Sendable {
            case digits, token
            case oneOf(words: Range<Int>)
        }

        let rows: [Row]
        /// The rows of each type, by the type's ordinal.
        let rowsByType: [Range<Int>]
        let names: [Int]
        let domains: [Domain]
        /// Every word of a `oneOf` domain, each once, found by its bytes.
        let words: WordIndex
        /// Each `oneOf` domain's words, as their places in `words`.
        let domainWords: [Int]
        /// Each name's rank in the names sorted as strings, so that sorting
        /// ranks orders parameters as `Parameters` keeps them.
        let nameRank: [Int]
        /// Each name place's parameter name (`allParameterNames` is in the
        /// order of `ParameterName`'s cases).
        let parameterNames = ParameterName.cases

        init() {
            var rows: [Row] = [], rowsByType: [Range<Int>] = [], names: [Int] = [], domains: [Domain] = []
            var uniqueWords: [String] = [], domainWords: [Int] = []
            for shapes in shapesByType {
                let firstRow = rows.count
                for shape in shapes {
                    rows.append(Row(from: shape.from, to: shape.to, type: shape.type, first: names.count, count: shape.names.count))
                    names += shape.names.map { allParameterNames.firstIndex(of: $0) ?? -1 }
                    for domain in shape.domains {
                        switch domain {
                        case .digits: domains.append(.digits)
                        case .token: domains.append(.token)
                        case .oneOf(let words):
                            let firstWord = domainWords.count
                            for word in words {
                                if let place = uniqueWords.firstIndex(of: word) {
                                    domainWords.append(place)
                                } else {
                                    domainWords.append(uniqueWords.count)
                                    uniqueWords.append(word)
                                }
                            }
                            domains.append(.oneOf(words: firstWord..<domainWords.count))
                        }
                    }
                }
                rowsByType.append(firstRow..<rows.count)
            }
            self.rows = rows
            self.rowsByType = rowsByType
            self.names = names
            self.domains = domains
            self.words = WordIndex(uniqueWords)
            self.domainWords = domainWords
            let sorted = allParameterNames.sorted()
            nameRank = allParameterNames.map { name in sorted.firstIndex(of: name) ?? 0 }
        }

        func admits(_ domain: Domain, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
            guard !value.isEmpty else { return false }
            switch domain {
            case .digits:
                return Values.allDigits(value)
            case .token:
                // Printable ASCII: a space is its only white space.
                for byte in value where byte == 0x20 { return false }
                return true
            case .oneOf(let places):
                guard let word = words.index(of: value) else { return false }
                return domainWords[places].contains(word)
            }
        }

        static let shared = RawTable()
    }

    /// The row of the table the parameters fit (an opaque number for
    /// `message(row:value:)`), or nil when they fit none. Sorts
    /// `parameters` by name, in place: the row's parameters are in that
    /// order.
    package static func fastRow(
        from: Role, to: Role, type: MessageType, raw parameters: UnsafeMutableBufferPointer<RawParameter>
    ) -> Int? {
        let table = RawTable.shared
        // A handful at most: insertion sort.
        if parameters.count > 1 {
            for index in 1..<parameters.count {
                var position = index
                while position > 0 && table.nameRank[parameters[position].name] < table.nameRank[parameters[position - 1].name] {
                    parameters.swapAt(position, position - 1)
                    position -= 1
                }
            }
        }
        rows: for rowIndex in table.rowsByType[type.ordinal] {
            let row = table.rows[rowIndex]
            guard row.from == from, row.to == to, parameters.count == row.count else { continue }
            for index in parameters.indices
            where parameters[index].name != table.names[row.first + index]
                || !table.admits(table.domains[row.first + index], parameters[index].value) {
                continue rows
            }
            return rowIndex
        }
        return nil
    }

    /// The message of a row `fastRow` found, its parameters' values given
    /// by their place in the row (the sorted order).
    package static func message(row rowIndex: Int, value: (Int) -> String) -> Message {
        var storage: Parameters = [:]
        return message(row: rowIndex, in: &storage, value: value)
    }

    /// The same, its parameters made in `storage` (see `Parameters.refill`).
    package static func message(row rowIndex: Int, in storage: inout Parameters, value: (Int) -> String) -> Message {
        let table = RawTable.shared
        let row = table.rows[rowIndex]
        storage.refill(sortedCount: row.count) { index in
            Parameters.Parameter(table.parameterNames[table.names[row.first + index]], value(index))
        }
        return Message(from: row.from, to: row.to, type: row.type, parameters: storage)
    }

    /// A row of the table as a judge compares a line of it with a message
    /// without making it: its roles and type, where its parameters' names
    /// lie in `rowParameterNames`, and the place of its `session` among
    /// them (-1: none).
    package struct RowShape: Sendable {
        package let from: Role, to: Role, type: MessageType
        package let first: Int, count: Int
        package let sessionPlace: Int
    }

    /// Every row's shape, by row.
    package static let rowShapes: [RowShape] = RawTable.shared.rows.indices.map { index in
        let table = RawTable.shared
        let row = table.rows[index]
        let session = (0..<row.count).first { table.parameterNames[table.names[row.first + $0]] == .session } ?? -1
        return RowShape(from: row.from, to: row.to, type: row.type, first: row.first, count: row.count, sessionPlace: session)
    }

    /// The rows' parameters' names end to end, in each row's (sorted) order.
    package static let rowParameterNames: [ParameterName] = RawTable.shared.names.map { RawTable.shared.parameterNames[$0] }

    /// The names of a row's parameters, in the row's (sorted) order.
    package static func parameterNames(row rowIndex: Int) -> [String] {
        let table = RawTable.shared
        let row = table.rows[rowIndex]
        return (0..<row.count).map { table.parameterNames[table.names[row.first + $0]].name }
    }

    /// The most parameters a message of the table has: readers and
    /// storage made for one message hold this many.
    package static var mostParameters: Int { 4 }

    /// How many rows the table has (`fastRow` answers below this).
    package static var rowCount: Int { RawTable.shared.rows.count }
}
