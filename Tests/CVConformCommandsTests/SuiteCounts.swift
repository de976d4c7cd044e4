import CVConformTrace
import Foundation

/// What the checked-in suite holds, read from its files, so that tests
/// derive their expected counts instead of hard-coding them.
struct SuiteCounts {
    var headers: [TraceHeader] = []

    init(_ folder: String = repositoryRoot + "/traces") throws {
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".xml") else { continue }
            headers.append(try TraceReader(file: folder + "/" + relative).readHeader())
        }
    }

    func count(expect: Expectation? = nil, profile: Profile? = nil) -> Int {
        headers.filter { (expect == nil || $0.expect == expect) && (profile == nil || $0.profile == profile) }.count
    }
}
