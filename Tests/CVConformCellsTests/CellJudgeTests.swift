import CVConformTestSupport
import CVConformTrace
import Foundation
import Testing
@testable import CVConformCells
@testable import CVConformModel

/// The messages of a login that succeeds (contract rules I1, CVCT, E1, I2).
func loginMessages(_ agent: String, _ station: String) -> [String] {
    ["browser>icm login agent=\(agent) extension=\(station)",
     "icm>cvct login-request agent=\(agent) extension=\(station)",
     "cvct>ecs asai-login agent=\(agent) extension=\(station)",
     "ecs>cvct logged-in agent=\(agent) extension=\(station)",
     "cvct>icm login-confirmed agent=\(agent) extension=\(station)",
     "icm>browser acw-open agent=\(agent)"]
}

/// A real-time session requested, delivered to the only agent, answered,
/// then hung up.
func sessionMessages(_ session: String, vdn: String, agent: String, station: String) -> [String] {
    ["customer>icm session-request session=\(session) media=realtime vdn=\(vdn)",
     "icm>ecs launch session=\(session) vdn=\(vdn) media=realtime",
     "ecs>cvct progress session=\(session) state=offered vdn=\(vdn)",
     "ecs>phone alert session=\(session) extension=\(station)",
     "ecs>cvct progress session=\(session) state=alerting extension=\(station)",
     "phone>ecs answer extension=\(station)",
     "ecs>cvct progress session=\(session) state=answered extension=\(station)",
     "cvct>icm answered session=\(session) extension=\(station)",
     "icm>browser connect agent=\(agent) session=\(session)",
     "phone>ecs hangup extension=\(station)",
     "ecs>cvct progress session=\(session) state=dropped extension=\(station) by=phone",
     "cvct>icm dropped session=\(session)",
     "icm>browser disconnect agent=\(agent) session=\(session) reason=hangup"]
}

@Suite("CellJudge: one monitor per cell (contract section 7)")
struct CellJudgeTests {
    /// Observes every message; records the first that is not allowed.
    func judge(_ judge: inout CellJudge, _ texts: [String]) -> (index: Int, CellJudgement)? {
        for (index, text) in texts.enumerated() {
            let judgement = judge.observe(m(text))
            guard case .allowed = judgement else { return (index, judgement) }
        }
        return nil
    }

    @Test("Independent cells may interleave in any order, also on one channel; one monitor for all would reject that")
    func interleavingAccepted() throws {
        let first = loginMessages("1001", "4001") + sessionMessages("s1", vdn: "5001", agent: "1001", station: "4001")
        let second = loginMessages("2001", "4002") + sessionMessages("s2", vdn: "5002", agent: "2001", station: "4002")
        // Cell 2's login-request overtakes cell 1's on icm→cvct.
        let crossing = [first[0], second[0], second[1], first[1]] + Array(first.dropFirst(2)) + Array(second.dropFirst(2))
        var cells = CellJudge(partition: try twoCells())
        #expect(judge(&cells, crossing) == nil)
        #expect(cells.isQuiescent)
        var whole = CellJudge(administration: twoCellSetup)
        let rejected = try #require(judge(&whole, crossing))
        #expect(rejected.index == 2, "one monitor owes login-request 1001 first on icm→cvct")

        // Any merge of the two cells' sequences, each in its order, is accepted.
        var seed: UInt64 = 42
        for _ in 0..<50 {
            var merged: [String] = []
            var (i, j) = (0, 0)
            while i < first.count || j < second.count {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                if j == second.count || (i < first.count && seed >> 63 == 0) {
                    merged.append(first[i]); i += 1
                } else {
                    merged.append(second[j]); j += 1
                }
            }
            var judge = CellJudge(partition: try twoCells())
            #expect(self.judge(&judge, merged) == nil, "\(merged)")
            #expect(judge.isQuiescent)
        }
    }

