import CVConformModel
import CVConformTrace

extension Mutant {
    /// Every mutant of the reference model for a profile, applied
    /// systematically at every clause no race is needed to reach (a mutant
    /// there could only be killed by a racing trace), in a stable order.
    /// The sites come from `EmissionTable`, so the catalog follows the
    /// machines as they are.
    public static func catalog(profile: Profile = .core, table: EmissionTable = .reference) -> [Mutant] {
        var mutants: [Mutant] = []
        let clauses = Clause.allCases.filter { !$0.isRaceOnly && ($0.profile == .core || profile == .extended) }
        for clause in clauses {
            mutants += emissionMutants(clause, table: table)
            if table.decides.contains(clause) && clause.role != .cvct && table.changesState.contains(clause) {
                mutants.append(Mutant(clause, .skipStateChange, "sends what it should, but the \(clause.role.rawValue) keeps its old state",
                                      .skipStateChange))
            }
            if table.decides.contains(clause) && (!(table.shapes[clause] ?? []).isEmpty || table.changesState.contains(clause)) {
                mutants.append(Mutant(clause, .ignoreStimulus, "the \(clause.role.rawValue) ignores the stimulus this rule handles",
                                      .ignoreStimulus))
            }
        }
        for (clause, summary) in reactions where clauses.contains(clause) {
            mutants.append(Mutant(clause, .reactToIgnored, summary, .reactToIgnored))
        }
        mutants += choiceMutants.filter { clauses.contains($0.clause) }
        mutants.append(Mutant(.ecsLoginUnknownAgent, .idsAsNumbers, site: "ecs",
                              "the ECS reads ids as numbers (leading zeros dropped): 0101 is taken for 101", .idsAsNumbers(.ecs)))
        mutants.append(Mutant(.icmLogin, .idsAsNumbers, site: "icm",
                              "the ICM reads ids as numbers (leading zeros dropped): 0101 is taken for 101", .idsAsNumbers(.icm)))
        var seen = Set<String>()
        return mutants.filter { seen.insert($0.id).inserted }.sorted()
    }

    /// The mutants that change one message a clause sends.
    private static func emissionMutants(_ clause: Clause, table: EmissionTable) -> [Mutant] {
        var mutants: [Mutant] = []
        for shape in table.shapes[clause] ?? [] {
            let name = shape.description
            mutants.append(Mutant(clause, .omit, site: name, "does not send \(name)", .omit(shape)))
            mutants.append(Mutant(clause, .duplicate, site: name, "sends \(name) twice", .duplicate(shape)))
            let wrong = wrongRole(for: shape)
            mutants.append(Mutant(clause, .wrongRole, site: "\(name)->\(wrong.rawValue)",
                                  "sends \(name) to \(wrong.rawValue) instead of \(shape.to.rawValue)", .redirect(shape, to: wrong)))
            guard let definition = MessageCatalog.definition(from: shape.from, to: shape.to, type: shape.type),
                  let state = Optional(shape.type == .progress ? shape.word?.split(separator: " ").first.map(String.init) : nil),
                  let parameters = MessageCatalog.requiredParameters(of: definition, state: state)
            else { continue }
            for parameter in parameters {
                if ["agent", "extension", "session", "vdn", "skill"].contains(parameter) {
                    mutants.append(Mutant(clause, .replaceValue, site: "\(name).\(parameter)",
                                          "sends \(name) with another \(parameter) in scope",
                                          .replaceID(shape, parameter: parameter)))
                    continue
                }
                for value in alternatives(of: parameter, in: shape, state: state) {
                    mutants.append(Mutant(clause, .replaceValue, site: "\(name).\(parameter)=\(value)",
                                          "sends \(name) with \(parameter) \(value)",
                                          .replaceWord(shape, parameter: parameter, value: value)))
                }
            }
        }
        for pair in table.neighbours[clause] ?? [] where pair.count == 2 && pair[0] != pair[1] {
            mutants.append(Mutant(clause, .swap, site: "\(pair[0]),\(pair[1])",
                                  "sends \(pair[1]) before \(pair[0])", .swap(pair[0], pair[1])))
        }
        return mutants
    }

