import CVConformTrace

/// FIFO queues, one per channel, held in one small array: each channel's
/// items keep their order, and the channels follow each other in a fixed
/// order, so two states with the same queues are equal and hash alike
/// however their messages were sent.
package struct ChannelQueues<Element: QueuedMessage>: Hashable, Sendable {
    package struct Item: Hashable, Sendable {
        package var slot: UInt8
        package var element: Element
    }

    package private(set) var items: [Item] = []

    package init() {}

    /// Hashes each item's channel and type only: states that differ only in
    /// values are rare (equality still compares everything).
    /// The items are folded into one word first: a `Hasher` round per
    /// field was a tenth of judging races.
    package func hash(into hasher: inout Hasher) {
        var folded = UInt64(items.count)
        for item in items {
            folded = folded &* 0x100_0000_01B3 ^ (UInt64(item.slot) << 8 | UInt64(item.element.queuedType.ordinal))
        }
        hasher.combine(folded)
    }

    package static func == (lhs: ChannelQueues, rhs: ChannelQueues) -> Bool { lhs.items == rhs.items }

    package var isEmpty: Bool { items.isEmpty }
    package var count: Int { items.count }

    /// Adds an element at the end of its channel's queue.
    package mutating func append(_ element: Element, on slot: UInt8) {
        var index = items.count
        while index > 0 && items[index - 1].slot > slot { index -= 1 }
        items.insert(Item(slot: slot, element: element), at: index)
    }

    /// The oldest element on a channel.
    package func head(on slot: UInt8) -> Element? {
        items.first { $0.slot == slot }?.element
    }

    /// Room for `extra` more items. A queue shared with another state (a
    /// judge's states are copies of each other) is copied here once, with
    /// that room, rather than copied by the next removal and grown again by
    /// the next append.
    package mutating func reserve(extra: Int) {
        items.reserveCapacity(items.count + extra)
    }

    /// Takes the oldest element off a channel.
    @discardableResult
    package mutating func removeHead(on slot: UInt8) -> Element? {
        guard let index = items.firstIndex(where: { $0.slot == slot }) else { return nil }
        return items.remove(at: index).element
    }

    /// Takes off the item at a place in `items` (a channel's head).
    package mutating func remove(at index: Int) {
        items.remove(at: index)
    }

    /// Whether two channels or more hold something.
    package var hasTwoChannels: Bool {
        guard let first = items.first, let last = items.last else { return false }
        return first.slot != last.slot
    }

    /// The channels that hold something, each once, in order.
    package var slots: [UInt8] {
        var result: [UInt8] = []
        for item in items where result.last != item.slot { result.append(item.slot) }
        return result
    }

    /// The oldest element of each channel that holds something.
    package var heads: [Element] {
        var result: [Element] = []
        var last: UInt8?
        for item in items where item.slot != last {
            result.append(item.element)
            last = item.slot
        }
        return result
    }

    /// Every element, channel by channel.
    package var elements: [Element] { items.map(\.element) }
}

/// What a `ChannelQueues` holds: a message, or a message with its clause.
package protocol QueuedMessage: Hashable, Sendable {
    var queuedType: MessageType { get }
}

extension Message: QueuedMessage {
    package var queuedType: MessageType { type }
}

extension Emission: QueuedMessage {
    package var queuedType: MessageType { message.type }
}

extension ChannelQueues<Emission> {
    /// Drops the oldest message owed on a channel and returns the clause
    /// that sent it (nil when nothing is owed there).
    package mutating func dropHead(on slot: UInt8) -> Clause? {
        var index = 0
        while index < items.count {
            if items[index].slot == slot {
                let clause = items[index].element.clause
                items.removeSubrange(index..<index + 1)
                return clause
            }
            index += 1
        }
        return nil
    }

    /// Whether the oldest message owed on a channel is this one (compared
    /// in place, without a copy).
    package func head(on slot: UInt8, is message: Message) -> Bool {
        var index = 0
        while index < items.count {
            if items[index].slot == slot { return items[index].element.message == message }
            index += 1
        }
        return false
    }
}

extension Channel {
    /// A small number for each of the 36 role pairs, for `ChannelQueues`.
    package var slot: UInt8 { UInt8(number) }
}
