/// The six roles of the contract (section 1). Three form the system under
/// test; three are its environment, whose messages are always allowed.
public enum Role: String, CaseIterable, Hashable, Sendable, Comparable {
    case icm, cvct, ecs, browser, phone, customer

    /// The Internet Call Manager, the Computer-Telephony server and the switch.
    public static let systemRoles: [Role] = [.icm, .cvct, .ecs]

    public var isSystem: Bool {
        switch self {
        case .icm, .cvct, .ecs: return true
        case .browser, .phone, .customer: return false
        }
    }

    /// The order in which reports and diagrams lay the roles out.
    public var order: Int {
        switch self {
        case .browser: return 0
        case .customer: return 1
        case .icm: return 2
        case .cvct: return 3
        case .ecs: return 4
        case .phone: return 5
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        lhs.order < rhs.order
    }

    /// How many roles there are (`allCases.count`, which builds the list
    /// each time it is asked: a monitor asked for every message).
    package static var count: Int { 6 }
}

/// A one-way channel between two roles; messages owed on one channel are
/// delivered in order, messages on different channels are not ordered.
public struct Channel: Hashable, Sendable, CustomStringConvertible {
    public let from: Role
    public let to: Role

    public init(from: Role, to: Role) {
        self.from = from
        self.to = to
    }

    public var description: String { "\(from.rawValue)→\(to.rawValue)" }

    /// How many role pairs there are; every channel's `number` is below it.
    package static var count: Int { Role.count * Role.count }

    /// A small number for each role pair, so that tables by channel are
    /// arrays.
    package var number: Int { from.order &* Role.count &+ to.order }
}