    /// The other values a word parameter can take without changing the
    /// message's other parameters (a progress state keeps its parameters:
    /// alerting and answered both carry an extension).
    private static func alternatives(of parameter: String, in shape: EmissionShape, state: String?) -> [String] {
        let current: String?
        let values: [String]
        switch parameter {
        case "state":
            current = state
            values = MessageCatalog.progressStates.filter { MessageCatalog.progressParameters[$0] == MessageCatalog.progressParameters[state ?? ""] }
        case "by":
            current = shape.word?.split(separator: " ").last.map(String.init)
            values = By.allCases.map(\.rawValue)
        case "reason", "cause":
            current = shape.word
            guard case .oneOf(let words) = MessageCatalog.domain(of: parameter) else { return [] }
            values = words
        case "media":
            current = nil
            values = Media.allCases.map(\.rawValue)
        default:
            return []
        }
        return values.filter { $0 != current }
    }

    /// A plausible wrong receiver: another system role first.
    private static func wrongRole(for shape: EmissionShape) -> Role {
        ([Role.icm, .cvct, .ecs, .browser, .phone].first { $0 != shape.from && $0 != shape.to }) ?? .browser
    }

    /// The ignoring clauses whose mutant reacts, and how.
    private static let reactions: [(Clause, String)] = [
        (.ecsAnswerIgnored, "answering a connected phone reports the answer again"),
        (.ecsHangupIgnored, "hanging up a ringing phone reports the session dropped by phone"),
        (.icmReleaseIgnored, "a release with a button that does not fit the media ends the agent's session anyway"),
        (.icmLogoutIgnored, "a logout of an agent not logged in closes the ACW"),
        (.cvctOtherProgress, "a drop the ICM asked for is reported back to it as dropped"),
        (.cvctLoggedOutByRequest, "a logout the ICM asked for is reported back as agent-logged-out"),
    ]

    /// The ECS's choices and checks, varied.
    private static var choiceMutants: [Mutant] {
        var mutants: [Mutant] = []
        var variation = ECSVariation()
        variation.leastIdle = true
        mutants.append(Mutant(.ecsMostIdle, .reverseChoice, "a session goes to the least idle available agent", .variation(variation)))
        variation = ECSVariation()
        variation.latestQueued = true
        mutants.append(Mutant(.ecsDispatch, .reverseChoice, "an agent who becomes available gets the session queued last",
                              .variation(variation)))
        let checks = ECSVariation.LoginCheck.allCases
        let clauses: [Clause] = [.ecsLoginUnknownAgent, .ecsLoginUnknownExtension, .ecsLoginAgentLoggedIn, .ecsLoginExtensionInUse]
        let words = Cause.allCases.map(\.rawValue)
        for index in 0..<(checks.count - 1) {
            variation = ECSVariation()
            variation.causeOrder.swapAt(index, index + 1)
            mutants.append(Mutant(clauses[index + 1], .reorderGuards, site: "\(words[index + 1])<>\(words[index])",
                                  "the ECS checks \(words[index + 1]) before \(words[index])", .variation(variation)))
        }
        variation = ECSVariation()
        variation.dispatchOnLogin = false
        mutants.append(Mutant(.ecsLoginAccepted, .stopDispatch, "an agent who logs in is not given a queued session", .variation(variation)))
        variation = ECSVariation()
        variation.dispatchAfterHangup = false
        mutants.append(Mutant(.ecsHangup, .stopDispatch, "an agent who hangs up is not given a queued session", .variation(variation)))
        variation = ECSVariation()
        variation.dispatchAfterDrop = false
        mutants.append(Mutant(.ecsDrop, .stopDispatch, "an agent whose session is dropped by the ICM is not given a queued session",
                              .variation(variation)))
        return mutants
    }
}
