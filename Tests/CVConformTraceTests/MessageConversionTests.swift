import Testing
@testable import CVConformTrace

/// A raw message as the grammar would leave it.
func rawMessage(
    _ from: String, _ to: String, _ type: String, _ parameters: [(String, String)], position: Int = 1, line: Int = 3
) -> RawMessage {
    let known = (from: Role(rawValue: from), to: Role(rawValue: to), type: MessageType(rawValue: type))
    let written = known.from == nil || known.to == nil || known.type == nil ? RawMessage.Routing(from: from, to: to, type: type) : nil
    return RawMessage(line: line, ordinal: 7, order: 11, position: position, invalid: false, known: known, routing: written,
                      parameters: parameters.map { Parameters.Parameter(name: $0.0, value: $0.1) })
}

@Suite("Checking a message against the table (a pure function)")
struct MessageConversionTests {
    @Test("mostParameters is the most parameters any row of the table has")
    func mostParameters() {
        let most = (0..<MessageCatalog.rowCount).map { MessageCatalog.parameterNames(row: $0).count }.max()
        #expect(most == MessageCatalog.mostParameters)
    }

    @Test("A message that fits its row becomes an entry, its parameters in any order")
    func fits() throws {
        let raw = rawMessage("browser", "icm", "login", [("extension", "4001"), ("agent", "1001")], line: 12)
        let entry = try MessageConversion.entry(from: raw, file: "a.xml").get()
        #expect(entry.message.compact == "browser>icm login agent=1001 extension=4001")
        #expect(entry.location == SourceLocation(file: "a.xml", line: 12, column: 0))
    }

    @Test("A problem names the message, says what is wrong and which attribute to look at")
    func problem() {
        let raw = rawMessage("agent", "icm", "login", [("agent", "1001"), ("extension", "4001")], position: 4)
        guard case .failure(let problem) = MessageConversion.entry(from: raw, file: "a.xml") else {
            Issue.record("an unknown role was accepted")
            return
        }
        #expect(problem.message == "message 4: unknown role 'agent' in 'from' (roles: icm, cvct, ecs, browser, phone, customer)")
        #expect(problem.place == .element(ordinal: 7, line: 3, attribute: "from"))
        #expect(problem.order == 11)
    }

    @Test("A misspelled parameter is named, with the one it resembles, at its own attribute")
    func misspelled() {
        let raw = rawMessage("browser", "icm", "login", [("agent", "1001"), ("extention", "4101")])
        guard case .failure(let problem) = MessageConversion.entry(from: raw, file: "a.xml") else {
            Issue.record("a misspelled parameter was accepted")
            return
        }
        #expect(problem.message == "message 1: message 'login' has unexpected parameter 'extention' (did you mean 'extension'?)")
        #expect(problem.place == .element(ordinal: 7, line: 3, attribute: "extention"))
    }

    @Test("Tens of thousands of parameters are sorted and explained")
    func manyParameters() {
        var parameters = [("agent", "1001")]
        parameters += (0..<80_000).reversed().map { ("p\($0)", "1") }
        guard case .failure(let problem) = MessageConversion.entry(from: rawMessage("browser", "icm", "logout", parameters), file: "a.xml") else {
            Issue.record("80,000 parameters were accepted")
            return
        }
        #expect(problem.message == "message 1: message 'logout' has unexpected parameter 'p0' (its parameters: agent)")
    }
}

@Suite("The catalog's explanations")
struct MessageCatalogExplanationTests {
    private func explain(_ from: String, _ to: String, _ type: String, _ parameters: [(name: String, value: String)]) -> String {
        switch MessageCatalog.check(from: from, to: to, type: type, parameters: parameters) {
        case .success(let message): return "accepted \(message)"
        case .failure(let problem): return problem.description
        }
    }

    @Test("Suggestions only for a close name that is missing")
    func suggestions() {
        #expect(explain("ecs", "cvct", "progress", [("session", "s"), ("stat", "queued"), ("skill", "10")])
                == "message 'progress' has unexpected parameter 'stat' (did you mean 'state'?)")
        #expect(explain("ecs", "cvct", "progress", [("session", "s"), ("state", "queued"), ("vdn", "5000")])
                == "message 'progress' lacks parameter 'skill'", "vdn is not close to skill")
        #expect(explain("browser", "icm", "logout", [("agent", "1"), ("agnet", "1")])
                == "message 'logout' has unexpected parameter 'agnet' (its parameters: agent)", "nothing is missing: no guess")
    }

    @Test("A name given twice (JSON can) is unexpected")
    func twice() {
        #expect(explain("browser", "icm", "logout", [("agent", "1"), ("agent", "2")]).hasPrefix("message 'logout' has unexpected parameter 'agent'"))
    }

    @Test("A long value is cut short in the message")
    func longValue() {
        let text = explain("browser", "icm", "logout", [("agent", String(repeating: "1", count: 100_000) + "x")])
        #expect(text.hasPrefix("parameter 'agent' is '111111"))
        #expect(text.contains("…' (100001 characters), but must be a non-empty string of digits"))
        #expect(text.count < 200)
    }
}

