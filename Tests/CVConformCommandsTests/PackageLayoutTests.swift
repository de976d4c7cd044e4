import CVConformTestSupport
import Foundation
import Testing

/// The house rules of the package's layout (README, "Layout"): modules small
/// enough to read in a sitting, and fuzz targets that build without the
/// networking and process packages.
@Suite("The package's layout")
struct PackageLayoutTests {
    /// Lines of Swift in each folder of `Sources/`.
    static func linesByModule() throws -> [String: Int] {
        let sources = URL(fileURLWithPath: repositoryRoot + "/Sources")
        var lines: [String: Int] = [:]
        for module in try FileManager.default.contentsOfDirectory(atPath: sources.path) {
            guard let files = FileManager.default.enumerator(atPath: sources.appendingPathComponent(module).path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: sources.appendingPathComponent(module).appendingPathComponent(file), encoding: .utf8)
                lines[module, default: 0] += text.split(separator: "\n", omittingEmptySubsequences: false).count - (text.hasSuffix("\n") ? 1 : 0)
            }
        }
        return lines
    }

    @Test("No module holds more than 22% of Sources/, and the harness at most 3,000 lines")
    func moduleSizes() throws {
        let lines = try Self.linesByModule()
        let total = lines.values.reduce(0, +)
        #expect(total > 10_000)
        for (module, count) in lines {
            #expect(Double(count) <= 0.22 * Double(total), "\(module): \(count) of \(total) lines")
        }
        #expect((lines["CVConformHarness"] ?? 0) <= 3_000)
    }

    /// Each target's direct dependencies, read from Package.swift (target
    /// and product names in its dependency lists).
    static func dependencies() throws -> [String: Set<String>] {
        let manifest = try String(contentsOfFile: repositoryRoot + "/Package.swift", encoding: .utf8)
        var result: [String: Set<String>] = [:]
        // A target's declaration runs from its `name:` to the next target's.
        let declaration = try NSRegularExpression(pattern: #"(?:\.target|Target|\.systemLibrary)\(\s*name:\s*"([^"]+)""#)
        let text = manifest as NSString
        let matches = declaration.matches(in: manifest, range: NSRange(location: 0, length: text.length))
        for (index, match) in matches.enumerated() {
            let name = text.substring(with: match.range(at: 1))
            let end = index + 1 < matches.count ? matches[index + 1].range.location : text.length
            let body = text.substring(with: NSRange(location: match.range.upperBound, length: end - match.range.upperBound))
            guard let list = body.range(of: "dependencies: [") else { result[name] = []; continue }
            let names = body[list.upperBound...].prefix { $0 != "]" }
            let quoted = names.split(separator: "\"", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            result[name] = Set(quoted.filter { !$0.hasPrefix("swift-") && !$0.hasPrefix("hdrhistogram") })
        }
        return result
    }

    @Test("The fuzz targets depend on neither SwiftNIO nor swift-subprocess")
    func fuzzTargetsAreLight() throws {
        let dependencies = try Self.dependencies()
        #expect(dependencies["CVConformHarness"]?.contains("NIOPosix") == true, "the manifest was not read")
        for target in ["cvconform-fuzz-trace", "cvconform-fuzz-wire", "cvconform-fuzz-log"] {
            var closure: Set<String> = [], pending = [target]
            while let next = pending.popLast() {
                for dependency in dependencies[next] ?? [] where closure.insert(dependency).inserted { pending.append(dependency) }
            }
            #expect(!closure.isEmpty, "\(target) was not found in Package.swift")
            #expect(closure.isDisjoint(with: ["NIOCore", "NIOPosix", "Subprocess", "CVConformHarness"]), "\(target): \(closure.sorted())")
        }
    }
}
