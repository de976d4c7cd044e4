/// Words looked up by their bytes, so that role and type attributes never
/// become strings on the fast path.
struct ByteTable<Value: Sendable>: Sendable {
    private let entries: [(bytes: [UInt8], value: Value)]

    init(_ entries: [(String, Value)]) {
        self.entries = entries.map { (Array($0.0.utf8), $0.1) }
    }

    func lookup<Bytes: RandomAccessCollection<UInt8>>(_ text: Bytes) -> Value? where Bytes.Index == Int {
        search: for entry in entries where entry.bytes.count == text.count {
            for index in 0..<text.count where entry.bytes[index] != text[text.startIndex + index] { continue search }
            return entry.value
        }
        return nil
    }
}

extension ByteTable where Value == Role {
    static let roles = ByteTable(Role.allCases.map { ($0.rawValue, $0) })
}

extension ByteTable where Value == MessageType {
    static let types = ByteTable(MessageType.allCases.map { ($0.rawValue, $0) })
}
