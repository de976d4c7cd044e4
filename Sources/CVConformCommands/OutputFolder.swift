import ArgumentParser
import Foundation

/// Checks before any work that a folder can be written, so a long run does
/// not end in an error.
func ensureWritable(folder: String) throws {
    let probe = folder + "/.cvconform-write-check-\(ProcessInfo.processInfo.processIdentifier)"
    do {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: probe, contents: Data()) else {
            throw ValidationError("cannot write into \(folder)")
        }
        try? FileManager.default.removeItem(atPath: probe)
    } catch let error as ValidationError {
        throw error
    } catch {
        throw ValidationError("cannot create the folder \(folder): \(error.localizedDescription)")
    }
}
