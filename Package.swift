// swift-tools-version: 6.0
import PackageDescription

// Dependencies point downward only: each pipeline stage is its own module
// (load → resolve → render → emit → diff), the runner stands apart and never
// sees the team format, and the `pedregal` executable only parses arguments.
// CI sets PEDREGAL_WARNINGS_AS_ERRORS=1 so a warning in pedregal's own code fails the build;
// dependencies are not affected, and users' builds with newer compilers keep working.
let warningsAsErrors: [SwiftSetting] =
    Context.environment["PEDREGAL_WARNINGS_AS_ERRORS"] == "1" ? [.unsafeFlags(["-warnings-as-errors"])] : []
// PEDREGAL_FUZZ=1 (scripts/fuzz, and CI's sanitizer step, which shares its build) adds the libFuzzer targets
// of Tests/Fuzz and coverage instrumentation of pedregal's own modules; build it with --sanitize=address.
let fuzzing = Context.environment["PEDREGAL_FUZZ"] == "1"
let coverage: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table"])] : []
// PEDREGAL_SANITIZE_ADDRESS=1 (CI's sanitizer step, scripts/fuzz) instruments pedregal's own modules with
// AddressSanitizer, tests included, and links its runtime into every executable and test bundle (the loop at
// the end). Dependencies keep the objects of the plain build: on top of CI's debug build only
// pedregal's modules rebuild, about a minute, where `--sanitize=address` rebuilds every dependency too (six).
// The runtime still checks every allocation and free, whoever makes them; what it does not see is a bad
// access inside a dependency's own code (docs/fuzzing.md).
let addressSanitizer = Context.environment["PEDREGAL_SANITIZE_ADDRESS"] == "1"
let sanitizing: [SwiftSetting] = addressSanitizer ? [.unsafeFlags(["-sanitize=address"])] : []
let sanitizerRuntime: [LinkerSetting] = addressSanitizer ? [.unsafeFlags(["-sanitize=address"])] : []
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")] + warningsAsErrors + coverage

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
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // Tests only: the TLS test makes its certificate authority in-process.
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        // Spark event-log codecs (zstd, lz4, snappy) and the History Server's zip archives (zlib).
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", path: "Sources/CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CSnappy", path: "Sources/CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // What every module may need and none owns: RFC 3339 times, parallelMap, JSON
        // string quoting, whole-file POSIX reads and writes.
        .target(name: "PedregalBasics", swiftSettings: strict),
        .target(name: "PedregalDiagnostics", dependencies: ["PedregalBasics"], swiftSettings: strict),
        .target(name: "PedregalYAML", dependencies: ["CYAML", "PedregalDiagnostics", "PedregalBasics"], swiftSettings: strict),
        .target(name: "PedregalSpec", dependencies: ["PedregalDiagnostics"], swiftSettings: strict),
        .target(
            name: "PedregalLoader", dependencies: ["PedregalDiagnostics", "PedregalSpec", "PedregalYAML", "PedregalBasics"],
            swiftSettings: strict),
        .target(name: "PedregalResolver", dependencies: ["PedregalDiagnostics", "PedregalSpec", "PedregalBasics"], swiftSettings: strict),
        .target(name: "PedregalManifests", dependencies: ["PedregalYAML"], swiftSettings: strict),
        // Edits to team files that keep their comments and layout (expiry, cluster requests).
        .target(name: "PedregalTeamEdits", dependencies: ["PedregalDiagnostics", "PedregalYAML", "PedregalBasics"], swiftSettings: strict),
        .target(
            name: "PedregalRenderers",
            dependencies: ["PedregalSpec", "PedregalYAML", "PedregalResolver", "PedregalManifests", "PedregalBasics"], swiftSettings: strict
        ),
        .target(
            name: "PedregalEmitter",
            dependencies: ["PedregalYAML", "PedregalManifests", "PedregalBasics", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        // Kubernetes' and the CRDs' schemas (embedded), and checking objects against them.
        .target(
            name: "PedregalKubernetesSchemas",
            dependencies: ["PedregalDiagnostics", "PedregalYAML", "PedregalManifests", "PedregalBasics"], swiftSettings: strict),
        .target(
            name: "PedregalCompiler",
            dependencies: [
                "PedregalDiagnostics", "PedregalManifests", "PedregalSpec",
                "PedregalLoader", "PedregalResolver", "PedregalRenderers", "PedregalEmitter", "PedregalKubernetesSchemas",
                "PedregalTeamEdits", "PedregalDiff", "PedregalBasics", "PedregalAdvisor",
            ],
            swiftSettings: strict),
        .target(name: "PedregalDiff", dependencies: ["PedregalYAML", "PedregalManifests", "PedregalBasics"], swiftSettings: strict),
        // A root on disk as the command line works on it: the cache in .pedregal/cache and the output folder's index.
        .target(
            name: "PedregalWorkspace",
            dependencies: [
                "PedregalBasics", "PedregalCompiler", "PedregalDiagnostics", "PedregalEmitter", "PedregalLoader", "PedregalManifests",
                "PedregalResolver",
            ],
            swiftSettings: strict),
        // `pedregal init`: a new platform repository, or a new team file.
        .target(
            name: "PedregalScaffold", dependencies: ["PedregalDiagnostics", "PedregalLoader", "PedregalSpec", "PedregalCompiler"],
            swiftSettings: strict),
        // Why a Spark run failed and how to retry it: pure rules over the evidence the runner collects.
        .target(name: "PedregalRemediation", dependencies: ["PedregalBasics", "PedregalManifests"], swiftSettings: strict),
        // What a command prints and how it ends: the exit statuses, the text/JSON printer,
        // and the error that carries a status. The CLI and the runner print through it.
        .target(name: "PedregalConsole", dependencies: ["PedregalYAML"], swiftSettings: strict),
        // The Kubernetes API client: kubeconfig, connections (TLS verified), discovery, retries.
        .target(
            name: "PedregalKubernetes",
            dependencies: [
                "PedregalConsole", "PedregalManifests", "PedregalYAML", "PedregalBasics",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict),
        // The runner applies generated/ and runs jobs; it reads manifests (and the emitter's
        // header and path scheme, to refuse files `generate` would not write), never the team format.
        .target(
            name: "PedregalRunner",
            dependencies: [
                "PedregalBasics",
                "PedregalDiagnostics", "PedregalYAML", "PedregalManifests", "PedregalEmitter",
                "PedregalEventLog", "PedregalAdvisor", "PedregalRemediation", "PedregalConsole", "PedregalKubernetes",
            ],
            swiftSettings: strict),
        // OIDC JWT verification against a JWKS; shared by the gateway and the request API.
        .target(
            name: "PedregalAuth",
            dependencies: [
                "PedregalBasics",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // What both servers share: JSON logs written off the event loop (swift-log), metrics
        // (swift-metrics, one Prometheus exporter), the operations endpoints (Hummingbird),
        // background loops as services.
        .target(
            name: "PedregalServerSupport",
            dependencies: [
                "PedregalBasics",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // The Spark Gateway: an HTTP/2 proxy that routes Spark Connect by host, authenticates,
        // rewrites identity and pins sessions; reads routes from a folder or the cluster.
        .target(
            name: "PedregalGateway",
            dependencies: [
                "PedregalAuth", "PedregalBasics", "PedregalManifests", "PedregalYAML", "PedregalKubernetes", "PedregalServerSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict),
        // The Cluster Request API (`pedregal serve`): requests become reviewed changes to teams/.
        .target(
            name: "PedregalRequests",
            dependencies: [
                "PedregalDiagnostics", "PedregalEmitter", "PedregalLoader", "PedregalManifests", "PedregalResolver", "PedregalSpec",
                "PedregalCompiler", "PedregalTeamEdits", "PedregalRunner", "PedregalKubernetes", "PedregalConsole", "PedregalAuth",
                "PedregalBasics", "PedregalServerSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // Spark event logs as Spark writes them (rolling folders, codecs, the History Server), streamed into typed events
        // and run summaries; shared by sizing advice (APS) and failure classification.
        .target(
            name: "PedregalEventLog",
            dependencies: [
                "CZstd", "CLZ4", "CSnappy", "CZlib",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // Sizing advice (APS): run analysis, a scheduler simulation at other executor counts, recommendations within bounds.
        .target(name: "PedregalAdvisor", dependencies: ["PedregalEventLog", "PedregalYAML"], swiftSettings: strict),
        // `pedregal local`: a team's Spark Connect server on this machine, from its compiled template.
        .target(name: "PedregalLocal", dependencies: ["PedregalManifests", "PedregalYAML", "PedregalAuth"], swiftSettings: strict),
        .executableTarget(
            name: "pedregal",
            dependencies: [
                "PedregalManifests", "PedregalDiagnostics", "PedregalEmitter", "PedregalKubernetesSchemas", "PedregalLoader",
                "PedregalBasics",
                "PedregalCompiler",
                "PedregalLocal",
                "PedregalDiff",
                "PedregalConsole", "PedregalKubernetes", "PedregalRunner",
                "PedregalGateway",
                "PedregalRequests", "PedregalServerSupport",
                "PedregalAuth",
                "PedregalAdvisor", "PedregalEventLog", "PedregalYAML",
                .product(name: "Logging", package: "swift-log"),
                "PedregalScaffold",
                "PedregalWorkspace",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),

        // Measures the compiler on thousands of generated teams against a parse-and-emit floor.
        .executableTarget(
            name: "pedregal-bench",
            dependencies: [
                "PedregalDiagnostics", "PedregalEmitter", "PedregalKubernetesSchemas", "PedregalLoader", "PedregalManifests",
                "PedregalYAML", "PedregalCompiler", "PedregalBasics",
            ], swiftSettings: strict),
        // Measures APS on real event logs: the reader's MB/s per core and peak RSS, the replay's prediction error,
        // and what a recommendation really saves (scripts/advise-bench runs the real Spark jobs).
        .executableTarget(
            name: "pedregal-advise-bench", dependencies: ["CZstd", "PedregalEventLog", "PedregalAdvisor"], swiftSettings: strict),
        // Loopback gRPC peers (an echo backend, a unary client) for the gateway's benchmark and tests.
        .target(
            name: "PedregalGatewayPeers",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
            ],
            swiftSettings: strict),
        // Measures the gateway against a direct connection: unary calls per second and latency.
        .executableTarget(
            name: "pedregal-gateway-bench",
            dependencies: [
                "PedregalGateway", "PedregalAuth", "PedregalGatewayPeers", "PedregalManifests", "PedregalYAML",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // Measures the Cluster Request API against the change alone and a bare HTTP round trip.
        .executableTarget(
            name: "pedregal-requests-bench",
            dependencies: [
                "PedregalLoader",
                "PedregalRequests", "PedregalAuth", "PedregalCompiler", "PedregalTeamEdits",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),

        .target(
            name: "PedregalTestSupport",
            dependencies: ["PedregalDiagnostics", "PedregalEmitter", "PedregalLoader", "PedregalCompiler", "PedregalSeededRandom"],
            path: "Tests/PedregalTestSupport"),
        // SplitMix64, for the seeded tests and scenario generators.
        .target(name: "PedregalSeededRandom", path: "Tests/PedregalSeededRandom", swiftSettings: strict),
        .testTarget(name: "PedregalYAMLTests", dependencies: ["PedregalDiagnostics", "PedregalYAML", "PedregalTestSupport"]),
        .testTarget(name: "PedregalManifestsTests", dependencies: ["PedregalYAML", "PedregalManifests"]),
        .testTarget(name: "PedregalEmitterTests", dependencies: ["PedregalBasics", "PedregalEmitter"]),
        .testTarget(
            name: "PedregalWorkspaceTests",
            dependencies: [
                "PedregalBasics", "PedregalCompiler", "PedregalEmitter", "PedregalLoader", "PedregalTestSupport", "PedregalWorkspace",
            ]),
        .testTarget(name: "PedregalTeamEditsTests", dependencies: ["PedregalTeamEdits"]),
        .testTarget(name: "PedregalEventLogTests", dependencies: ["PedregalEventLog"], exclude: ["Fixtures"]),
        // Random but valid jobs and runs for the advisor's property test and fuzz target, with the promises they check.
        .target(
            name: "PedregalAdvisorScenarios",
            dependencies: ["PedregalAdvisor", "PedregalEventLog", "PedregalYAML", "PedregalSeededRandom"],
            path: "Tests/PedregalAdvisorScenarios", swiftSettings: strict),
        .testTarget(
            name: "PedregalAdvisorTests", dependencies: ["PedregalAdvisor", "PedregalEventLog", "PedregalAdvisorScenarios", "PedregalYAML"]),
        .testTarget(
            name: "PedregalRenderersTests", dependencies: ["PedregalCompiler", "PedregalManifests", "PedregalYAML", "PedregalTestSupport"]),
        .testTarget(
            name: "PedregalLoaderTests", dependencies: ["PedregalSpec", "PedregalCompiler", "PedregalLoader", "PedregalTestSupport"]),
        .testTarget(
            name: "PedregalResolverTests",
            dependencies: [
                "PedregalDiagnostics", "PedregalManifests", "PedregalResolver", "PedregalSpec", "PedregalYAML", "PedregalBasics",
                "PedregalCompiler", "PedregalTestSupport",
            ]),
        .testTarget(
            name: "PedregalCompilerTests",
            dependencies: [
                "PedregalDiagnostics", "PedregalKubernetesSchemas", "PedregalLoader", "PedregalManifests", "PedregalRenderers",
                "PedregalBasics", "PedregalCompiler", "PedregalEmitter", "PedregalTestSupport",
            ],
            exclude: ["Fixtures"]),
        .testTarget(name: "PedregalCLITests", dependencies: ["PedregalBasics", "PedregalTestSupport"]),
        .testTarget(
            name: "PedregalKubernetesSchemasTests", dependencies: ["PedregalYAML", "PedregalKubernetesSchemas", "PedregalTestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "PedregalScaffoldTests",
            dependencies: ["PedregalCompiler", "PedregalLoader", "PedregalSpec", "PedregalScaffold", "PedregalTestSupport"]),
        .testTarget(
            name: "PedregalDiffTests",
            dependencies: [
                "PedregalCompiler", "PedregalManifests", "PedregalYAML", "PedregalBasics", "PedregalDiff",
                "PedregalTestSupport",
            ], exclude: ["Fixtures"]),
        .testTarget(
            name: "PedregalLocalTests", dependencies: ["PedregalManifests", "PedregalLocal", "PedregalCompiler", "PedregalTestSupport"]),
        .testTarget(
            name: "PedregalRunnerTests",
            dependencies: [
                "PedregalDiagnostics", "PedregalManifests", "PedregalYAML",
                "PedregalBasics",
                "PedregalRunner", "PedregalKubernetes", "PedregalConsole", "PedregalEmitter", "PedregalTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]),
        .testTarget(
            name: "PedregalRemediationTests", dependencies: ["PedregalRemediation"], exclude: ["Fixtures"]),
        .testTarget(
            name: "PedregalAuthTests", dependencies: ["PedregalAuth"]),
        .testTarget(
            name: "PedregalServerSupportTests",
            dependencies: [
                "PedregalServerSupport", "PedregalBasics",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
        .testTarget(
            name: "PedregalGatewayTests",
            dependencies: [
                "PedregalYAML", "PedregalBasics",
                "PedregalGateway", "PedregalAuth", "PedregalGatewayPeers", "PedregalCompiler", "PedregalManifests", "PedregalKubernetes",
                "PedregalTestSupport", "PedregalLoader", "PedregalServerSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
            ]),
        .testTarget(
            name: "PedregalRequestsTests",
            dependencies: [
                "PedregalCompiler", "PedregalDiagnostics", "PedregalDiff", "PedregalEmitter", "PedregalLoader",
                "PedregalBasics",
                "PedregalRequests", "PedregalAuth", "PedregalTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
    ] + (fuzzing ? fuzzTargets : [])
)

/// One libFuzzer executable per parser of untrusted input (docs/fuzzing.md); libFuzzer's driver comes from
/// the toolchain (-sanitize=fuzzer at link time).
var fuzzTargets: [Target] {
    let fuzzer: [LinkerSetting] = [.unsafeFlags(["-sanitize=fuzzer"])]
    let targets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzTeamFiles", ["PedregalLoader", "PedregalYAML", "PedregalDiagnostics"]),
        ("FuzzTokens", ["PedregalAuth"]),
        ("FuzzSparkConnect", ["PedregalGateway", .product(name: "NIOCore", package: "swift-nio")]),
        ("FuzzRequestBodies", ["PedregalRequests", "PedregalSpec"]),
        ("FuzzEventLogs", ["PedregalEventLog"]),
        ("FuzzAdvisor", ["PedregalAdvisorScenarios"]),
    ]
    return [
        .systemLibrary(name: "CLibFuzzer", path: "Tests/Fuzz/CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"], path: "Tests/Fuzz/FuzzSupport", swiftSettings: strict),
    ]
        + targets.map { target in
            .executableTarget(
                name: target.name, dependencies: ["FuzzSupport"] + target.dependencies, path: "Tests/Fuzz/\(target.name)",
                swiftSettings: strict, linkerSettings: fuzzer)
        }
}

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + sanitizing
    target.linkerSettings = (target.linkerSettings ?? []) + sanitizerRuntime
}
