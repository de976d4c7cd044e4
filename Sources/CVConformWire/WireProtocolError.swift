/// Why a line an implementation wrote is not one the wire protocol
/// (contract section 5) allows; the text quotes the line.
public struct WireProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String

    package init(_ description: String) { self.description = description }
}
