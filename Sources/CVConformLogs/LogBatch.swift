import CVConformCells
import CVConformModel
import CVConformTrace
import CVConformWire

/// Decoded lines handed from check-log's reading thread to its judging
/// thread, packed: a message of the usual shape (`PlainMessageLine`) is a
/// fixed-size record (its row of the table, its line's place) and its
/// values' strings in one list; any other line is a `LogItem` aside. The
/// judging thread builds each message as it judges it.
///
/// Reused whole (its buffers keep their capacity), so reading allocates
/// nothing per message whose values are ids and words. The reading thread
/// makes the values' strings: a value of up to 15 bytes is a string held
/// inline, nothing on the heap shared between the cores (a longer one is
/// on the heap, made here). Making them was a fifteenth of the judging
/// thread, which bounds check-log (BENCHMARKS.md, "Why the code is as it
/// is").
package struct LogBatch: Sendable {
    /// One line of the batch.
    struct Record: Sendable {
        var line: Int
        var offset: Int
        var length: Int32
        /// The message's row of the table (`MessageCatalog.fastRow`; the
        /// table has a few dozen), or -1: the line is `others[Int(start)]`.
        var row: Int16
        /// Where the values start in `values`, or the place in `others`.
        var start: UInt32
        /// The cell the message's ids other than its session name
        /// (`NamedCell`): a cell's index, or `Record.namesNone`,
        /// `namesSeveral`, `unknown`. (An Int32, not a `NamedCell?`: that
        /// would make each record larger.)
        var named: Int32 = Record.unknown

        static let namesNone: Int32 = -1, namesSeveral: Int32 = -2, unknown: Int32 = -3

        var namedCell: NamedCell? {
            switch named {
            case Record.unknown: return nil
            case Record.namesNone: return NamedCell.none
            case Record.namesSeveral: return .several
            default: return .cell(Int(named))
            }
        }
    }

    /// The cells of the segment being read (its reset's, when it names
    /// cells), by which the reading thread finds each message's named
    /// cell: the judging thread then looks up only its session. Reading
    /// state, not content: kept when the batch is emptied, and handed to
    /// the next batch (`readOn(after:)`).
    private var cells: CellIDBytes?

    /// For each row of the table, a bit per parameter that names an id
    /// (`CellPartition.namesID`), in the row's order.
    private static let idParameters: [UInt8] = (0..<MessageCatalog.rowCount).map { row in
        var mask: UInt8 = 0
        for (index, name) in MessageCatalog.parameterNames(row: row).enumerated() where CellPartition.namesID(name) {
            mask |= 1 << UInt8(index)
        }
        return mask
    }

    private var records: [Record] = []
    private var values: [String] = []
    private var others: [LogItem] = []
    /// The bytes of the messages' values.
    private var valueBytes = 0

    /// Handed on once its values' bytes pass this, whatever the lines'
    /// count: a batch stays small.
    static let byteLimit = 1 << 20

    /// Lines it takes before it is handed on.
    let capacity: Int

    package init(capacity: Int) {
        self.capacity = capacity
        records.reserveCapacity(capacity)
        values.reserveCapacity(capacity * 3)
    }

    var count: Int { records.count }
    /// Holds its capacity of lines, or its limit of bytes: time to hand it on.
    package var isFull: Bool { records.count >= capacity || valueBytes >= Self.byteLimit }

    /// Reads on in the segment `previous` was reading (its cells): the
    /// next batch filled after it.
    mutating func readOn(after previous: LogBatch) {
        cells = previous.cells
    }

    /// Empties the batch, keeping its buffers (and its segment's cells).
    package mutating func removeAll() {
        records.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        others.removeAll(keepingCapacity: true)
        valueBytes = 0
    }

    /// Adds a line, decoded; a blank line adds nothing.
    package mutating func add(_ line: LogLineReader.Line) {
        if !line.tooLong, pack(line) { return }
        if let item = LogItem.decode(line) { add(item) }
    }

    /// Adds a decoded line.
    mutating func add(_ item: consuming LogItem) {
        if case .reset(let reset, _) = item {
            cells = if case .success(let partition) = reset.partition, partition.isDivided { CellIDBytes(partition) } else { nil }
        }
        records.append(Record(line: 0, offset: 0, length: 0, row: -1, start: UInt32(others.count)))
        others.append(item)
    }

    /// Packs a message of the usual shape; false for any other line.
    private mutating func pack(_ line: LogLineReader.Line) -> Bool {
        let start = values.count
        var row = 0, named = Record.unknown
        guard Self.read(line, cells: cells, values: &values, valueBytes: &valueBytes, row: &row, named: &named) else { return false }
        records.append(Record(
            line: line.number, offset: line.offset, length: Int32(line.bytes.count), row: Int16(row), start: UInt32(start),
            named: named
        ))
        return true
    }

    /// Reads a line of the usual shape: adds its values' strings to
    /// `values`, and gives its row and named cell; false for any other
    /// line. Static: a closure that captured the batch copied it for each
    /// line, retaining its arrays.
    private static func read(
        _ line: LogLineReader.Line, cells: CellIDBytes?, values: inout [String], valueBytes: inout Int,
        row: inout Int, named: inout Int32
    ) -> Bool {
        withUnsafeTemporaryAllocation(of: MessageCatalog.RawParameter.self, capacity: MessageCatalog.mostParameters) { storage in
            guard let (found, count) = PlainMessageLine.row(of: line.bytes, into: storage) else { return false }
            let parameters = UnsafeBufferPointer(rebasing: storage[..<count])
            for parameter in parameters {
                values.append(String(decoding: parameter.value, as: UTF8.self))
                valueBytes += parameter.value.count
            }
            row = found
            if let cells { named = namedCell(of: parameters, mask: idParameters[found], in: cells) }
            return true
        }
    }

    /// The cell the ids of a packed message name, as a record keeps it.
    private static func namedCell(
        of parameters: UnsafeBufferPointer<MessageCatalog.RawParameter>, mask: UInt8, in cells: CellIDBytes
    ) -> Int32 {
        var named = NamedCell.none
        for index in parameters.indices where mask & (1 << UInt8(index)) != 0 {
            named.add(cells.cellIndex(ofID: parameters[index].value))
        }
        switch named {
        case .none: return Record.namesNone
        case .several: return Record.namesSeveral
        case .cell(let cell): return Int32(clamping: cell)
        }
    }

    /// Each line as a `LogItem`, in order; messages are built here, on the
    /// calling thread.
    func forEach(_ body: (LogItem) -> Void) {
        forEach(messages: { packed, position, named in body(.message(packed.make(), at: position, named: named)) }, others: body)
    }

    /// The same, each packed message handed to `messages` as it is, made
    /// into a message only where its judge must (`ObservedMessage`).
    func forEach(messages: (ObservedMessage, LogLinePosition, NamedCell?) -> Void, others: (LogItem) -> Void) {
        // A message its judge makes is made in this storage, where the last
        // one was when nothing kept it: a message judged allocates nothing.
        var parameters: Parameters = [:]
        let shapes = MessageCatalog.rowShapes
        withUnsafeMutablePointer(to: &parameters) { storage in
            values.withUnsafeBufferPointer { values in
                MessageCatalog.rowParameterNames.withUnsafeBufferPointer { names in
                    for record in records {
                        guard record.row >= 0 else {
                            others(self.others[Int(record.start)])
                            continue
                        }
                        let packed = ObservedMessage(
                            row: Int(record.row), shape: shapes[Int(record.row)], names: names,
                            values: UnsafeBufferPointer(rebasing: values[Int(record.start)...]), storage: storage
                        )
                        messages(packed, LogLinePosition(line: record.line, offset: record.offset, length: Int(record.length)), record.namedCell)
                    }
                }
            }
        }
    }
}
