/// A message's parameters: a handful of name-value pairs kept sorted by
/// name. Small arrays beat dictionaries here: no hashing on the hot path of
/// reading and judging millions of messages.
public struct Parameters: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public struct Parameter: Hashable, Sendable {
        /// The name: one of the table's as its code, so that making, copying
        /// and comparing a message's parameters touches no name's string
        /// (their reference counts were a third of making a log's
        /// message), any other as text.
        package var key: NameKey
        public var value: String

        /// The name as written.
        public var name: String {
            get { key.name }
            set { key = NameKey(newValue) }
        }

        package init(name: String, value: String) {
            key = NameKey(name)
            self.value = value
        }

        package init(_ name: ParameterName, _ value: String) {
            key = .known(name)
            self.value = value
        }

        package init(key: NameKey, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// A parameter's name: a name of the table, or any other text (input
    /// that breaks the table, a shrinker's or mutant's renaming). Every
    /// name of the table is `known`, so two keys are equal exactly when
    /// their names are.
    package enum NameKey: Hashable, Sendable, Comparable {
        case known(ParameterName)
        /// Boxed: the key then takes one word, and a known one copies
        /// without a reference count.
        case other(OtherName)

        package init(_ name: String) {
            if let known = ParameterName(name) { self = .known(known) } else { self = .other(OtherName(name)) }
        }

        package var name: String {
            switch self {
            case .known(let known): known.name
            case .other(let other): other.text
            }
        }

        @inline(__always)
        package func isKnown(_ name: ParameterName) -> Bool {
            if case .known(let known) = self { return known == name }
            return false
        }

        package static func == (lhs: NameKey, rhs: NameKey) -> Bool {
            switch (lhs, rhs) {
            case (.known(let left), .known(let right)): left == right
            case (.other(let left), .other(let right)): left.text == right.text
            default: false
            }
        }

        package func hash(into hasher: inout Hasher) {
            switch self {
            case .known(let known): hasher.combine(known.rawValue)
            case .other(let other): hasher.combine(other.text)
            }
        }

        /// By name as strings (the table's codes are in that order).
        package static func < (lhs: NameKey, rhs: NameKey) -> Bool {
            if case .known(let left) = lhs, case .known(let right) = rhs { return left < right }
            return lhs.name < rhs.name
        }
    }

    /// A name outside the table, boxed (see `NameKey.other`).
    package final class OtherName: Sendable {
        package let text: String

        init(_ text: String) { self.text = text }
    }

    private var items: [Parameter]

    public init(_ pairs: some Sequence<(String, String)>) {
        items = pairs.map { Parameter(name: $0.0, value: $0.1) }
        Self.sortByName(&items)
    }

    /// Pairs already sorted by name, with no name twice (the catalog checks).
    init(sorted: [Parameter]) {
        items = sorted
    }

    /// Sorts pairs by name, in place: a handful by insertion (no closure, no
    /// copy when already in order), more with the standard O(n log n) sort,
    /// since a hostile message can carry tens of thousands.
    static func sortByName(_ items: inout [Parameter]) {
        guard items.count > 1 else { return }
        guard items.count <= smallCount else {
            items.sort { $0.key < $1.key }
            return
        }
        for index in 1..<items.count {
            var position = index
            while position > 0 && items[position].key < items[position - 1].key {
                items.swapAt(position, position - 1)
                position -= 1
            }
        }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        // The model builds every message it owes this way: no generic
        // sequence, no closure.
        var items: [Parameter] = []
        items.reserveCapacity(elements.count)
        for (name, value) in elements { items.append(Parameter(name: name, value: value)) }
        Self.sortByName(&items)
        self.items = items
    }

    /// The model's own messages, their names given in sorted order: no
    /// array of pairs to build and take apart, nothing to sort. Debug builds
    /// check the order.
    package init(_ name: ParameterName, _ value: String) {
        items = [Parameter(name, value)]
    }

    package init(_ name1: ParameterName, _ value1: String, _ name2: ParameterName, _ value2: String) {
        assert(name1 < name2, "names out of order")
        items = [Parameter(name1, value1), Parameter(name2, value2)]
    }

    package init(_ name1: ParameterName, _ value1: String, _ name2: ParameterName, _ value2: String,
                 _ name3: ParameterName, _ value3: String) {
        assert(name1 < name2 && name2 < name3, "names out of order")
        items = [Parameter(name1, value1), Parameter(name2, value2),
                 Parameter(name3, value3)]
    }

    package init(
        _ name1: ParameterName, _ value1: String, _ name2: ParameterName, _ value2: String,
        _ name3: ParameterName, _ value3: String, _ name4: ParameterName, _ value4: String
    ) {
        assert(name1 < name2 && name2 < name3 && name3 < name4, "names out of order")
        items = [Parameter(name1, value1), Parameter(name2, value2),
                 Parameter(name3, value3), Parameter(name4, value4)]
    }

    /// Makes these `count` new parameters, already sorted by name, in the
    /// storage these had when nothing else holds it: check-log reads each
    /// message of a log into the same one, so judging one allocates nothing.
    package mutating func refill(sortedCount count: Int, _ parameter: (Int) -> Parameter) {
        // Room for the table's most at once, made first: storage made
        // again for another message (`Reaction.recycle`) then never grows,
        // and storage another message holds is copied once, not twice.
        if count > items.count { items.reserveCapacity(Swift.max(count, MessageCatalog.mostParameters)) }
        // The items there are overwritten in place: emptying the list
        // first went through the generic `replaceSubrange`, a tenth of
        // making a log's message.
        let overwritten = Swift.min(count, items.count)
        items.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<overwritten { buffer[index] = parameter(index) }
        }
        // One at a time: `removeLast(_:)` takes the generic way too.
        while items.count > count { items.removeLast() }
        for index in overwritten..<count { items.append(parameter(index)) }
    }

