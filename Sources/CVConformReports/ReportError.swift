/// Why a JSON report cannot be read, merged or compared: one sentence
/// naming the file. The commands treat it as a usage error (exit 2).
public struct ReportError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
