import Foundation
import Logging
import NIOCore
import NIOPosix
import PedregalAuth
import PedregalGateway
import PedregalGatewayPeers
import PedregalManifests
import PedregalYAML
import ServiceLifecycle

/// The benchmark's peers: two echo backends (small answers, and 32 MiB ones),
/// a token issuer, and a gateway routing `echo.bench.team` and
/// `bulk.bench.team` to them from a folder of route ConfigMaps, as
/// `pedregal gateway --routes` does.
struct BenchFixture {
    var echo: EchoBackend
    var bulk: EchoBackend
    var gateway: GatewayApplication
    var gatewayPort: Int
    /// The gateway runs as `pedregal gateway` runs it: in a service group, stopped by graceful shutdown.
    private var services: ServiceGroup
    private var running: Task<Void, any Error>
    var token: String
    private var peers: MultiThreadedEventLoopGroup
    private var folder: URL

    static func start(gatewayThreads: Int) async throws -> BenchFixture {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-gateway-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let peers = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let echo = try await EchoBackend.start(group: peers)
        let bulk = try await EchoBackend.start(group: peers, responseBytes: 32 << 20)

        let issuer = try TokenIssuer.rsa(keyID: "bench")
        let issuerURL = "https://issuer.bench.test"
        let jwks = folder.appendingPathComponent("jwks.json")
        try TokenIssuer.jwks([issuer]).write(to: jwks, atomically: true, encoding: .utf8)
        let routes = folder.appendingPathComponent("routes")
        try FileManager.default.createDirectory(at: routes, withIntermediateDirectories: true)
        for (name, service) in [("echo", "sc-echo"), ("bulk", "sc-bulk")] {
            let route = GatewayRoute(
                hostnames: ["\(name).bench.team"], team: "bench", environment: "dev", namespace: "bench", service: service, port: 15002,
                backend: "sk8", allowedGroups: ["okta:bench"])
            let configMap: YAMLValue = [
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": [
                    "name": .string("route.bench.\(name)"), "labels": [Vocabulary.component: .string(SparkComponent.gatewayRoute)],
                ],
                "data": [Vocabulary.routeKey: .string(route.text)],
            ]
            try YAMLWriter.document(configMap).write(to: routes.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
        let backends = folder.appendingPathComponent("backends.yaml")
        try "services:\n  bench/sc-echo: [127.0.0.1:\(echo.port)]\n  bench/sc-bulk: [127.0.0.1:\(bulk.port)]\n".write(
            to: backends, atomically: true, encoding: .utf8)
        // Access lines are formatted and written as in production, to /dev/null.
        guard let devNull = FileHandle(forWritingAtPath: "/dev/null") else { throw BenchError(message: "cannot open /dev/null") }
        let gateway = try GatewayApplication(
            GatewayConfiguration(
                port: 0, adminPort: 0, routes: .folder(routes.path), backendsFile: backends.path,
                verifier: VerifierConfiguration(issuer: issuerURL, audiences: ["spark"]), jwks: .file(jwks.path),
                proxy: ProxySettings(maxSessionsPerRoute: 10_000, maxExecutionsPerRoute: 10_000), threads: gatewayThreads,
                log: .fileHandle(devNull)))
        let services = ServiceGroup(configuration: .init(services: [gateway], logger: Logger(label: "pedregal-gateway-bench")))
        let running = Task { try await services.run() }
        let addresses = try await gateway.addresses()
        let token = try issuer.token(subject: "bench@example.com", groups: ["bench"], issuer: issuerURL, audience: "spark")
        return BenchFixture(
            echo: echo, bulk: bulk, gateway: gateway, gatewayPort: addresses.port, services: services, running: running, token: token,
            peers: peers, folder: folder)
    }

    func stop() async {
        await services.triggerGracefulShutdown()
        _ = try? await running.value
        await echo.stop()
        await bulk.stop()
        try? await peers.shutdownGracefully()
        try? FileManager.default.removeItem(at: folder)
    }
}