    /// Makes a copy of `other`'s parameters in this storage.
    package mutating func refill(copying other: Parameters) {
        refill(sortedCount: other.items.count) { other.items[$0] }
    }

    // The model's own messages made again in this storage (see the
    // initializers above: names in sorted order, checked in debug builds).

    package mutating func refill(_ name: ParameterName, _ value: String) {
        refill(sortedCount: 1) { _ in Parameter(name, value) }
    }

    package mutating func refill(_ name1: ParameterName, _ value1: String, _ name2: ParameterName, _ value2: String) {
        assert(name1 < name2, "names out of order")
        refill(sortedCount: 2) { $0 == 0 ? Parameter(name1, value1) : Parameter(name2, value2) }
    }

    package mutating func refill(_ name1: ParameterName, _ value1: String, _ name2: ParameterName, _ value2: String,
                                 _ name3: ParameterName, _ value3: String) {
        assert(name1 < name2 && name2 < name3, "names out of order")
        refill(sortedCount: 3) { index in
            switch index {
            case 0: Parameter(name1, value1)
            case 1: Parameter(name2, value2)
            default: Parameter(name3, value3)
            }
        }
    }

    package mutating func refill(
        _ name1: ParameterName, _ value1: String, _ name2: ParameterName, _ value2: String,
        _ name3: ParameterName, _ value3: String, _ name4: ParameterName, _ value4: String
    ) {
        assert(name1 < name2 && name2 < name3 && name3 < name4, "names out of order")
        refill(sortedCount: 4) { index in
            switch index {
            case 0: Parameter(name1, value1)
            case 1: Parameter(name2, value2)
            case 2: Parameter(name3, value3)
            default: Parameter(name4, value4)
            }
        }
    }

    /// Whether these are, byte for byte, the parameters `names` and
    /// `values` give in sorted order (a row of the table): compared, not
    /// made.
    package func sameBytes(names: UnsafeBufferPointer<ParameterName>, values: UnsafeBufferPointer<String>) -> Bool {
        guard items.count == names.count else { return false }
        var index = 0
        while index < names.count {
            guard items[index].key.isKnown(names[index]), Values.sameBytes(items[index].value, values[index]) else { return false }
            index += 1
        }
        return true
    }

    public init(_ dictionary: [String: String]) {
        self.init(dictionary.map { ($0.key, $0.value) })
    }

    /// Up to this many items, a straight look beats a binary search.
    private static let smallCount = 8

    public subscript(_ name: String) -> String? {
        if let known = ParameterName(name) { return self[known] }
        return value(of: .other(OtherName(name)))
    }

    /// A parameter's value, by the table's name: no string compared.
    public subscript(_ name: ParameterName) -> String? {
        guard items.count > Self.smallCount else {
            // A plain loop: an iterator is generic code, slow in the debug
            // builds the tests run.
            var index = 0
            while index < items.count {
                if items[index].key.isKnown(name) { return items[index].value }
                index += 1
            }
            return nil
        }
        return value(of: .known(name))
    }

    /// The value under `key`: a straight look among a few, else by halves
    /// (the items are sorted).
    private func value(of key: NameKey) -> String? {
        guard items.count > Self.smallCount else {
            // Lengths too, as a straight look always compared them: two
            // names only canonically equal (`String`'s `==`) differ there.
            let length = key.name.utf8.count
            var index = 0
            while index < items.count {
                if items[index].key == key && items[index].name.utf8.count == length { return items[index].value }
                index += 1
            }
            return nil
        }
        var low = 0, high = items.count
        while low < high {
            let middle = (low + high) / 2
            if items[middle].key < key { low = middle + 1 } else { high = middle }
        }
        return low < items.count && items[low].key == key ? items[low].value : nil
    }

    public var count: Int { items.count }
    public var names: [String] { items.map(\.name) }

    public func makeIterator() -> IndexingIterator<[Parameter]> { items.makeIterator() }

    public var description: String { items.map { "\($0.name)=\($0.value)" }.joined(separator: ", ") }
}