@Suite("Spelling distance")
struct SpellingTests {
    @Test("Levenshtein distance within a limit", arguments: [
        ("extention", "extension", 1), ("agnet", "agent", 2), ("sesion", "session", 1), ("state", "state", 0), ("by", "b", 1),
    ])
    func distance(_ a: String, _ b: String, _ expected: Int) {
        #expect(Spelling.distance(a, b, limit: 2) == expected)
    }

    @Test("Beyond the limit there is no distance, however long the words")
    func beyond() {
        #expect(Spelling.distance("vdn", "skill", limit: 2) == nil)
        #expect(Spelling.distance(String(repeating: "a", count: 50_000), "agent", limit: 2) == nil)
        #expect(Spelling.distance("abcdef", "fedcba", limit: 2) == nil)
    }

    @Test("The suggestion is the closest candidate, and short words must be very close")
    func suggestion() {
        #expect(Spelling.suggestion(for: "extention", among: ["agent", "extension"]) == "extension")
        #expect(Spelling.suggestion(for: "vnd", among: ["vdn"]) == nil, "two edits is too many for a short word")
        #expect(Spelling.suggestion(for: "bye", among: ["by"]) == "by")
    }
}

@Suite("Parameters")
struct ParametersTests {
    @Test("Sorting by name: a handful in place, many with the standard sort, the same result")
    func sorting() {
        for count in [0, 1, 5, 8, 9, 1_000] {
            var items = (0..<count).map { Parameters.Parameter(name: "n\(($0 * 7919) % max(count, 1))", value: "\($0)") }
            let expected = items.sorted { $0.name < $1.name }
            Parameters.sortByName(&items)
            #expect(items == expected, "\(count) items")
        }
    }

    @Test("Looking up by name, in small and large sets")
    func lookup() {
        let small: Parameters = ["agent": "1", "extension": "2"]
        #expect(small["agent"] == "1")
        #expect(small["session"] == nil)
        let large = Parameters((0..<1_000).map { ("p\($0)", "\($0)") })
        for index in stride(from: 0, to: 1_000, by: 37) { #expect(large["p\(index)"] == "\(index)") }
        #expect(large["p1000"] == nil)
        #expect(large["a"] == nil)
        #expect(large["z"] == nil)
    }

    @Test("A name of the table is kept as its code, any other as text: equal exactly when spelled alike, ordered as strings")
    func namesOfTheTableAndOthers() {
        let names = ["vdn", "agents", "agent", "a", "session", "zz", "by", "sessions", "button", "", "skill"]
        var items = names.enumerated().map { Parameters.Parameter(name: $0.element, value: "\($0.offset)") }
        #expect(items[2].key == .known(.agent))
        #expect(items[1].key != .known(.agent), "agents is no name of the table")
        #expect(Parameters.Parameter(name: "agent", value: "1") == Parameters.Parameter(.agent, "1"))
        #expect(Parameters.Parameter(name: "agents", value: "1") != Parameters.Parameter(.agent, "1"))
        #expect(Parameters.Parameter(name: "zz", value: "1") == Parameters.Parameter(name: "zz", value: "1"))
        #expect(Set(items + items).count == items.count)
        Parameters.sortByName(&items)
        #expect(items.map(\.name) == names.sorted())
        var renamed = Parameters.Parameter(.agent, "1")
        renamed.name = "agentx"
        #expect(renamed.name == "agentx" && !renamed.key.isKnown(.agent))
        renamed.name = "agent"
        #expect(renamed == Parameters.Parameter(.agent, "1"))
        // Found by either look-up: a straight look among eight or fewer, by
        // halves among more.
        let few = ["vdn", "agents", "agent", "a", "session", "zz", "by", ""]
        var fewItems = few.map { Parameters.Parameter(name: $0, value: "v" + $0) }
        Parameters.sortByName(&fewItems)
        #expect(fewItems.map(\.name) == few.sorted(), "a handful sorted in place, names of the table and others mixed")
        for (list, extra) in [(few, 0), (names, 20)] {
            let parameters = Parameters(list.map { ($0, "v" + $0) } + (0..<extra).map { ("x\($0)", "\($0)") })
            for name in list { #expect(parameters[name] == "v" + name, "\(name), \(list.count + extra) in all") }
            #expect(parameters[.agent] == "vagent" && parameters[.session] == "vsession" && parameters[.media] == nil)
            #expect(parameters["media"] == nil && parameters["agentz"] == nil)
        }
        // Among a few, a name only canonically equal to another (another
        // length) is not it, as a straight look always found.
        let accented = Parameters([("e\u{301}x", "1"), ("agent", "2")])
        #expect(accented["e\u{301}x"] == "1")
        #expect(accented["\u{E9}x"] == nil)
    }
}
