// One conversation with the harness (CONTRACT.md section 5): hello, then for
// each trace a reset and its stimuli, then bye. Every stimulus is processed
// to the end — the system is quiet again — before the next line is read, so
// the output for one stimulus never mixes with the next one's; with
// --concurrent, stimuli are passed on at once and their work interleaves.
// `sync` (an optional capability) is answered once the system is quiet.

import Foundation

@MainActor
final class ProtocolSession {
    enum Ending { case bye, endOfInput }

    private let options: Options
    private let reader: LineReader
    private let writer: LineWriter

    /// The servers of the current trace; replaced wholesale at every reset,
    /// which is the simplest way to be sure that no state survives it.
    private var router: Router?
    private var stimuliSinceReset = 0

    init(options: Options, reader: LineReader, writer: LineWriter) {
        self.options = options
        self.reader = reader
        self.writer = writer
    }

    func run() async -> Ending {
        while let line = reader.readLine() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            let request: Request
            do {
                request = try Request.decode(text)
            } catch {
                diagnose("ignored a line that is not a protocol object: \(text)")
                continue
            }
            switch request.op {
            case "hello": hello(request)
            case "reset": await reset(request)
            case "msg": await stimulus(request)
            case "sync":
                await router?.awaitQuiet()
                writer.write(Line.synced(request.id ?? ""))
            case "bye":
                await stopServers()
                return .bye
            default: diagnose("ignored unknown op '\(request.op)'")
            }
        }
        await stopServers()
        return .endOfInput
    }

    // MARK: - Operations

    private func hello(_ request: Request) {
        if request.protocol != "1" {
            diagnose("the harness speaks protocol \(request.protocol ?? "(none)"); this implementation speaks 1")
        }
        writer.write(Line.hello(protocol: options.fault == .wrongProtocol ? "2" : "1", roles: options.roles, sync: options.offersSync,
                                internal: options.reportsInternal))
        if options.fault == .crashAfterHello { exit(3) }
    }

    private func reset(_ request: Request) async {
        await stopServers()
        router = await startServers(request.administration)
        stimuliSinceReset = 0
        writer.write(Line.ready)
    }

    private func stimulus(_ request: Request) async {
        switch options.fault {
        case .garbage:
            writer.write("this is not json")
            return
        case .hang:
            await hangForever()
        default:
            break
        }
        stimuliSinceReset += 1
        if options.fault == .exitMidTrace, stimuliSinceReset == 3 { exit(0) }

        let message: Message
        switch request.message {
        case .failure(let problem):
            diagnose("ignored msg: \(problem)")
            return
        case .success(let value):
            message = value
        }
        if let problem = problem(with: message) {
            diagnose("ignored stimulus \(message): \(problem)")
            return
        }
        // A msg before any reset: run with an empty administration.
        let router: Router
        if let current = self.router {
            router = current
        } else {
            router = await startServers(.empty)
            self.router = router
        }
        if options.concurrent {
            await router.dispatch(message)
        } else {
            await router.process(message)
        }

        if options.fault == .flood {
            let line = Line.message(Message(.icm, .browser, "acw-open", ["agent": message["agent"] ?? "0"]))
            for _ in 0..<100_000 { writer.write(line) }
        }
    }

    // MARK: - Helpers

    /// A stimulus goes to a role played here and comes from one that is not
    /// (what a played role sends, this process produces itself).
    private func problem(with message: Message) -> String? {
        guard options.roles.contains(message.to) else {
            return "\(message.to.rawValue) is not played here"
        }
        guard !options.roles.contains(message.from) else {
            return "\(message.from.rawValue) is played here, so its messages are not stimuli"
        }
        return MessageTable.problem(with: message)
    }

    private func startServers(_ administration: Administration) async -> Router {
        let fault = options.fault
        let router = Router(played: Set(options.roles), output: writer, fault: fault, reportsInternal: options.reportsInternal,
                            linkDelayMicroseconds: options.concurrent ? options.linkDelayMicroseconds : 0)
        await router.start([
            .icm: ICM(fault: fault),
            .cvct: CVCT(fault: fault),
            .ecs: ECS(administration: administration, fault: fault),
        ])
        return router
    }

    private func stopServers() async {
        await router?.shutdown()
        router = nil
    }

    /// The `hang` fault: from now on, read nothing and answer nothing, until
    /// the harness gives up and kills the process.
    private func hangForever() async -> Never {
        diagnose("hanging (fault hang)")
        while true {
            try? await Task.sleep(for: .seconds(3600))
        }
    }
}
