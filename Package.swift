// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "cvconform",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cvconform", targets: ["cvconform"]),
        .executable(name: "cvconform-example", targets: ["cvconform-example"]),
        .library(name: "CVConformTrace", targets: ["CVConformTrace"]),
        .library(name: "CVConformModel", targets: ["CVConformModel"]),
        .library(name: "CVConformMutation", targets: ["CVConformMutation"]),
        .library(name: "CVConformCells", targets: ["CVConformCells"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // TCP to implementations (--connect): non-blocking channels with line framing.
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        // Implementations as child processes (--exec): process groups,
        // close-on-exec, teardown, and waiting for an exit without blocking a thread.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.0"),
        // File descriptors for the pipes to a child process (swift-subprocess's own dependency).
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        // Latency percentiles of `load` in fixed memory. A 0.x minor may
        // break its API, so only patches of the minor it was built with.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", .upToNextMinor(from: "0.2.0")),
    ],
    targets: [
        // libxml2 from the system (Debian: libxml2-dev), through pkg-config.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        // The C library of this platform (Glibc, Musl or Darwin), in one
        // place, and files written so that no reader sees half of one.
        .target(name: "CVConformPlatform"),
        // JSON: one pull reader over UTF-8 bytes and one ordered value type
        // (wire lines, reports written and read). No dependencies.
        .target(name: "CVConformJSON"),
        // The trace format: messages, administration, the XML reader and writer.
        .target(name: "CVConformTrace", dependencies: ["CLibXML2", "CVConformPlatform"]),
        // The reference model: one state machine per system role, and the monitor.
        .target(name: "CVConformModel", dependencies: ["CVConformTrace"]),
        // The model's mutants (mutate, generate, verify --mutant, serve
        // --mutant): the catalog, a mutated system, and the search that
        // tells a mutant from the reference.
        .target(name: "CVConformMutation", dependencies: ["CVConformTrace", "CVConformModel"]),
        // The model in independent cells (contract section 7): a partition
        // of an administration, the one placement of messages into cells
        // that load and check-log share, and a judge per cell.
        .target(name: "CVConformCells", dependencies: ["CVConformTrace", "CVConformModel"]),
        // verify (contract section 9): every state of the model over a
        // bounded universe, its invariants, and the Promela for SPIN.
        .target(name: "CVConformVerify", dependencies: ["CVConformTrace", "CVConformModel", "CVConformMutation"]),
        // The wire protocol of contract section 5: the codec of its lines
        // (msg in one pass for the usual shape, the other ops, the setup of
        // a reset) and the reference model behind it (`serve`).
        .target(name: "CVConformWire", dependencies: ["CVConformJSON", "CVConformTrace", "CVConformModel", "CVConformMutation"]),
        // The harness: implementations under test (reference, subprocess,
        // TCP, on SwiftNIO and swift-subprocess), the replay engines of
        // contract sections 5 and 8, the suite runner, recording.
        .target(
            name: "CVConformHarness",
            dependencies: [
                "CVConformJSON", "CVConformTrace", "CVConformModel", "CVConformMutation", "CVConformPlatform", "CVConformWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // check-log (contract sections 7 and 8): reading a log in batches,
        // cutting it into segments and cells, judging each, and cutting
        // traces out of it. Only the wire codec and the model.
        .target(name: "CVConformLogs", dependencies: ["CVConformJSON", "CVConformTrace", "CVConformModel", "CVConformCells", "CVConformWire", "CVConformPlatform"]),
        // explore, mutate and generate: driving an implementation with
        // stimuli the model chooses, shrinking what fails, and judging a
        // suite by the mistakes it catches.
        .target(name: "CVConformExploration", dependencies: ["CVConformTrace", "CVConformModel", "CVConformCells", "CVConformMutation", "CVConformWire", "CVConformHarness", "CVConformVerify"]),
        // load: many cells at once, judged online, with latency percentiles.
        .target(
            name: "CVConformLoad",
            dependencies: [
                "CVConformTrace", "CVConformModel", "CVConformCells", "CVConformWire", "CVConformHarness", "CVConformPlatform",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // Reports: the JSON, JUnit, HTML and terminal reports of every
        // command, expectations, shards, merge and diff.
        .target(name: "CVConformReports", dependencies: ["CVConformJSON", "CVConformTrace", "CVConformModel", "CVConformMutation", "CVConformWire", "CVConformHarness", "CVConformLogs", "CVConformExploration", "CVConformLoad", "CVConformVerify"]),
        // The subcommands, as a library so tests can reach them.
        .target(
            name: "CVConformCommands",
            dependencies: [
                "CVConformJSON", "CVConformTrace", "CVConformModel", "CVConformMutation", "CVConformWire", "CVConformHarness", "CVConformLogs", "CVConformExploration", "CVConformLoad",
                "CVConformVerify", "CVConformReports", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "cvconform", dependencies: ["CVConformCommands"]),
        // An implementation of the system written apart from the reference
        // model (three actors), speaking the JSON Lines protocol: a worked
        // example for implementers and a fixture for the adapter tests.
        // Measurements for Scripts/bench, kept out of the cvconform product.
        .executableTarget(name: "cvconform-bench",
                          dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser"), "CVConformHarness", "CVConformJSON",
                                         "CVConformModel", "CVConformCells", "CVConformMutation", "CVConformWire", "CVConformLogs", "CVConformExploration", "CVConformLoad", "CVConformVerify", "CVConformReports", "CVConformTrace"],
                          path: "Benchmarks/cvconform-bench"),
        .executableTarget(name: "cvconform-example", dependencies: ["CVConformPlatform"], path: "Sources/ExampleImplementation"),
        // What every test target shares: the repository's root, the built
        // executables, running the command (awaited, on swift-subprocess),
        // suite traces, temporary folders.
        .target(
            name: "CVConformTestSupport",
            dependencies: [
                "CVConformJSON", "CVConformTrace",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/CVConformTestSupport"
        ),
        // What the tests of the harness and the modules above it share: a
        // scripted implementation and a replay with short waits.
        .target(name: "CVConformHarnessTestSupport", dependencies: ["CVConformHarness", "CVConformTrace", "CVConformWire"],
                path: "Tests/CVConformHarnessTestSupport"),
        // Fuzz targets (Scripts/fuzz; README, "Fuzzing"). Built plainly they
        // replay the files named; with -sanitize=fuzzer,address -DFUZZING
        // they are libFuzzer binaries.
        .systemLibrary(name: "CFuzzerDriver", path: "Fuzz/CFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzerDriver"], path: "Fuzz/FuzzSupport"),
        .executableTarget(name: "cvconform-fuzz-trace", dependencies: ["FuzzSupport", "CVConformModel", "CVConformTrace"], path: "Fuzz/TraceTarget"),
        .executableTarget(name: "cvconform-fuzz-wire", dependencies: ["FuzzSupport", "CVConformWire", "CVConformJSON", "CVConformTrace"], path: "Fuzz/WireTarget"),
        .executableTarget(name: "cvconform-fuzz-log", dependencies: ["FuzzSupport", "CVConformLogs", "CVConformModel", "CVConformCells"], path: "Fuzz/LogTarget"),
        .testTarget(name: "CVConformJSONTests", dependencies: ["CVConformJSON", "CVConformTestSupport"]),
        .testTarget(name: "CVConformTraceTests", dependencies: ["CVConformTrace", "CVConformTestSupport", "CLibXML2"]),
        .testTarget(name: "CVConformWireTests", dependencies: ["CVConformWire", "CVConformJSON", "CVConformModel", "CVConformTrace", "CVConformTestSupport"]),
        .testTarget(name: "CVConformVerifyTests", dependencies: ["CVConformVerify", "CVConformModel", "CVConformMutation", "CVConformTrace", "CVConformTestSupport"]),
        .testTarget(name: "CVConformMutationTests", dependencies: ["CVConformMutation", "CVConformModel", "CVConformTrace", "CVConformTestSupport"]),
        .testTarget(name: "CVConformCellsTests", dependencies: ["CVConformCells", "CVConformModel", "CVConformTrace", "CVConformTestSupport"]),
        .testTarget(name: "CVConformModelTests", dependencies: ["CVConformModel", "CVConformTrace", "CVConformTestSupport"]),
        .testTarget(name: "CVConformLogsTests", dependencies: ["CVConformLogs", "CVConformWire", "CVConformJSON", "CVConformModel", "CVConformCells", "CVConformTrace", "CVConformTestSupport"]),
        .testTarget(name: "CVConformExplorationTests", dependencies: ["CVConformHarnessTestSupport", "CVConformExploration", "CVConformHarness", "CVConformModel", "CVConformMutation", "CVConformTrace", "CVConformTestSupport"]),
        .testTarget(name: "CVConformLoadTests", dependencies: ["CVConformHarnessTestSupport", "CVConformLoad", "CVConformReports", "CVConformLogs", "CVConformHarness", "CVConformWire", "CVConformModel", "CVConformCells", "CVConformTrace", "CVConformTestSupport"]),
        .testTarget(name: "CVConformHarnessTests", dependencies: ["CVConformHarnessTestSupport", "CVConformHarness", "CVConformWire", "CVConformJSON", "CVConformModel", "CVConformMutation", "CVConformTrace", "CVConformTestSupport"]),
        .testTarget(name: "CVConformReportsTests", dependencies: ["CVConformReports", "CVConformLoad", "CVConformWire", "CVConformHarness", "CVConformModel", "CVConformTrace", "CVConformJSON", "CVConformTestSupport"]),
        .testTarget(name: "CVConformCommandsTests", dependencies: ["CVConformCommands", "CVConformJSON", "CVConformModel", "CVConformTrace", "CVConformTestSupport", "CLibXML2"]),
    ],
    swiftLanguageModes: [.v6]
)
