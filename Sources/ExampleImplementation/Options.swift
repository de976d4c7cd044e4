// The command line, and the mistakes this implementation can be asked to make
// so that the harness's own tests can see it catch them.

import Foundation

/// One deliberate mistake, chosen with `--fault NAME`. Each breaks exactly one
/// thing; `swap-channels` is the exception that proves the rule: it reorders
/// output in a way the contract allows, so it must still conform.
enum Fault: String, CaseIterable, Sendable {
    /// The CVCT relays a progress dropped by request to the ICM as `dropped`.
    case echoDrop = "echo-drop"
    /// The ECS gives a session to the agent that became available last.
    case noMostIdle = "no-most-idle"
    /// The ECS checks extension-in-use before agent-logged-in.
    case wrongCauseOrder = "wrong-cause-order"
    /// The ICM sends every acw-open twice.
    case noQuiet = "no-quiet"
    /// The ICM accepts Drop on a messaging session (reason `dropped`).
    case ignoreWrongButton = "ignore-wrong-button"
    /// Exit with status 3 right after answering hello.
    case crashAfterHello = "crash-after-hello"
    /// Answer hello and reset, then nothing ever again.
    case hang
    /// Answer every msg with a line that is not JSON.
    case garbage
    /// After each stimulus, write 100000 acw-open lines.
    case flood
    /// Say protocol "2" in hello.
    case wrongProtocol = "wrong-protocol"
    /// Exit 0 on the third stimulus after a reset.
    case exitMidTrace = "exit-mid-trace"
    /// The ICM follows every disconnect with an acw-close.
    case extraOutput = "extra-output"
    /// Write the messages of different channels in reverse order of sending,
    /// each channel's own messages still in order (allowed: must conform).
    case swapChannels = "swap-channels"

    // Faults that only show deep in a run: the hand-written suite passes
    // them all; `cvconform explore` has to find them.
    /// The ECS never frees the record of a session ended by a hang-up; with
    /// four such records leaked it ignores every launch.
    case leakOnHangup = "leak-on-hangup"
    /// Routing looks at an agent's first two skills only.
    case laterSkills = "later-skills"
    /// The ECS reads agent ids as numbers: 0101 and 101 are one agent.
    case numericIDs = "numeric-ids"
    /// The ECS finds the agent at an extension by prefix: 400 matches 4001.
    case prefixExtensions = "prefix-extensions"
    /// The ECS's most-idle clock is four bits wide and wraps after 16 ticks.
    case clockWrap = "clock-wrap"
    /// Each skill's queue holds three sessions; a fourth is forgotten.
    case shortQueue = "short-queue"

    // A fault that only shows under load (with --concurrent): every serial
    // trace passes; `cvconform load` has to find it.
    /// The ICM keeps one slot for "the login in progress", shared by all
    /// agents: a login-failed names the agent whose login came last.
    case sharedLoginSlot = "shared-login-slot"

    // Race faults (with --concurrent): each shows only when messages cross,
    // so every serial trace passes; `explore --races` has to find them.
    /// The ICM tells the browser of a hang-up that crossed a Drop: a
    /// second disconnect for a session the release already ended.
    case secondDisconnect = "second-disconnect"
    /// The ECS clears the phone for an ASAI drop of a session that the
    /// agent already hung up.
    case clearEndedSession = "clear-ended-session"
    /// The ECS takes an ASAI drop for whatever session is connected at the
    /// extension: a drop that crossed a hang-up ends the agent's next session.
    case dropNextSession = "drop-next-session"
    /// The ICM closes the window only for an agent it has logged in: when
    /// the phone's logout crosses the browser's, the second acw-close is
    /// skipped.
    case skipSecondAcwClose = "skip-second-acw-close"

    /// Faults that are mistakes in the system's behaviour (the others break
    /// the protocol, or are no mistake at all).
    static let behavioural: [Fault] = [.echoDrop, .noMostIdle, .wrongCauseOrder, .noQuiet, .ignoreWrongButton, .extraOutput,
                                       .leakOnHangup, .laterSkills, .numericIDs, .prefixExtensions, .clockWrap, .shortQueue,
                                       .sharedLoginSlot, .secondDisconnect, .clearEndedSession, .dropNextSession,
                                       .skipSecondAcwClose]
    /// Faults that show only when messages cross (contract section 8).
    static let races: [Fault] = [.secondDisconnect, .clearEndedSession, .dropNextSession, .skipSecondAcwClose]
}

