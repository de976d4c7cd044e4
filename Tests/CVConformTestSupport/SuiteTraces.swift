import CVConformTrace
import Foundation

/// A trace of the suite, by its path under `traces/`.
public func suiteTrace(_ relative: String) throws -> Trace {
    try Trace.read(file: repositoryRoot + "/traces/" + relative)
}

/// Every pass trace of the suite, by profile.
public func passTraces(profile: Profile = .core) throws -> [Trace] {
    let enumerator = FileManager.default.enumerator(atPath: repositoryRoot + "/traces")
    var traces: [Trace] = []
    while let relative = enumerator?.nextObject() as? String {
        guard relative.hasSuffix(".xml") else { continue }
        let trace = try suiteTrace(relative)
        if trace.header.expect == .pass && trace.header.profile == profile { traces.append(trace) }
    }
    return traces.sorted { $0.header.id < $1.header.id }
}
