import CVConformLogs

/// check-log's reading half alone, for `bench-log`.
extension LogChecker {
    /// Decodes every line of a log in memory as
    /// the reading thread does, reusing one batch and keeping nothing;
    /// returns how many lines there were.
    static func decodeDropping(_ bytes: [UInt8], batchSize: Int = LogCheckOptions().batchSize) -> Int {
        var batch = LogBatch(capacity: batchSize)
        return (try? LogLineReader.read(.bytes(bytes, name: "")) { line in
            batch.add(line)
            if batch.isFull { batch.removeAll() }
        }) ?? 0
    }
}
