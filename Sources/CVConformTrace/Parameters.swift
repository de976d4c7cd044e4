/// A message's parameters: a handful of name-value pairs kept sorted by
/// name. Small arrays beat dictionaries here: no hashing on the hot path of
/// reading and judging millions of messages.
public struct Parameters: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public struct Parameter: Hashable, Sendable {
        public var name: String
        public var value: String
    }

    private var items: [Parameter]

    public init(_ pairs: some Sequence<(String, String)>) {
        items = pairs.map { Parameter(name: $0.0, value: $0.1) }
        items.sort { $0.name < $1.name }
    }

    /// Pairs already sorted by name, with no name twice (the catalog checks).
    init(sorted: [Parameter]) {
        items = sorted
    }

    /// Sorts a handful of pairs by name, in place (insertion sort: no
    /// closure, no copy when already in order).
    static func sortByName(_ items: inout [Parameter]) {
        guard items.count > 1 else { return }
        for index in 1..<items.count {
            var position = index
            while position > 0 && items[position].name < items[position - 1].name {
                items.swapAt(position, position - 1)
                position -= 1
            }
        }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public init(_ dictionary: [String: String]) {
        self.init(dictionary.map { ($0.key, $0.value) })
    }

    public subscript(_ name: String) -> String? {
        for item in items where item.name == name { return item.value }
        return nil
    }

    public var count: Int { items.count }
    public var names: [String] { items.map(\.name) }

    public func makeIterator() -> IndexingIterator<[Parameter]> { items.makeIterator() }

    public var description: String { items.map { "\($0.name)=\($0.value)" }.joined(separator: ", ") }
}
