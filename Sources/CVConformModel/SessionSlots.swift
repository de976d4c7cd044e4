import CVConformTrace

/// What a machine keeps about each session it holds; `vacant` fills a
/// free slot.
package protocol SlotInfo: Hashable, Sendable {
    static var vacant: Self { get }
}

/// The sessions a machine holds, each in a numbered slot: sessions are not
/// administered, so each gets a slot when it first enters the machine and
/// gives it back when it ends, for the next session to reuse. Other tables
/// of the machine refer to a session by its slot.
///
/// One reference while there are few slots, two past that (the map by
/// name): a race judge copies whole states, and each reference a state
/// holds is retained at every copy and released at every drop. A few
/// slots are found by name faster by looking at each than by hashing.
package struct SessionSlots<Info: SlotInfo>: Hashable, Sendable {
    private struct Slot: Hashable, Sendable {
        var name: String
        var info: Info
        var occupied: Bool
        /// The next free slot after this free one (-1: none): the free
        /// list, threaded through the slots. Not part of the slot's value.
        var nextFree: Int32

        static func == (lhs: Slot, rhs: Slot) -> Bool {
            lhs.occupied == rhs.occupied && lhs.info == rhs.info && lhs.name == rhs.name
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(occupied)
            hasher.combine(info)
        }
    }

    private var slots: [Slot] = []
    /// Made once there are more than `scanned` slots.
    private var slotByName: IDMap<Int32>?
    private static var scanned: Int { 16 }
    private var firstFree: Int32 = -1
    package private(set) var count = 0

    package init() {}

    package func slot(of name: String) -> Int32? {
        if let slotByName { return slotByName[name] }
        // Lengths first: most different ids differ in length. Then byte
        // for byte, as the map past a few slots compares.
        let length = name.utf8.count
        for index in slots.indices where slots[index].occupied && slots[index].name.utf8.count == length
            && Values.sameBytes(slots[index].name, name) {
            return Int32(index)
        }
        return nil
    }

    package func name(_ slot: Int32) -> String { slots[Int(slot)].name }

    /// See `ReferenceSystem.sharesState(with:)` (a map by name, made past
    /// a few slots, counts as changed).
    func sharesStorage(with other: SessionSlots) -> Bool {
        count == other.count && firstFree == other.firstFree && slotByName == nil && other.slotByName == nil
            && slots.sharesStorage(with: other.slots)
    }

    /// The session's slot, given one (with `info`) if it had none.
    @discardableResult
    package mutating func insert(_ name: String, _ info: Info) -> Int32 {
        if let slot = slot(of: name) { return slot }
        count += 1
        let slot: Int32
        if firstFree >= 0 {
            slot = firstFree
            firstFree = slots[Int(slot)].nextFree
            slots[Int(slot)] = Slot(name: name, info: info, occupied: true, nextFree: -1)
        } else {
            slot = Int32(slots.count)
            slots.append(Slot(name: name, info: info, occupied: true, nextFree: -1))
            if slotByName == nil && slots.count > Self.scanned {
                var map = IDMap<Int32>(minimumCapacity: slots.count * 2)
                for index in slots.indices where slots[index].occupied { map[slots[index].name] = Int32(index) }
                slotByName = map
            }
        }
        slotByName?[name] = slot
        return slot
    }

    /// The session in the slot ended: the slot is free again.
    package mutating func remove(_ slot: Int32) {
        let index = Int(slot)
        guard slots[index].occupied else { return }
        slotByName?.removeValue(forKey: slots[index].name)
        slots[index] = Slot(name: "", info: .vacant, occupied: false, nextFree: firstFree)
        firstFree = slot
        count -= 1
    }

    /// The live session's information (read or changed in place).
    package subscript(_ slot: Int32) -> Info {
        get { slots[Int(slot)].info }
        _modify { yield &slots[Int(slot)].info }
    }

    /// Every live session: its slot, name and information, by slot.
    package var live: [(slot: Int32, name: String, info: Info)] {
        slots.indices.filter { slots[$0].occupied }.map { (Int32($0), slots[$0].name, slots[$0].info) }
    }

    /// Visits every live session, by slot, without building a list.
    package func forEach(_ body: (_ slot: Int32, _ name: String, _ info: Info) -> Void) {
        for index in slots.indices where slots[index].occupied { body(Int32(index), slots[index].name, slots[index].info) }
    }

    /// The same sessions in slots numbered in `order` (live slots, in the
    /// order wanted); returns where each old slot went (-1: nowhere), nil
    /// when every session already sat in its place. Two histories that
    /// leave the same sessions in the same order then leave equal tables.
    package mutating func renumber(in order: [Int32]) -> [Int32]? {
        // Already so (the usual case): nothing to move.
        if isCompact && order.elementsEqual(0..<Int32(count)) { return nil }
        var remap = [Int32](repeating: -1, count: slots.count)
        var renumbered = SessionSlots()
        for slot in order where slots[Int(slot)].occupied {
            remap[Int(slot)] = renumbered.insert(slots[Int(slot)].name, slots[Int(slot)].info)
        }
        self = renumbered
        return remap
    }

    /// Whether the live sessions fill the first slots, with none free.
    package var isCompact: Bool { slots.count == count }

    /// Whether the live sessions fill the first slots in name order (then
    /// `renumber(in: slotsByName)` would change nothing).
    package var isInNameOrder: Bool {
        guard isCompact else { return false }
        for index in slots.indices.dropFirst() where !(slots[index - 1].name < slots[index].name) { return false }
        return true
    }

    /// Slots of live sessions sorted by name (a canonical order).
    package var slotsByName: [Int32] {
        slots.indices.filter { slots[$0].occupied }.sorted { slots[$0].name < slots[$1].name }.map(Int32.init)
    }

    /// Equal when the same sessions sit in the same slots with the same
    /// information (the free list only says which slot comes next).
    package static func == (lhs: SessionSlots, rhs: SessionSlots) -> Bool {
        lhs.count == rhs.count && lhs.slots == rhs.slots
    }

    package func hash(into hasher: inout Hasher) { hasher.combine(count) }
}
