import CVConformTrace

/// Decoded lines handed from check-log's reading thread to its judging
/// thread, packed: a message of the usual shape (`PlainMessageLine`) is a
/// fixed-size record (its row of the table, its line's place) and its
/// values' bytes in one buffer; any other line is a `LogItem` aside. The
/// judging thread builds each message as it judges it.
///
/// Why packed: handed on as `Message`s, each message was an array made on
/// the reading thread and freed there again when its batch came back, and
/// that allocating and freeing was a third of reading. A batch is reused
/// whole: its buffers keep their capacity, so reading allocates nothing
/// per message (the reading thread's CPU time fell from about 1.0 s to
/// 0.62 s on a million messages; the judging thread's did not change).
package struct LogBatch: Sendable {
    /// One line of the batch.
    struct Record: Sendable {
        var line: Int
        var offset: Int
        var length: Int32
        /// The message's row of the table (`MessageCatalog.fastRow`; the
        /// table has a few dozen), or -1: the line is `others[Int(start)]`.
        var row: Int16
        /// Where the values start in `bytes`, or the place in `others`.
        var start: UInt32
        /// Where each value ends in `bytes`.
        var ends: (UInt32, UInt32, UInt32, UInt32)
    }

    /// Values a record holds (`Record.ends`); a message with more is kept
    /// aside as a `LogItem`.
    static let valuesHeld = 4

    private var records: [Record] = []
    private var bytes: [UInt8] = []
    private var others: [LogItem] = []

    /// Handed on once its values' bytes pass this, whatever the lines'
    /// count: a batch stays small, and its offsets fit 32 bits (at most
    /// this plus one line of `LogLineReader.maximumLineLength`).
    static let byteLimit = 1 << 20

    /// Lines it takes before it is handed on.
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        records.reserveCapacity(capacity)
        bytes.reserveCapacity(capacity * 32)
    }

    var count: Int { records.count }
    /// Holds its capacity of lines, or its limit of bytes: time to hand it on.
    var isFull: Bool { records.count >= capacity || bytes.count >= Self.byteLimit }

    /// Empties the batch, keeping its buffers.
    mutating func removeAll() {
        records.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        others.removeAll(keepingCapacity: true)
    }

    /// Adds a line, decoded; a blank line adds nothing.
    mutating func add(_ line: LogLineReader.Line) {
        if !line.tooLong, pack(line) { return }
        if let item = LogItem.decode(line) { add(item) }
    }

    /// Adds a decoded line.
    mutating func add(_ item: consuming LogItem) {
        records.append(Record(line: 0, offset: 0, length: 0, row: -1, start: UInt32(others.count), ends: (0, 0, 0, 0)))
        others.append(item)
    }

    /// Packs a message of the usual shape; false for any other line.
    private mutating func pack(_ line: LogLineReader.Line) -> Bool {
        let packed: Bool? = PlainMessageLine.withRow(line.bytes) { row, parameters in
            guard parameters.count <= Self.valuesHeld else { return false }
            var ends: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
            let start = UInt32(bytes.count)
            withUnsafeMutableBytes(of: &ends) { ends in
                for index in parameters.indices {
                    bytes.append(contentsOf: parameters[index].value)
                    ends.storeBytes(of: UInt32(bytes.count), toByteOffset: index * 4, as: UInt32.self)
                }
            }
            records.append(Record(
                line: line.number, offset: line.offset, length: Int32(line.bytes.count), row: Int16(row), start: start, ends: ends
            ))
            return true
        }
        return packed ?? false
    }

    /// Each line as a `LogItem`, in order; messages are built here, on the
    /// calling thread.
    func forEach(_ body: (LogItem) -> Void) {
        bytes.withUnsafeBufferPointer { bytes in
            for record in records {
                guard record.row >= 0 else {
                    body(others[Int(record.start)])
                    continue
                }
                let message = withUnsafeBytes(of: record.ends) { ends in
                    MessageCatalog.message(row: Int(record.row)) { index in
                        let start = index == 0 ? Int(record.start) : Int(ends.load(fromByteOffset: (index - 1) * 4, as: UInt32.self))
                        let end = Int(ends.load(fromByteOffset: index * 4, as: UInt32.self))
                        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                    }
                }
                body(.message(message, at: LogLinePosition(line: record.line, offset: record.offset, length: Int(record.length))))
            }
        }
    }
}
