import Foundation

/// A built executable of this package: beside the test bundle, as `swift
/// test` builds it, or else in `.build/debug`.
public func builtExecutable(_ name: String) -> String {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path
    if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    return repositoryRoot + "/.build/debug/" + name
}

/// The built `cvconform`.
public let cvconformBinary = builtExecutable("cvconform")

/// The built `cvconform-example`.
public let exampleBinary = builtExecutable("cvconform-example")
