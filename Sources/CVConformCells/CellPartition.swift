import CVConformModel
import CVConformTrace

/// An administration split into cells (contract section 7): groups of agents,
/// stations, VDNs and skills that share no id, and so no behaviour, with any
/// other cell. Each cell can then be judged by a model of its own, and
/// messages of different cells may come in any order.
///
/// Ids are compared as strings, whatever their kind: a cell that lists
/// `1001` holds agent 1001, station 1001, VDN 1001 and skill 1001 alike.
/// A cell may list ids that are not administered (a decoy agent for
/// unknown-agent logins); such ids only say where messages naming them go.
public struct CellPartition: Sendable {
    /// One cell: its ids and the part of the administration they name.
    public struct Cell: Hashable, Sendable {
        /// 1-based: the cell's place in the reset's `cells` list, as reports
        /// name it ("cell 3"). Its index in `cells` is `number - 1`.
        public let number: Int
        /// The ids the cell lists, in their order.
        public let ids: [String]
        /// The agents, stations and VDNs whose ids the cell lists, in the
        /// administration's order.
        public let administration: Administration
    }

    /// The administration of every cell together.
    public let administration: Administration
    public let cells: [Cell]
    /// False when no cells were given: one cell holds the whole
    /// administration, and every message belongs to it.
    public let isDivided: Bool
    /// Cell index by id (the model's id map: no SipHash per message).
    /// Keyed by `IDKey` (see `IDMap`, which is not for another module).
    private let cellByID: [IDKey: Int]

    /// One cell holding the whole administration (a reset without `cells`).
    public init(whole administration: Administration) {
        self.administration = administration
        cells = [Cell(number: 1, ids: [], administration: administration)]
        isDivided = false
        cellByID = [:]
    }

    /// Splits an administration by the reset's cell lists. Fails when an id
    /// is listed in two cells, is not a string of digits, or when an
    /// administered id is in no cell or apart from what it belongs with (an
    /// agent's skills are in the agent's cell, a VDN's skill in the VDN's).
    public init(administration: Administration, cells lists: [[String]]) throws(CellPartitionError) {
        var cellByID: [IDKey: Int] = [:]
        for (index, ids) in lists.enumerated() {
            for id in ids {
                guard Values.isDigits(id) else { throw .notAnID(id, cell: index + 1) }
                if let other = cellByID[IDKey(id)], other != index { throw .inTwoCells(id, other + 1, index + 1) }
                cellByID[IDKey(id)] = index
            }
        }
        func cell(of id: String, _ what: String) throws(CellPartitionError) -> Int {
            guard let index = cellByID[IDKey(id)] else { throw .inNoCell(what) }
            return index
        }
        var agents = Array(repeating: [Administration.Agent](), count: lists.count)
        var stations = Array(repeating: [String](), count: lists.count)
        var vdns = Array(repeating: [Administration.VDN](), count: lists.count)
        for agent in administration.agents {
            let index = try cell(of: agent.id, "agent \(agent.id)")
            for skill in agent.skills {
                let other = try cell(of: skill, "skill \(skill) of agent \(agent.id)")
                guard other == index else {
                    throw .apart("agent \(agent.id) is in cell \(index + 1), but its skill \(skill) is in cell \(other + 1)")
                }
            }
            agents[index].append(agent)
        }
        for station in administration.stations {
            stations[try cell(of: station, "station \(station)")].append(station)
        }
        for vdn in administration.vdns {
            let index = try cell(of: vdn.number, "VDN \(vdn.number)")
            let other = try cell(of: vdn.skill, "skill \(vdn.skill) of VDN \(vdn.number)")
            guard other == index else {
                throw .apart("VDN \(vdn.number) is in cell \(index + 1), but its skill \(vdn.skill) is in cell \(other + 1)")
            }
            vdns[index].append(vdn)
        }
        self.administration = administration
        self.cells = lists.indices.map { index in
            Cell(number: index + 1, ids: lists[index],
                 administration: Administration(agents: agents[index], stations: stations[index], vdns: vdns[index]))
        }
        isDivided = true
        self.cellByID = cellByID
    }

