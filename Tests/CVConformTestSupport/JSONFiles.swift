import CVConformJSON
import Foundation

/// Reads a JSON file.
public func readJSON(_ path: String) throws -> JSONValue {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try JSONValue(parsing: [UInt8](data))
}

/// The entries of a report's "traces" list.
public func reportTraces(_ path: String) throws -> [JSONValue] {
    try readJSON(path)["traces"]?.arrayValue ?? []
}

extension JSONValue {
    /// The value without the members named (at every depth): for comparing
    /// reports whose durations differ from run to run.
    public func removing(_ names: Set<String>) -> JSONValue {
        switch self {
        case .object(let members): return .object(members.filter { !names.contains($0.0) }.map { ($0.0, $0.1.removing(names)) })
        case .array(let items): return .array(items.map { $0.removing(names) })
        default: return self
        }
    }
}
