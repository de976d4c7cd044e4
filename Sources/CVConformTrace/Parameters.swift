/// A message's parameters: a handful of name-value pairs kept sorted by
/// name. Small arrays beat dictionaries here: no hashing on the hot path of
/// reading and judging millions of messages.
public struct Parameters: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public struct Parameter: Hashable, Sendable {
        public var name: String
        public var value: String

        package init(name: String, value: String) {
            self.name = name
            self.value = value
        }
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
            items.sort { $0.name < $1.name }
            return
        }
        for index in 1..<items.count {
            var position = index
            while position > 0 && items[position].name < items[position - 1].name {
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
        items = [Parameter(name: name.name, value: value)]
    }

    package init(_ name1: ParameterName, _ value1: String, _ name2: ParameterName, _ value2: String) {
        assert(name1 < name2, "names out of order")
        items = [Parameter(name: name1.name, value: value1), Parameter(name: name2.name, value: value2)]
    }

    package init(_ name1: ParameterName, _ value1: String, _ name2: ParameterName, _ value2: String,
                 _ name3: ParameterName, _ value3: String) {
        assert(name1 < name2 && name2 < name3, "names out of order")
        items = [Parameter(name: name1.name, value: value1), Parameter(name: name2.name, value: value2),
                 Parameter(name: name3.name, value: value3)]
    }

    package init(
        _ name1: ParameterName, _ value1: String, _ name2: ParameterName, _ value2: String,
        _ name3: ParameterName, _ value3: String, _ name4: ParameterName, _ value4: String
    ) {
        assert(name1 < name2 && name2 < name3 && name3 < name4, "names out of order")
        items = [Parameter(name: name1.name, value: value1), Parameter(name: name2.name, value: value2),
                 Parameter(name: name3.name, value: value3), Parameter(name: name4.name, value: value4)]
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
        refill(sortedCount: 1) { _ in Parameter(name: name.name, value: value) }
    }

    package mutating func refill(_ name1: ParameterName, _ value1: String, _ name2: ParameterName, _ value2: String) {
        assert(name1 < name2, "names out of order")
        refill(sortedCount: 2) { $0 == 0 ? Parameter(name: name1.name, value: value1) : Parameter(name: name2.name, value: value2) }
    }

    package mutating func refill(_ name1: ParameterName, _ value1: String, _ name2: ParameterName, _ value2: String,
                                 _ name3: ParameterName, _ value3: String) {
        assert(name1 < name2 && name2 < name3, "names out of order")
        refill(sortedCount: 3) { index in
            switch index {
            case 0: Parameter(name: name1.name, value: value1)
            case 1: Parameter(name: name2.name, value: value2)
            default: Parameter(name: name3.name, value: value3)
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
            case 0: Parameter(name: name1.name, value: value1)
            case 1: Parameter(name: name2.name, value: value2)
            case 2: Parameter(name: name3.name, value: value3)
            default: Parameter(name: name4.name, value: value4)
            }
        }
    }

    public init(_ dictionary: [String: String]) {
        self.init(dictionary.map { ($0.key, $0.value) })
    }

    /// Up to this many items, a straight look beats a binary search.
    private static let smallCount = 8

    public subscript(_ name: String) -> String? {
        guard items.count > Self.smallCount else {
            // Lengths first: comparing two different strings is a call into
            // the runtime, and most names differ in length.
            // A plain loop: an iterator is generic code, slow in the debug
            // builds the tests run.
            let length = name.utf8.count
            var index = 0
            while index < items.count {
                if items[index].name.utf8.count == length && items[index].name == name { return items[index].value }
                index += 1
            }
            return nil
        }
        // Sorted by name: search by halves.
        var low = 0, high = items.count
        while low < high {
            let middle = (low + high) / 2
            if items[middle].name < name { low = middle + 1 } else { high = middle }
        }
        return low < items.count && items[low].name == name ? items[low].value : nil
    }

    /// A parameter's value, by the table's name.
    public subscript(_ name: ParameterName) -> String? { self[name.name] }

    public var count: Int { items.count }
    public var names: [String] { items.map(\.name) }

    public func makeIterator() -> IndexingIterator<[Parameter]> { items.makeIterator() }

    public var description: String { items.map { "\($0.name)=\($0.value)" }.joined(separator: ", ") }
}
