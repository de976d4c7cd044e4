#if FUZZING
import CFuzzerDriver
#endif
import Foundation

/// What libFuzzer calls with each input (`LLVMFuzzerTestOneInput`).
public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// The entry point of every fuzz target.
///
/// Built with `-sanitize=fuzzer,address -DFUZZING` (`Scripts/fuzz`), a
/// target is a libFuzzer binary: libFuzzer's driver runs with the
/// process's arguments (`-runs=`, `-dict=`, corpus folders, crash files).
/// Built plainly, as `swift build` builds it, it runs each file named (and
/// every file in each folder named) once through the same callback and
/// says how many: a crash, a corpus or a fixture replayed without
/// sanitizers, in a debugger if need be.
///
/// SwiftPM links an executable target's `main` to the module's entry
/// point, so libFuzzer's own `main` is not used; its driver is called from
/// here instead.
public enum FuzzDriver {
    public static func main(_ callback: FuzzCallback) -> Never {
        #if FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
        #else
        let arguments = CommandLine.arguments.dropFirst()
        guard !arguments.isEmpty else {
            let name = CommandLine.arguments.first.map { ($0 as NSString).lastPathComponent } ?? "fuzz target"
            print("usage: \(name) FILE|FOLDER...   (runs each input once; Scripts/fuzz builds the fuzzing binary)")
            exit(2)
        }
        var count = 0
        for path in arguments {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    print("\(file): cannot read")
                    exit(1)
                }
                data.withUnsafeBytes { raw in
                    let bytes = raw.bindMemory(to: UInt8.self)
                    _ = callback(bytes.baseAddress, bytes.count)
                }
                count += 1
            }
        }
        print("\(count) inputs ran")
        exit(0)
        #endif
    }

    /// The file itself, or every regular file under a folder, sorted.
    private static func files(at path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return [path] }
        let walker = FileManager.default.enumerator(atPath: path)
        var found: [String] = []
        while let relative = walker?.nextObject() as? String {
            let full = (path as NSString).appendingPathComponent(relative)
            var nested: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &nested), !nested.boolValue { found.append(full) }
        }
        return found.sorted()
    }
}
