/// Dense numbers for the ids of one kind (agents, stations, skills, VDNs),
/// so the role machines keep their state in arrays indexed by number and
/// look an id up once per message, not once per table. The administered ids
/// are numbered when a machine is made, in the administration's order;
/// an id nobody administered gets the next number when it first enters a
/// machine's state (only a mutant's message or a racing one does that).
/// Ids stay strings: `0101` and `101` are two ids with two numbers.
package struct IDNumbers: Hashable, Sendable {
    package private(set) var ids: [String] = []
    private var numbers: IDMap<Int32>

    package init<Ids: Collection<String>>(_ ids: Ids) {
        numbers = IDMap(minimumCapacity: ids.count)
        self.ids.reserveCapacity(ids.count)
        for id in ids { _ = intern(id) }
    }

    /// None yet, with room for `count` ids.
    package init(reservingCapacity count: Int) {
        numbers = IDMap(minimumCapacity: count)
        ids.reserveCapacity(count)
    }

    /// The id's number; nil when it has none.
    package func number(of id: String) -> Int32? { numbers[id] }

    /// The id's number, given one if it had none.
    package mutating func intern(_ id: String) -> Int32 {
        if let number = numbers[id] { return number }
        let number = Int32(ids.count)
        ids.append(id)
        numbers[id] = number
        return number
    }

    package subscript(_ number: Int32) -> String { ids[Int(number)] }

    package var count: Int { ids.count }

    /// Equal when they number the same ids alike (the map follows from
    /// the list). Copies of one administration's numbers share storage,
    /// and comparing shared arrays is one pointer comparison.
    package static func == (lhs: IDNumbers, rhs: IDNumbers) -> Bool { lhs.ids == rhs.ids }

    package func hash(into hasher: inout Hasher) { hasher.combine(ids.count) }
}

extension Array where Element == Int32 {
    /// The element at `index`, -1 past the end (a table grown only as far as
    /// it was written).
    subscript(orNone index: Int32) -> Int32 {
        Int(index) < count ? self[Int(index)] : -1
    }

    /// Writes at `index`, growing the table with -1 as needed.
    mutating func set(_ index: Int32, _ value: Int32) {
        if Int(index) >= count { append(contentsOf: repeatElement(-1, count: Int(index) - count + 1)) }
        self[Int(index)] = value
    }
}

/// A table without its trailing `empty` entries: tables indexed by number
/// grow only as far as they were written, so two equal states may differ
/// in how far.
func trimmed<Element: Equatable>(_ table: [Element], empty: Element) -> ArraySlice<Element> {
    var end = table.endIndex
    while end > 0 && table[end - 1] == empty { end -= 1 }
    return table[..<end]
}
