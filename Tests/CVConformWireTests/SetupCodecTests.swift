import CVConformJSON
import CVConformTrace
import Testing
@testable import CVConformWire

@Suite("The setup of a reset: one codec, read strictly or leniently")
struct SetupCodecTests {
    static let setup = Administration(
        agents: [.init(id: "0101", skills: ["1", "2"]), .init(id: "101", skills: [])],
        stations: ["4001", "40012"], vdns: [.init(number: "5001", skill: "2")])

    @Test("What is written reads back the same in both modes; 0101 and 101 stay distinct")
    func roundTrip() throws {
        let value = SetupCodec.encode(Self.setup)
        #expect(try SetupCodec.decode(value, mode: .strict) == Self.setup)
        #expect(try SetupCodec.decode(value, mode: .lenient) == Self.setup)
    }

    @Test("The reset line carries cells and observed only when given")
    func resetLine() throws {
        let plain = try JSONValue(parsing: WireProtocol.reset(trace: "t", setup: Self.setup))
        #expect(plain["cells"] == nil && plain["observed"] == nil)
        let logged = try JSONValue(parsing: WireProtocol.reset(trace: "load", setup: Self.setup, cells: [["0101", "4001"]], observed: "reports"))
        #expect(logged["cells"] == .array([.array([.string("0101"), .string("4001")])]))
        #expect(logged["observed"] == .string("reports"))
        #expect(try SetupCodec.decode(logged["setup"], mode: .strict) == Self.setup)
    }

    @Test("Strictly, each fault is named", arguments: [
        (#"{"agents":[{"id":"1a","skills":[]}]}"#, "agent 1's id is '1a'"),
        (#"{"agents":[{"id":"1","skills":"2"}]}"#, "agent 1's skills must be a list"),
        (#"{"agents":[{"id":"1","skills":[]},{"id":"1","skills":[]}]}"#, "agent 1 is administered twice"),
        (#"{"stations":["4001","4001"]}"#, "station 4001 is administered twice"),
        (#"{"stations":[4001]}"#, "station 1 is missing or not a string"),
        (#"{"vdns":{}}"#, "vdns must be a list"),
        (#"{"vdns":[{"number":"5001"}]}"#, "the skill of VDN 5001 is missing"),
        (#"[]"#, "the reset has no setup object"),
    ])
    func strictErrors(setup: String, reason: String) throws {
        let value = try JSONValue(parsing: setup)
        #expect {
            try SetupCodec.decode(value, mode: .strict)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test("Leniently, what is missing or of the wrong kind reads as empty, never an error")
    func lenient() throws {
        let value = try JSONValue(parsing: #"{"agents":[{"id":7,"skills":"x"},{"id":"1","skills":["2",3]}],"stations":{},"vdns":[{}]}"#)
        let read = try SetupCodec.decode(value, mode: .lenient)
        #expect(read.agents == [.init(id: "", skills: []), .init(id: "1", skills: ["2"])])
        #expect(read.stations.isEmpty)
        #expect(read.vdns == [.init(number: "", skill: "")])
        #expect(try SetupCodec.decode(nil, mode: .lenient) == Administration())
    }
}
