import CVConformCells
import CVConformJSON
import CVConformModel
import CVConformTrace
import CVConformWire

/// A `{"op":"reset","setup":{…}}` line: it starts a segment (contract
/// section 7). Its setup is read strictly, as `<setup>` is in a trace:
/// ids are non-empty strings of digits and nothing is administered twice;
/// `trace` and `cells` are optional.
package struct LogReset: Sendable {
    /// The reset's `trace`, if it has one.
    var trace: String?
    /// The cells to judge (one holding everything when the reset names
    /// none), or why the segment is malformed.
    var partition: Result<CellPartition, LogResetError>
    /// `"observed":"external"` (contract section 8): the segment holds only
    /// the messages between the environment and the system, and is judged
    /// by every interleaving the model allows.
    var observesExternalOnly = false
    /// `"observed":"reports"` (RACE-22, `load --log`): the internal messages
    /// are there too, each logged when the harness read its report, so
    /// reports of different channels may come in any order and may lead or
    /// lag their delivery; judged by the race judge with internal messages
    /// observed.
    var observesReports = false

    /// Reads a reset line already parsed as JSON.
    init(_ object: JSONValue) {
        if case .string(let trace)? = object["trace"] { self.trace = trace }
        do throws(LogResetError) {
            if let value = object["trace"], value != .null, value.stringValue == nil {
                throw LogResetError("the reset's trace must be a string")
            }
            switch object["observed"] {
            case nil, .null?: break
            case .string("external")?: observesExternalOnly = true
            case .string("reports")?: observesReports = true
            case .string(let other)?:
                throw LogResetError("observed is '\(other)', but a reset may give only 'external' (contract section 8) or 'reports' (RACE-22)")
            default:
                throw LogResetError("observed must be the string 'external'")
            }
            let setup: Administration
            do { setup = try SetupCodec.decode(object["setup"], mode: .strict) } catch { throw LogResetError(error.description) }
            switch object["cells"] {
            case nil, .null?:
                partition = .success(CellPartition(whole: setup))
            case .array(let lists)?:
                var cells: [[String]] = []
                for (index, list) in lists.enumerated() {
                    guard case .array(let items) = list else {
                        throw LogResetError("cells: item \(index + 1) is not a list of ids")
                    }
                    cells.append(try items.enumerated().map { (position, item) throws(LogResetError) in
                        guard let id = item.stringValue else {
                            throw LogResetError("cells: cell \(index + 1) has a value that is not a string at position \(position + 1)")
                        }
                        return id
                    })
                }
                do {
                    partition = .success(try CellPartition(administration: setup, cells: cells))
                } catch {
                    throw LogResetError("cells: \(error)")
                }
            default:
                throw LogResetError("cells must be a list of lists of ids")
            }
        } catch {
            partition = .failure(error)
        }
    }

    /// A reset line that is not JSON: it still starts a segment, malformed,
    /// so the messages after it are not judged against the segment before.
    init(unreadable reason: String) {
        partition = .failure(LogResetError("the reset line is not JSON (\(reason))"))
    }
}

/// Why a reset's setup or cells make its segment malformed.
package struct LogResetError: Error, Hashable, Sendable, CustomStringConvertible {
    package var description: String

    init(_ description: String) { self.description = description }
}
