import CVConformJSON
import Foundation

/// A JSON report read back from disk: a run report (`verdict` per trace) or
/// a validate report (`ok` per trace). For `merge` and `diff`.
package struct ReportFile: Sendable {
    package enum Kind: String, Sendable { case run, validate }

    package struct Entry: Sendable {
        package var id: String
        package var file: String
        /// run: the verdict word; validate: "ok" or "not-ok".
        package var result: String
        /// The entry as written, every member in its order, for merging.
        package var fields: [(String, JSONValue)]
    }

    package var path: String
    package var kind: Kind
    package var implementation: String?
    /// The share of the suite the report covers (absent: the whole run).
    package var shard: Shard?
    /// A merged report of an incomplete set of shards names the missing.
    package var missingShards: [String] = []
    /// Verdict words the run's summary counts (run reports).
    package var summaryWords: [String] = []
    package var entries: [Entry]

    package static func read(_ path: String) throws(ReportError) -> ReportFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportError("cannot read \(path)")
        }
        return try ReportFile(bytes: [UInt8](data), path: path)
    }

    /// Reads a report from its text; `path` names it in errors.
    package init(bytes: [UInt8], path: String) throws(ReportError) {
        let root: JSONValue
        do {
            root = try JSONValue(parsing: bytes)
        } catch {
            throw ReportError("\(path) is not JSON (\(error))")
        }
        guard case .array(let traces)? = root["traces"] else {
            throw ReportError("\(path) is not a cvconform JSON report (no \"traces\" list)")
        }
        self.path = path
        kind = root["summary"] != nil ? .run : .validate
        implementation = root["implementation"]?.stringValue
        if let text = root["shard"]?.stringValue {
            guard let shard = Shard(text) else { throw ReportError("\(path): \"shard\" must be I/N, e.g. 2/3 (it is \"\(text)\")") }
            self.shard = shard
        }
        missingShards = root["missing_shards"]?.arrayValue?.compactMap(\.stringValue) ?? []
        summaryWords = root["summary"]?.members?.map(\.0) ?? []
        entries = []
        for (position, trace) in traces.enumerated() {
            guard let fields = trace.members else {
                throw ReportError("\(path): trace \(position + 1) of \"traces\" is not an object")
            }
            let file = trace["file"]?.stringValue ?? ""
            let id = trace["id"]?.stringValue ?? file
            let result: String
            switch kind {
            case .run: result = trace["verdict"]?.stringValue ?? "?"
            case .validate: result = trace["ok"]?.boolValue == true ? "ok" : "not-ok"
            }
            entries.append(Entry(id: id, file: file, result: result, fields: fields))
        }
    }
}
