import Foundation

/// Finds the trace files named on a command line: files as given, folders
/// searched recursively for `*.xml` (hidden entries skipped), in path order.
package enum TraceFiles {
    package struct MissingPath: Error, CustomStringConvertible {
        package var path: String
        package var description: String { "no such file or folder: \(path)" }
    }

    package static func collect(_ paths: [String]) throws(MissingPath) -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { throw MissingPath(path: path) }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            var found: [String] = []
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            if let enumerator = manager.enumerator(atPath: path) {
                while let relative = enumerator.nextObject() as? String {
                    let name = (relative as NSString).lastPathComponent
                    if name.hasPrefix(".") {
                        enumerator.skipDescendants()
                        continue
                    }
                    guard relative.hasSuffix(".xml") else { continue }
                    let full = base + "/" + relative
                    var isFolder: ObjCBool = false
                    if manager.fileExists(atPath: full, isDirectory: &isFolder), !isFolder.boolValue {
                        found.append(full)
                    }
                }
            }
            files += found.sorted()
        }
        var seen = Set<String>()
        return files.filter { seen.insert($0).inserted }
    }
}
