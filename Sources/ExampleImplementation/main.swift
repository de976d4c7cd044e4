// cvconform-example: the ICM, CVCT and ECS servers as three actors, speaking
// the cvconform JSON Lines protocol on stdin/stdout (or TCP with --listen).
//
// Files: Wire.swift (roles, messages, JSON lines), Router.swift (the links
// between the servers), ICM.swift, CVCT.swift, ECS.swift (the servers),
// Session.swift (the protocol loop), LineIO.swift (descriptors and sockets),
// Options.swift (command line and faults).

import Foundation
import CVConformPlatform

// A harness that closes the pipe early must not kill us with SIGPIPE: the
// write fails instead, and the end of input ends the session.
signal(SIGPIPE, SIG_IGN)

let options: Options
switch Options.parse(Array(CommandLine.arguments.dropFirst())) {
case .run(let parsed):
    options = parsed
case .help:
    print(Options.usage)
    exit(0)
case .usageError(let problem):
    FileHandle.standardError.write(Data("cvconform-example: \(problem)\n\(Options.usage)\n".utf8))
    exit(2)
}

if let port = options.listenPort {
    let listener: Listener
    switch Listener.bind(port: port) {
    case .success(let bound): listener = bound
    case .failure(let problem):
        diagnose(problem.description)
        exit(1)
    }
    FileHandle.standardError.write(Data("listening on 127.0.0.1:\(listener.port)\n".utf8))
    // One connection at a time; after bye or a closed connection, the next.
    while let connection = listener.accept() {
        // One small line per message: without this, Nagle's algorithm holds
        // each back until the previous one is acknowledged.
        var yes: Int32 = 1
        _ = setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        let session = ProtocolSession(
            options: options,
            reader: LineReader(descriptor: connection),
            writer: LineWriter(descriptor: connection)
        )
        _ = await session.run()
        close(connection)
    }
    diagnose("accept failed: \(String(cString: strerror(errno)))")
    exit(1)
} else {
    let session = ProtocolSession(
        options: options,
        reader: LineReader(descriptor: STDIN_FILENO),
        writer: LineWriter(descriptor: STDOUT_FILENO)
    )
    _ = await session.run()
    exit(0)
}
