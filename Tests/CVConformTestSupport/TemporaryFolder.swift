import Foundation

/// A fresh temporary folder.
public func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "cvconform-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
