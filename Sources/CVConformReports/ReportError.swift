/// Why a JSON report cannot be read, merged or compared: one sentence
/// naming the file. The commands treat it as a usage error (exit 2).
package struct ReportError: Error, Hashable, Sendable, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