struct Options {
    var roles: [Role] = Role.system
    var listenPort: UInt16?
    var fault: Fault?
    /// Offer the "sync" capability (on unless --no-sync).
    var offersSync = true
    /// Report messages between played roles (hello's `internal`; off with
    /// --black-box).
    var reportsInternal = true
    /// Hand each stimulus to the servers at once, without waiting until the
    /// consequences of the previous one are all sent (as a distributed
    /// system would): work for different agents interleaves.
    var concurrent = false
    /// With --concurrent: the most a link between two played roles takes
    /// to carry a message (each takes a random time up to it).
    var linkDelayMicroseconds = 300

    static let usage = """
        usage: cvconform-example [--roles icm,cvct,ecs] [--listen PORT] [--fault NAME] [--concurrent [--link-delay MICROS]] [--black-box] [--no-sync]

        An implementation of the ICM, CVCT and ECS servers (three actors) that
        speaks the cvconform JSON Lines protocol (CONTRACT.md section 5).

          --roles LIST    play only these system roles (comma separated, any
                          non-empty subset of icm, cvct, ecs; default all three)
          --listen PORT   serve the protocol over TCP on 127.0.0.1:PORT, one
                          connection at a time, instead of stdin/stdout
                          (0 picks a free port; the port is printed on stderr)
          --fault NAME    make one deliberate mistake, for testing the harness:
                          \(Fault.allCases.filter { $0 != .swapChannels }.map(\.rawValue).joined(separator: ", "));
                          or swap-channels, which is no mistake: it reorders
                          messages across channels, as the contract allows
          --concurrent    pass each stimulus on at once instead of waiting
                          until the system is quiet: the work of different
                          agents interleaves, as in a distributed system
          --link-delay MICROS  with --concurrent: each link between two
                          roles takes a random time between half this and
                          this to carry a message, so messages cross
                          (default 300; 0: none)
          --black-box     report only messages to roles not played here
                          (hello says "internal": false)
          --no-sync       do not offer the optional sync capability
          --help          show this help
        """

    enum Parsed {
        case run(Options)
        case help
        case usageError(String)
    }

    static func parse(_ arguments: [String]) -> Parsed {
        var options = Options()
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            // Accept both `--name value` and `--name=value`.
            var name = argument
            var value: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
            }
            func takeValue() -> String? {
                if let value { return value }
                return rest.popFirst()
            }
            switch name {
            case "--help", "-h":
                return .help
            case "--roles":
                guard let list = takeValue() else { return .usageError("--roles needs a list") }
                var roles: [Role] = []
                for name in list.split(separator: ",", omittingEmptySubsequences: false) {
                    let trimmed = name.trimmingCharacters(in: .whitespaces)
                    guard let role = Role(rawValue: trimmed), Role.system.contains(role) else {
                        return .usageError("--roles: '\(trimmed)' is not icm, cvct or ecs")
                    }
                    if !roles.contains(role) { roles.append(role) }
                }
                guard !roles.isEmpty else { return .usageError("--roles needs at least one role") }
                // Report them in the contract's order whatever order was given.
                options.roles = Role.system.filter(roles.contains)
            case "--listen":
                guard let text = takeValue(), let port = UInt16(text) else {
                    return .usageError("--listen needs a port number (0-65535)")
                }
                options.listenPort = port
            case "--concurrent":
                options.concurrent = true
            case "--link-delay":
                guard let text = takeValue(), let micros = Int(text), (0...1_000_000).contains(micros) else {
                    return .usageError("--link-delay needs a number of microseconds from 0 to 1000000")
                }
                options.linkDelayMicroseconds = micros
            case "--black-box":
                options.reportsInternal = false
            case "--no-sync":
                options.offersSync = false
            case "--fault":
                guard let text = takeValue() else { return .usageError("--fault needs a name") }
                if text == "none" { options.fault = nil; continue }
                guard let fault = Fault(rawValue: text) else {
                    return .usageError("--fault: unknown fault '\(text)'")
                }
                options.fault = fault
            default:
                return .usageError("unknown argument '\(argument)'")
            }
        }
        return .run(options)
    }
}
