import CVConformTrace

/// A message at its line of a log.
package struct LogEntry: Hashable, Sendable {
    package var line: Int
    package var message: Message

    package init(line: Int, message: Message) {
        self.line = line
        self.message = message
    }
}

/// The recent messages of each cell, for explaining a violation: per cell
/// and channel, a ring of the last few messages. A cell's last few messages
/// on any channel are the latest of its channels' rings together, so each
/// message is stored once.
///
/// All rings share one flat array made when the segment starts: memory
/// depends on the number of cells, never on the length of the log. A ring
/// keeps where each message's line is, not the message, when the source can
/// be read again (a file): holding a million messages' worth of objects
/// just to free them later made judging twice as slow; the few lines an
/// explanation shows are read and decoded again instead.
struct LogWindows {
    struct Slot {
        var line: Int
        /// Where the line is, to read it again (nil when it is kept whole,
        /// or lies beyond what a `Place` holds).
        var position: LogLinePosition?
        /// Kept only when the line cannot be read again (standard input).
        var message: Message?
    }

    /// A position in 16 bytes rather than 24: 200 cells' rings then take
    /// 256 KB, not 384 KB, of the judging thread's cache. The offset has 40
    /// bits (a terabyte), the length 24 (the reader's longest line, less
    /// one); a line beyond a terabyte is not kept (its window shows less).
    struct Place {
        var line: Int
        var offsetAndLength: UInt64

        /// Not kept (every packing of offset and length is a place).
        static let none = Place(line: .min, offsetAndLength: 0)

        init(line: Int, offsetAndLength: UInt64) {
            self.line = line
            self.offsetAndLength = offsetAndLength
        }

        init(_ position: LogLinePosition) {
            guard position.offset >= 0, position.offset < 1 << 40, position.length > 0, position.length <= 1 << 24 else {
                self = .none
                return
            }
            self.init(line: position.line, offsetAndLength: UInt64(position.offset) << 24 | UInt64(position.length - 1))
        }

        var position: LogLinePosition? {
            guard line != Place.none.line else { return nil }
            return LogLinePosition(line: line, offset: Int(offsetAndLength >> 24), length: Int(offsetAndLength & 0xFF_FFFF) + 1)
        }
    }

    let size: Int
    private var places: [Place]
    /// Empty unless messages are kept (their lines cannot be read again).
    private var messages: [Message?]
    /// How many messages each ring has taken, and where it writes next
    /// (`taken % size`, kept so that recording divides nothing): side by
    /// side, so that recording touches one cache line for both.
    private struct Ring {
        var taken = 0
        var cursor = 0
    }
    private var rings: [Ring]
    private let channelIndex = Self.channelIndex
    private let channelCount = Self.channelCount

    /// The channels of the message table, numbered 0..<count.
    private static let channelIndex: [Int] = {
        var index = Array(repeating: -1, count: Channel.count)
        var next = 0
        for definition in MessageCatalog.definitions {
            let slot = definition.channel.number
            if index[slot] < 0 {
                index[slot] = next
                next += 1
            }
        }
        return index
    }()
    private static let channelCount = channelIndex.filter { $0 >= 0 }.count

    init(cells: Int, size: Int, keepsMessages: Bool) {
        self.size = size
        let ringCount = size > 0 ? cells * Self.channelCount : 0
        places = Array(repeating: .none, count: ringCount * size)
        messages = keepsMessages ? Array(repeating: nil, count: ringCount * size) : []
        rings = Array(repeating: Ring(), count: ringCount)
    }

    private func ring(_ channel: Channel, cell: Int) -> Int {
        cell * channelCount + channelIndex[channel.number]
    }

    /// Records a message of a cell (after it was judged).
    mutating func record(_ position: LogLinePosition, _ message: Message, cell: Int) {
        guard size > 0 else { return }
        let ring = ring(message.channel, cell: cell)
        let next = rings[ring].cursor
        let index = ring * size + next
        if messages.isEmpty {
            places[index] = Place(position)
        } else {
            places[index] = Place(line: position.line, offsetAndLength: 0)
            messages[index] = message
        }
        rings[ring].taken += 1
        rings[ring].cursor = next + 1 == size ? 0 : next + 1
    }

    /// The cell's last messages on one channel, oldest first.
    func channel(_ channel: Channel, cell: Int) -> [Slot] {
        guard size > 0 else { return [] }
        return contents(of: ring(channel, cell: cell))
    }

    /// The cell's last messages on any channel, oldest first.
    func cell(_ cell: Int) -> [Slot] {
        guard size > 0 else { return [] }
        let cellRings = cell * channelCount..<(cell + 1) * channelCount
        let all = cellRings.flatMap(contents(of:))
        return Array(all.sorted { $0.line < $1.line }.suffix(size))
    }

    private func contents(of ring: Int) -> [Slot] {
        let taken = rings[ring].taken
        let count = min(taken, size)
        return (taken - count..<taken).map { number in
            let index = ring * size + number % size
            return Slot(line: places[index].line, position: places[index].position, message: messages.isEmpty ? nil : messages[index])
        }
    }
}
