// swift-tools-version: 6.0
import PackageDescription

// Dependencies point downward only: each pipeline stage is its own module
// (load → resolve → render → emit → diff), the runner stands apart and never
// sees the team format, and the `pedregal` executable only parses arguments.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "pedregal",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pedregal", targets: ["pedregal"]),
        .library(name: "PedregalCompiler", targets: ["PedregalCompiler"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),

        .target(name: "PedregalDiagnostics", swiftSettings: strict),
        .target(name: "PedregalYAML", dependencies: ["CYAML", "PedregalDiagnostics"], swiftSettings: strict),
        .target(name: "PedregalSpec", dependencies: ["PedregalDiagnostics"], swiftSettings: strict),
        .target(name: "PedregalLoader", dependencies: ["PedregalSpec", "PedregalYAML"], swiftSettings: strict),
        .target(name: "PedregalResolver", dependencies: ["PedregalSpec"], swiftSettings: strict),
        .target(name: "PedregalManifests", dependencies: ["PedregalYAML"], swiftSettings: strict),
        // Edits to team files that keep their comments and layout (expiry, cluster requests).
        .target(name: "PedregalTeamEdits", dependencies: ["PedregalYAML"], swiftSettings: strict),
        .target(name: "PedregalRenderers", dependencies: ["PedregalResolver", "PedregalManifests"], swiftSettings: strict),
        .target(name: "PedregalEmitter", dependencies: ["PedregalManifests"], swiftSettings: strict),
        .target(
            name: "PedregalCompiler",
            dependencies: ["PedregalLoader", "PedregalResolver", "PedregalRenderers", "PedregalEmitter", "PedregalTeamEdits"],
            swiftSettings: strict),
        .target(name: "PedregalDiff", dependencies: ["PedregalCompiler"], swiftSettings: strict),
        // `pedregal init`: a new platform repository, or a new team file.
        .target(name: "PedregalScaffold", dependencies: ["PedregalCompiler"], swiftSettings: strict),
        // The runner applies generated/ and runs jobs; it reads manifests, never the team format.
        .target(
            name: "PedregalRunner",
            dependencies: [
                "PedregalManifests",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "pedregal",
            dependencies: [
                "PedregalCompiler",
                "PedregalDiff",
                "PedregalRunner",
                "PedregalScaffold",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),

        // Measures the compiler on thousands of generated teams against a parse-and-emit floor.
        .executableTarget(name: "pedregal-bench", dependencies: ["PedregalCompiler"], swiftSettings: strict),

        .target(name: "PedregalTestSupport", dependencies: ["PedregalCompiler"], path: "Tests/PedregalTestSupport"),
        .testTarget(name: "PedregalYAMLTests", dependencies: ["PedregalYAML", "PedregalTestSupport"]),
        .testTarget(name: "PedregalManifestsTests", dependencies: ["PedregalManifests"]),
        .testTarget(name: "PedregalTeamEditsTests", dependencies: ["PedregalTeamEdits"]),
        .testTarget(name: "PedregalLoaderTests", dependencies: ["PedregalLoader", "PedregalTestSupport"]),
        .testTarget(name: "PedregalResolverTests", dependencies: ["PedregalCompiler", "PedregalTestSupport"]),
        .testTarget(
            name: "PedregalCompilerTests", dependencies: ["PedregalCompiler", "PedregalTestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(name: "PedregalCLITests", dependencies: ["PedregalTestSupport"]),
        .testTarget(name: "PedregalScaffoldTests", dependencies: ["PedregalScaffold", "PedregalTestSupport"]),
        .testTarget(name: "PedregalDiffTests", dependencies: ["PedregalDiff", "PedregalTestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "PedregalRunnerTests",
            dependencies: [
                "PedregalRunner", "PedregalTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
    ]
)
