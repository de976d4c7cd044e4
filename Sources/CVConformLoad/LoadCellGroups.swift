/// The cells of a load run, dealt into groups, several per core that
/// judges (`LoadDriver.judge`): cell `i` lives in group `i % groupCount`,
/// at `i / groupCount`. A group is one array, so it
/// moves whole to the task that judges it and back, and no cell is copied
/// (a copied cell would copy its ledger and model on its next change).
/// To the driver it is one collection of cells, indexed as before.
struct LoadCellGroups: RandomAccessCollection, MutableCollection {
    private(set) var groups: [[LoadCellState]]
    let endIndex: Int

    init(_ cells: [LoadCellState], groupCount: Int) {
        let groupCount = Swift.max(1, Swift.min(groupCount, cells.count))
        var groups = [[LoadCellState]](repeating: [], count: groupCount)
        for (index, cell) in cells.enumerated() { groups[index % groupCount].append(cell) }
        self.groups = groups
        endIndex = cells.count
    }

    var startIndex: Int { 0 }
    var groupCount: Int { groups.count }

    subscript(index: Int) -> LoadCellState {
        get { groups[index % groups.count][index / groups.count] }
        // In place: a cell changed through a getter and a setter would be
        // copied whole.
        _modify { yield &groups[index % groups.count][index / groups.count] }
        set { groups[index % groups.count][index / groups.count] = newValue }
    }

    /// Swaps a whole group with `cells` (to lend it to the task that judges it).
    mutating func swapGroup(_ group: Int, with cells: inout [LoadCellState]) {
        swap(&groups[group], &cells)
    }
}
