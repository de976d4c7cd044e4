import CVConformModel
import CVConformTestSupport
import CVConformTrace
import CVConformWire
import Testing
@testable import CVConformLogs

/// An external segment judged by brute force, apart from the race judge:
/// every configuration reachable by any delivery order (no reductions),
/// plain dictionaries of queues, lines taken one by one.
struct BoundaryBruteForce {
    struct Configuration: Hashable {
        var system: ReferenceSystem
        var inFlight: [Channel: [Message]] = [:]
        var unobserved: [Channel: [Message]] = [:]
        var isQuiet: Bool { inFlight.values.allSatisfy(\.isEmpty) && unobserved.values.allSatisfy(\.isEmpty) }
    }

    static func closure(_ start: Set<Configuration>) -> Set<Configuration> {
        var seen = start
        var work = Array(start)
        while let configuration = work.popLast() {
            for (channel, queue) in configuration.inFlight where !queue.isEmpty {
                var next = configuration
                let message = next.inFlight[channel]!.removeFirst()
                for emission in next.system.deliver(message)?.emissions ?? [] {
                    let out = emission.message
                    if out.to.isSystem { next.inFlight[out.channel, default: []].append(out) } else { next.unobserved[out.channel, default: []].append(out) }
                }
                if seen.insert(next).inserted { work.append(next) }
            }
        }
        return seen
    }

    /// accepted / incomplete, or rejected at the 1-based index of the line.
    static func verdict(_ lines: [Message], administration: Administration) -> (Outcome, Int?) {
        var states: Set<Configuration> = [Configuration(system: ReferenceSystem(administration: administration))]
        for (index, line) in lines.enumerated() {
            if !line.from.isSystem {
                states = closure(Set(states.map { var next = $0; next.inFlight[line.channel, default: []].append(line); return next }))
            } else {
                states = Set(states.compactMap { configuration in
                    guard configuration.unobserved[line.channel]?.first == line else { return nil }
                    var next = configuration
                    next.unobserved[line.channel]!.removeFirst()
                    return next
                })
                if states.isEmpty { return (.rejected, index + 1) }
            }
        }
        return (states.contains(where: \.isQuiet) ? .accepted : .incomplete, nil)
    }
}

@Suite("check-log of external segments against a brute-force enumeration (contract section 8)", .tags(.slow))
struct ExternalLogBruteForceTests {
    static let setup = Administration(
        agents: [.init(id: "1001", skills: ["10"]), .init(id: "1002", skills: ["10"])],
        stations: ["4001", "4002"], vdns: [.init(number: "5000", skill: "10")]
    )

    /// Groups of stimuli sent back to back; the lines a random schedule of
    /// the model makes of them, outputs appearing as they are sent.
    static let groups: [[String]] = [
        ["browser>icm login agent=1001 extension=4001", "customer>icm session-request session=s1 media=realtime vdn=5000"],
        ["phone>ecs answer extension=4001"],
        ["browser>icm release agent=1001 session=s1 button=drop", "phone>ecs hangup extension=4001",
         "customer>icm session-request session=s2 media=messaging vdn=5000"],
        ["browser>icm logout agent=1001", "phone>ecs logout-feature extension=4001"],
    ]

    static func randomLog(seed: UInt64) -> [Message] {
        var random = SeededRandom(seed: seed)
        var system = ReferenceSystem(administration: setup)
        var lines: [Message] = []
        var inFlight: [Message] = []
        for (number, group) in groups.enumerated() {
            for text in group {
                let stimulus = try! Message(compact: text)
                lines.append(stimulus)
                inFlight.append(stimulus)
            }
            let last = number == groups.count - 1
            // Deliver in a random order that keeps each channel FIFO.
            while !inFlight.isEmpty {
                let heads = inFlight.indices.filter { index in !inFlight[..<index].contains { $0.channel == inFlight[index].channel } }
                let message = inFlight.remove(at: heads[Int(random.next() % UInt64(heads.count))])
                for emission in system.deliver(message)?.emissions ?? [] {
                    if emission.message.to.isSystem { inFlight.append(emission.message) } else { lines.append(emission.message) }
                }
                // Now and then the next group goes out before this one is done.
                if !last && random.next() % 29 == 0 { break }
            }
        }
        return lines
    }

    @Test("Random logs and their mutations: check-log's verdict and line equal the brute force's", arguments: 0..<8)
    func agreesWithBruteForce(seed: Int) throws {
        let reset = #"{"op":"reset","trace":"t","observed":"external","setup":{"agents":[{"id":"1001","skills":["10"]},{"id":"1002","skills":["10"]}],"stations":["4001","4002"],"vdns":[{"number":"5000","skill":"10"}]}}"#
        let log = Self.randomLog(seed: UInt64(seed))
        var random = SeededRandom(seed: UInt64(seed) &+ 99)
        var candidates = [log]
        for _ in 0..<6 {
            var changed = log
            let outputs = changed.indices.filter { changed[$0].from.isSystem }
            guard outputs.count >= 2 else { break }
            let a = outputs[Int(random.next() % UInt64(outputs.count))]
            switch random.next() % 3 {
            case 0: changed.remove(at: a)
            case 1:
                let b = outputs[Int(random.next() % UInt64(outputs.count))]
                changed.swapAt(a, b)
            default: changed.insert(changed[a], at: min(changed.count, a + 1))
            }
            candidates.append(changed)
        }
        var outcomes: [Outcome] = []
        for lines in candidates {
            let expected = BoundaryBruteForce.verdict(lines, administration: Self.setup)
            outcomes.append(expected.0)
            let (_, recorder) = try check([reset] + lines.map { WireProtocol.message($0) })
            let segment = try #require(recorder.segments.first)
            #expect(segment.outcome == expected.0, "\(lines.map(\.compact))")
            #expect(segment.at == expected.1.map { $0 + 1 }, "\(lines.map(\.compact))")
        }
        // The log as made is accepted; its mutations are not all accepted.
        #expect(outcomes.first == .accepted || outcomes.first == .incomplete)
        #expect(outcomes.count == 1 || outcomes.contains(.rejected))
    }
}