    /// The index of the cell that lists an id; nil when none does (always
    /// nil for a partition that is not divided).
    public func cellIndex(ofID id: String) -> Int? {
        cellByID[IDKey(id)]
    }

    /// The parameters that name an agent, station, VDN or skill. (By
    /// length first: every message is placed, and comparing different
    /// strings is a call into the runtime.)
    public static func namesID(_ parameter: String) -> Bool {
        switch parameter.utf8.count {
        case 5: return parameter == "agent" || parameter == "skill"
        case 9: return parameter == "extension"
        case 3: return parameter == "vdn"
        default: return false
        }
    }

    /// The cell a message belongs to: the cell whose ids it names. A session
    /// id names the cell `sessionCell` gives it (the cell of the VDN it was
    /// requested on, while that cell's model still holds it); ids listed in
    /// no cell name none. A message naming ids of two cells, or of none, is
    /// placed nowhere, and the violation says which ids.
    public func place(_ message: Message, sessionCell: (String) -> Int?) -> CellPlacement {
        locate(message, sessionCell: sessionCell).placement
    }

    /// The placement, and whether it rests on the session alone: placed by
    /// the session when no other id names a cell, or unplaced because the
    /// session's cell differs from another id's. Only then does it matter
    /// whether the session's cell still holds it.
    ///
    /// Every message of a log passes here, so the usual case keeps no
    /// mention (their strings); a violation walks the parameters again to
    /// say which ids.
    func locate(_ message: Message, sessionCell: (String) -> Int?) -> (placement: CellPlacement, restsOnSession: Bool) {
        guard isDivided else { return (.cell(0), false) }
        var found = -1
        var foundBySession = false
        var otherID = false
        for parameter in message.parameters {
            guard let (cell, isSession) = cell(namedBy: parameter, sessionCell: sessionCell) else { continue }
            if found < 0 {
                found = cell
                foundBySession = isSession
            } else if found != cell {
                let violation = CellViolation(message: message, kind: twoCells(in: message, sessionCell: sessionCell))
                return (.unplaced(violation), isSession || foundBySession)
            }
            if !isSession { otherID = true }
        }
        guard found >= 0 else { return (.unplaced(CellViolation(message: message, kind: .noCell)), false) }
        return (.cell(found), !otherID)
    }

    /// `locate`, given the cell the message's other ids name and the cell
    /// its session is remembered in (nil: no session, or none remembered):
    /// nothing is looked up. Nil where the two disagree, or the ids name
    /// several cells: then `locate` walks the parameters to say which.
    func locate(
        _ message: Message, named: NamedCell, sessionCell: Int?
    ) -> (placement: CellPlacement, restsOnSession: Bool)? {
        guard isDivided else { return (.cell(0), false) }
        switch (named, sessionCell) {
        case (.none, nil): return (.unplaced(CellViolation(message: message, kind: .noCell)), false)
        case (.none, let cell?): return (.cell(cell), true)
        case (.cell(let cell), nil): return (.cell(cell), false)
        case (.cell(let cell), let other?) where other == cell: return (.cell(cell), false)
        case (.cell, _?), (.several, _): return nil
        }
    }

    /// The cell a parameter names, and whether it names it as a session;
    /// nil when it names none.
    @inline(__always)
    private func cell(namedBy parameter: Parameters.Parameter, sessionCell: (String) -> Int?) -> (Int, Bool)? {
        if parameter.key.isKnown(.session) {
            return sessionCell(parameter.value).map { ($0, true) }
        }
        guard Self.namesID(parameter.name) else { return nil }
        return cellByID[IDKey(parameter.value)].map { ($0, false) }
    }

    /// The first two ids of a message that name different cells (it has
    /// them: `locate` found them).
    private func twoCells(in message: Message, sessionCell: (String) -> Int?) -> CellViolation.Kind {
        var first: CellMention?
        for parameter in message.parameters {
            guard let (cell, _) = cell(namedBy: parameter, sessionCell: sessionCell) else { continue }
            let mention = CellMention(parameter: parameter.name, value: parameter.value, cell: cell)
            guard let earlier = first else {
                first = mention
                continue
            }
            if earlier.cell != cell { return .twoCells(earlier, mention) }
        }
        return .noCell
    }
}