    @Test("Cells sharing one kept reaction (its storage recycled across cells) judge as monitors with fresh reactions do")
    func sharedReactionJudgesAlike() throws {
        let first = loginMessages("1001", "4001") + sessionMessages("s1", vdn: "5001", agent: "1001", station: "4001")
        let second = loginMessages("2001", "4002") + sessionMessages("s2", vdn: "5002", agent: "2001", station: "4002")
        let partition = try twoCells()
        var seed: UInt64 = 7
        func next() -> UInt64 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return seed >> 33
        }
        var rejections = 0
        for round in 0..<60 {
            var merged: [String] = []
            var (i, j) = (0, 0)
            while i < first.count || j < second.count {
                if j == second.count || (i < first.count && next() % 2 == 0) {
                    merged.append(first[i]); i += 1
                } else {
                    merged.append(second[j]); j += 1
                }
            }
            // Now and then one message left out, so that rejections are
            // compared too.
            if round % 3 == 2 { merged.remove(at: Int(next() % UInt64(merged.count))) }
            var judge = CellJudge(partition: partition)
            var monitors = partition.cells.map { Monitor(administration: $0.administration) }
            var stopped = Set<Int>()
            for text in merged {
                let message = m(text)
                let judgement = judge.observe(message, keepingReaction: false)
                // Unplaced (a message left out can leave a session in no
                // cell): no cell judges it, and no monitor sees it.
                guard let cell = judgement.cell, !stopped.contains(cell) else { continue }
                switch (judgement, monitors[cell].observe(message)) {
                case (.allowed, .allowed):
                    break
                case (.rejected, .rejected):
                    stopped.insert(cell)
                    rejections += 1
                default:
                    Issue.record("\(text) judged apart in round \(round)")
                }
                #expect(judge.monitors[cell].owedEmissions == monitors[cell].owedEmissions, "\(text), round \(round)")
            }
        }
        #expect(rejections > 5)
    }

    @Test("A mixed-up output in one cell is rejected there, at its position; that cell judges no more, the other goes on")
    func mixedUpRejected() throws {
        var judge = CellJudge(partition: try twoCells())
        let login = loginMessages("2001", "4002")
        for text in login.prefix(4) { #expect(judge.observe(m(text)).cell == 1) }
        let judgement = judge.observe(m(login[5]), at: 57) // acw-open before login-confirmed
        guard case .rejected(let cell, let rejection) = judgement else {
            Issue.record("not rejected: \(judgement)")
            return
        }
        #expect(cell == 1)
        #expect(rejection.position == 57)
        #expect(rejection.message == m(login[5]))
        #expect(rejection.owedOnChannel.isEmpty)
        #expect(judge.rejections[1] == rejection)
        #expect(judge.observe(m(login[4])) == .afterRejection(cell: 1))
        for text in loginMessages("1001", "4001") {
            guard case .allowed(0, _) = judge.observe(m(text)) else {
                Issue.record("\(text) not allowed in cell 1")
                return
            }
        }
        #expect(judge.rejections[0] == nil)
    }

    @Test("A message naming two cells is a violation, and no cell sees it")
    func twoCellMessage() throws {
        var judge = CellJudge(partition: try twoCells())
        let judgement = judge.observe(m("browser>icm login agent=1001 extension=4002"))
        guard case .unplaced(let violation) = judgement else {
            Issue.record("placed: \(judgement)")
            return
        }
        #expect(violation.cells == [0, 1])
        #expect(judge.monitors.allSatisfy { $0.position == 0 })
    }

    @Test("A session belongs to the cell of the VDN it was requested on: dropped(s) names only the session")
    func sessionsByVDN() throws {
        var judge = CellJudge(partition: try twoCells())
        let flow = loginMessages("2001", "4002") + sessionMessages("s1", vdn: "5002", agent: "2001", station: "4002")
        for text in flow {
            let judgement = judge.observe(m(text))
            guard case .allowed(1, _) = judgement else {
                Issue.record("\(text): \(judgement)")
                return
            }
        }
        #expect(judge.isQuiescent)
        // s1 has ended in cell 2: a second dropped(s1) names no cell.
        guard case .unplaced(let violation) = judge.observe(m("cvct>icm dropped session=s1")) else {
            Issue.record("an ended session still placed")
            return
        }
        #expect(violation.kind == .noCell)
        #expect(judge.sessionsRemembered == 0)
        // Its id may then be used again, in another cell.
        #expect(judge.observe(m("customer>icm session-request session=s1 media=realtime vdn=5001")).cell == 0)
        #expect(judge.observe(m("icm>ecs launch session=s1 vdn=5001 media=realtime")).cell == 0)
    }

    @Test("A session still held in one cell and requested on a VDN of another names two cells")
    func sessionHeldElsewhere() throws {
        var judge = CellJudge(partition: try twoCells())
        #expect(judge.observe(m("customer>icm session-request session=s1 media=realtime vdn=5002")).cell == 1)
        let judgement = judge.observe(m("customer>icm session-request session=s1 media=messaging vdn=5001"))
        guard case .unplaced(let violation) = judgement else {
            Issue.record("placed: \(judgement)")
            return
        }
        #expect(violation.reason == "names ids of two cells: session s1 (cell 2) and vdn 5001 (cell 1); cells share no id")
    }

    @Test("The session map stays bounded however many sessions come and go")
    func sessionsBounded() throws {
        var judge = CellJudge(partition: try twoCells(), minimumSessionSweep: 4)
        var most = 0
        #expect(self.judge(&judge, loginMessages("1001", "4001")) == nil)
        for number in 1...200 {
            #expect(self.judge(&judge, sessionMessages("s\(number)", vdn: "5001", agent: "1001", station: "4001")) == nil)
            most = max(most, judge.sessionsRemembered)
        }
        #expect(most <= 8)
        #expect(judge.isQuiescent)
    }

    @Test("Without cells the judge is validate's monitor: the suite's outcomes and positions are the same")
    func wholeIsValidate() throws {
        let root = repositoryRoot + "/traces"
        let files = try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.hasSuffix(".xml") }.sorted()
        #expect(files.count > 50)
        for file in files {
            let trace = try Trace.read(file: root + "/" + file)
            let expected = Validator.judge(trace)
            var judge = CellJudge(administration: trace.header.setup)
            var at: Int?
            for (index, message) in trace.messages.enumerated() {
                if case .rejected(_, let rejection) = judge.observe(message), at == nil { at = rejection.position; #expect(at == index + 1) }
            }
            let outcome: Outcome = at != nil ? .rejected : judge.isQuiescent ? .accepted : .incomplete
            #expect(outcome == expected.outcome, "\(file)")
            #expect(at == expected.at, "\(file)")
        }
    }
}
