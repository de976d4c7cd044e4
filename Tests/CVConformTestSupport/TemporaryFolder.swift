import Foundation
import Synchronization

/// Every folder `temporaryFolder()` made in this process: removed when the
/// test process exits, so a run leaves nothing in the temporary directory
/// (most tests keep their folder to the end, and a failing one stops early).
private let madeFolders = Mutex<[String]>([])

private let removalAtExit: Void = {
    atexit {
        for path in madeFolders.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }
}()

/// A fresh temporary folder, removed when the test process exits.
public func temporaryFolder() throws -> String {
    _ = removalAtExit
    let path = NSTemporaryDirectory() + "cvconform-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    madeFolders.withLock { $0.append(path) }
    return path
}
