/// Why a line an implementation wrote is not one the wire protocol
/// (contract section 5) allows; the text quotes the line.
package struct WireProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    package var description: String

    package init(_ description: String) { self.description = description }
}
