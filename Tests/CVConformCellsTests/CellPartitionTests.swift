import CVConformTestSupport
import CVConformTrace
import Testing
@testable import CVConformCells
@testable import CVConformModel

/// Two cells and a decoy: cell 1 holds agent 1001 (skill 10), station 4001,
/// VDN 5001 and the decoy agent 1009 (listed, not administered); cell 2
/// holds agent 2001 (skill 20), station 4002 and VDN 5002.
let twoCellSetup = Administration(
    agents: [.init(id: "1001", skills: ["10"]), .init(id: "2001", skills: ["20"])],
    stations: ["4001", "4002"],
    vdns: [.init(number: "5001", skill: "10"), .init(number: "5002", skill: "20")]
)
let twoCellLists = [["1001", "1009", "4001", "5001", "10"], ["2001", "4002", "5002", "20"]]

func twoCells() throws -> CellPartition {
    try CellPartition(administration: twoCellSetup, cells: twoCellLists)
}

@Suite("CellPartition: a reset's administration split into cells that share no id")
struct CellPartitionTests {
    @Test("Each cell gets the agents, stations and VDNs it lists; decoys are listed but not administered")
    func perCellAdministrations() throws {
        let partition = try twoCells()
        #expect(partition.isDivided)
        #expect(partition.cells.map(\.number) == [1, 2])
        #expect(partition.cells[0].administration == Administration(
            agents: [.init(id: "1001", skills: ["10"])], stations: ["4001"], vdns: [.init(number: "5001", skill: "10")]))
        #expect(partition.cells[1].administration == Administration(
            agents: [.init(id: "2001", skills: ["20"])], stations: ["4002"], vdns: [.init(number: "5002", skill: "20")]))
        #expect(partition.cellIndex(ofID: "1009") == 0)
        #expect(partition.cellIndex(ofID: "20") == 1)
        #expect(partition.cellIndex(ofID: "9999") == nil)
    }

    @Test("Bad cell lists: an id in two cells, an administered id in no cell, ids that belong together apart, a non-id")
    func badLists() {
        func problem(_ lists: [[String]], _ setup: Administration = twoCellSetup) -> String? {
            do {
                _ = try CellPartition(administration: setup, cells: lists)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(problem([["1001", "4001", "5001", "10"], ["2001", "4002", "5002", "20", "4001"]])
            == "id 4001 is listed in cell 1 and in cell 2; cells share no id")
        #expect(problem([["1001", "4001", "5001", "10"], ["2001", "5002", "20"]])
            == "station 4002 is administered but listed in no cell")
        #expect(problem([["1001", "4001", "5001"], ["2001", "4002", "5002", "20", "10"]])
            == "agent 1001 is in cell 1, but its skill 10 is in cell 2; cells share no behaviour, so they must be listed together")
        let vdnApart = Administration(agents: [], stations: [], vdns: [.init(number: "5001", skill: "10")])
        #expect(problem([["5001"], ["10"]], vdnApart)
            == "VDN 5001 is in cell 1, but its skill 10 is in cell 2; cells share no behaviour, so they must be listed together")
        #expect(problem([["1001", "4001", "5001", "10", "x1"], ["2001", "4002", "5002", "20"]])
            == "cell 1 lists 'x1', but ids are non-empty strings of digits")
        #expect(problem([["1001", "4001", "5001", "10"], ["2001", "4002", "5002", "20"]]) == nil)
        #expect(problem([["1001", "1001", "4001", "5001", "10"], ["2001", "4002", "5002", "20"]]) == nil, "an id twice in one cell is harmless")
    }

    @Test("A message belongs to the cell whose ids it names; ids of no cell do not count")
    func placement() throws {
        let partition = try twoCells()
        func place(_ text: String, sessions: [String: Int] = [:]) -> CellPlacement {
            partition.place(m(text)) { sessions[$0] }
        }
        #expect(place("browser>icm login agent=1001 extension=4001") == .cell(0))
        #expect(place("browser>icm login agent=2001 extension=4002") == .cell(1))
        #expect(place("browser>icm login agent=1009 extension=4001") == .cell(0), "a decoy listed in cell 1")
        #expect(place("browser>icm login agent=9999 extension=4002") == .cell(1), "9999 is listed nowhere: it names no cell")
        #expect(place("ecs>cvct progress session=s1 state=queued skill=20") == .cell(1), "the skill names the cell")
        #expect(place("cvct>icm dropped session=s1", sessions: ["s1": 1]) == .cell(1), "the session names its cell")
        #expect(place("icm>browser connect agent=1001 session=s1", sessions: ["s1": 0]) == .cell(0))
    }

    @Test("Given the cell its other ids name, only the session is looked up, and the placement is the same")
    func placementByNamedCell() throws {
        let partition = try twoCells()
        let texts = [
            "browser>icm login agent=1001 extension=4001", "browser>icm login agent=1001 extension=4002",
            "browser>icm login agent=9999 extension=9998", "browser>icm login agent=1009 extension=4001",
            "ecs>cvct progress session=s1 state=queued skill=20", "ecs>cvct progress session=s1 state=queued skill=10",
            "cvct>icm dropped session=s1", "cvct>icm dropped session=s9",
            "icm>browser connect agent=1001 session=s1", "icm>browser connect agent=2001 session=s1",
            "icm>browser connect agent=9999 session=s1", "ecs>phone alert extension=4002 session=s1",
        ]
        for sessions in [[:], ["s1": 0], ["s1": 1]] as [[String: Int]] {
            for text in texts {
                let message = m(text)
                var named = NamedCell.none
                for parameter in message.parameters where CellPartition.namesID(parameter.name) {
                    named.add(partition.cellIndex(ofID: parameter.value))
                }
                let walked = partition.locate(message) { sessions[$0] }
                let sessionCell = message.parameters["session"].flatMap { sessions[$0] }
                guard let given = partition.locate(message, named: named, sessionCell: sessionCell) else {
                    // Left to the walk only where ids name several cells or disagree with the session.
                    #expect(named == .several || (named != .none && sessionCell != nil), "\(text) with \(sessions)")
                    continue
                }
                #expect(given.placement == walked.placement, "\(text) with \(sessions)")
                #expect(given.restsOnSession == walked.restsOnSession, "\(text) with \(sessions)")
            }
        }
        var named = NamedCell.none
        named.add(nil)
        #expect(named == .none)
        named.add(1)
        named.add(1)
        #expect(named == .cell(1))
        named.add(0)
        named.add(1)
        #expect(named == .several)
    }

    @Test("Looked up by their bytes, ids name the cells the partition gives them; others, prefixes and longer ids none")
    func idBytes() throws {
        func bytesLookUp(_ table: CellIDBytes, _ id: String) -> Int? {
            Array(id.utf8).withUnsafeBufferPointer { table.cellIndex(ofID: $0) }
        }
        let partition = try twoCells()
        let table = CellIDBytes(partition)
        for id in twoCellLists.joined() + ["", "1", "100", "10011", "4003", "0010", "5001 ", "99999999999999999999"] {
            #expect(bytesLookUp(table, id) == partition.cellIndex(ofID: id), "\(id)")
        }
        // Many cells, so that ids share slots and probe on.
        let lists = (0..<500).map { cell in (0..<7).map { String(100_000 + cell * 10 + $0) } }
        let many = CellIDBytes(cells: lists)
        for (cell, ids) in lists.enumerated() {
            for id in ids { #expect(bytesLookUp(many, id) == cell) }
        }
        for id in ["100008", "105009", "99999", "1000001", "x"] { #expect(bytesLookUp(many, id) == nil) }
        // Ids compared as two packed words up to 16 bytes, then byte by
        // byte: ones that share their first 16 bytes, or differ only in a
        // trailing NUL byte (zeros pad the packed words), are other ids.
        let long = CellIDBytes(cells: [["1234567890123456", "12345678901234567"], ["12345678901234568", "7"]])
        #expect(bytesLookUp(long, "1234567890123456") == 0)
        #expect(bytesLookUp(long, "12345678901234567") == 0)
        #expect(bytesLookUp(long, "12345678901234568") == 1)
        #expect(bytesLookUp(long, "12345678901234569") == nil)
        #expect(bytesLookUp(long, "123456789012345") == nil)
        #expect(bytesLookUp(long, "7") == 1)
        #expect(bytesLookUp(long, "7\u{0}") == nil)
        #expect(bytesLookUp(long, "12345678901234567\u{0}") == nil)
        // Many of one length sharing their first 16 bytes: the packed words
        // tell none apart, so every look-up must compare the rest.
        let prefix = "1234567890123456"
        let shared = CellIDBytes(cells: (0..<300).map { [prefix + String(1000 + 2 * $0)] })
        for number in 0..<300 {
            #expect(bytesLookUp(shared, prefix + String(1000 + 2 * number)) == number)
            #expect(bytesLookUp(shared, prefix + String(1001 + 2 * number)) == nil)
        }
        #expect(bytesLookUp(CellIDBytes(cells: []), "1001") == nil)
        #expect(bytesLookUp(CellIDBytes(cells: [["7"], ["7", "8"]]), "7") == 0, "the first listing wins")
    }

    @Test("A message naming ids of two cells, or of none, is a violation that says which ids")
    func violations() throws {
        let partition = try twoCells()
        let two = partition.place(m("browser>icm login agent=1001 extension=4002")) { _ in nil }
        guard case .unplaced(let violation) = two else {
            Issue.record("placed: \(two)")
            return
        }
        #expect(violation.cells == [0, 1])
        #expect(violation.reason == "names ids of two cells: agent 1001 (cell 1) and extension 4002 (cell 2); cells share no id")
        let session = partition.place(m("icm>browser connect agent=1001 session=s1")) { $0 == "s1" ? 1 : nil }
        guard case .unplaced(let crossing) = session else {
            Issue.record("placed: \(session)")
            return
        }
        #expect(crossing.reason.contains("session s1 (cell 2)"))
        let none = partition.place(m("browser>icm login agent=9999 extension=9998")) { _ in nil }
        guard case .unplaced(let nowhere) = none else {
            Issue.record("placed: \(none)")
            return
        }
        #expect(nowhere.cells.isEmpty)
        #expect(nowhere.reason == "names no id of any cell: agent 9999, extension 9998 are listed in no cell")
        let lostSession = partition.place(m("cvct>icm dropped session=s9")) { _ in nil }
        #expect((lostSession == .unplaced(CellViolation(message: m("cvct>icm dropped session=s9"), kind: .noCell))))
        if case .unplaced(let lost) = lostSession {
            #expect(lost.description.hasPrefix("cvct→icm dropped(session=s9) names no id of any cell: session s9 belongs to no cell"))
        }
    }

    @Test("Without cells every message belongs to the one cell of the whole administration")
    func whole() {
        let partition = CellPartition(whole: twoCellSetup)
        #expect(!partition.isDivided)
        #expect(partition.cells.count == 1)
        #expect(partition.cells[0].administration == twoCellSetup)
        #expect(partition.place(m("browser>icm login agent=9999 extension=9998")) { _ in nil } == .cell(0))
        #expect(partition.place(m("browser>icm login agent=1001 extension=4002")) { _ in nil } == .cell(0))
    }
}
