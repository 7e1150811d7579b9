import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PedregalAuth
import PedregalKubernetes
import ServiceLifecycle

/// The assembled gateway: the proxy listener, the operations listener, and
/// the background work (route refresh, health checks, JWKS refresh, session
/// expiry). `run()` serves until graceful shutdown (SIGTERM under a
/// `ServiceGroup`), then stops accepting, sends GOAWAY and waits for running
/// calls up to the drain timeout.
public final class GatewayApplication: Service, Sendable {
    /// The configuration it was built from.
    public let configuration: GatewayConfiguration
    private let group: MultiThreadedEventLoopGroup
    private let core: GatewayCore
    private let server: ProxyServer
    private let admin: AdminServer
    private let watcher: RouteWatcher
    private let health: HealthChecker
    private let kubernetes: KubernetesClient?
    private let draining = ManagedAtomicFlag()

    /// Builds the gateway; nothing is bound until `start()` or `run()`.
    public init(_ configuration: GatewayConfiguration) throws {
        self.configuration = configuration
        if configuration.tlsCertificate == nil, !GatewayConfiguration.isLoopback(configuration.host) {
            throw GatewayConfigurationError(
                message: "refusing to serve plaintext h2c on '\(configuration.host)': h2c is for loopback tests only; "
                    + "give --tls-certificate and --tls-key, or listen on 127.0.0.1")
        }
        if (configuration.tlsCertificate == nil) != (configuration.tlsKey == nil) {
            throw GatewayConfigurationError(message: "give both --tls-certificate and --tls-key, or neither")
        }
        let serverTLS = try configuration.tlsCertificate.map { certificate in
            try Self.serverTLS(certificate: certificate, key: configuration.tlsKey!)
        }
        var clientTLS = TLSConfiguration.makeClientConfiguration()
        clientTLS.applicationProtocols = ["h2"]
        let upstreamTLS = try NIOSSLContext(configuration: clientTLS)

        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        let registry = BackendRegistry()
        let log = StructuredLog(configuration.log)
        let liveness = ServerLiveness(registry: registry, sessions: SessionTable(), log: log)
        let health = HealthChecker(liveness: liveness, group: group, interval: configuration.healthInterval, timeout: .seconds(1))
        self.health = health
        let pools = BackendPools(group: group, tls: upstreamTLS) { address in health.suspect(address) }
        let keys = KeyStore(source: configuration.jwks)
        core = GatewayCore(
            settings: configuration.proxy, liveness: liveness,
            verifier: TokenVerifier(configuration: configuration.verifier, keys: keys), metrics: GatewayMetrics(), pools: pools
        ) { address in health.suspect(address) }
        server = ProxyServer(core: core, group: group, tls: serverTLS)
        let source: any RouteSource
        switch configuration.routes {
        case .folder(let folder):
            kubernetes = nil
            source = FolderRouteSource(folder: folder, backendsFile: configuration.backendsFile)
        case .cluster(let options, let namespace):
            let connection = try Connection.resolve(options, environment: ProcessInfo.processInfo.environment)
            let client = try KubernetesClient(connection: connection)
            kubernetes = client
            source = ClusterRouteSource(client: client, namespace: namespace, backendsFile: configuration.backendsFile)
        }
        watcher = RouteWatcher(
            source: source, registry: registry, log: log, interval: configuration.routeRefresh,
            groupPrefix: configuration.proxy.groupPrefix)
        let draining = self.draining
        let core = self.core
        admin = AdminServer(core: core, adminGroups: configuration.adminGroups) {
            !draining.isSet && core.registry.isLoaded && core.verifier.keys.isLoaded
        }
    }

    private static func serverTLS(certificate: String, key: String) throws -> NIOSSLContext {
        do {
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            tls.applicationProtocols = ["h2"]
            tls.minimumTLSVersion = .tlsv12
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw GatewayConfigurationError(message: "cannot use TLS certificate '\(certificate)' with key '\(key)': \(error)")
        }
    }

    /// The addresses the listeners bound.
    public struct Addresses: Sendable {
        /// Client-facing port.
        public var port: Int
        /// Operations port.
        public var adminPort: Int
    }

    private let bound = NIOLockedValueBox<(Addresses, any Channel)?>(nil)
    /// The routes `start` loaded, where the watcher goes on from.
    private let loadedRoutes = NIOLockedValueBox<RoutingSnapshot?>(nil)

    /// Loads routes and keys once, then binds both listeners. Failing to load
    /// either does not stop the start: `/readyz` stays 503 until they load.
    @discardableResult
    public func start() async throws -> Addresses {
        let routes = await watcher.refresh(previous: nil)
        loadedRoutes.withLockedValue { $0 = routes }
        do { try await core.verifier.keys.refresh() } catch {
            core.log.write("event", ["event": "keys-unavailable", "error": .string(error.description)])
        }
        let address = try await server.bind(host: configuration.host, port: configuration.port)
        let adminChannel = try await admin.bind(group: group, host: configuration.adminHost, port: configuration.adminPort)
        let addresses = Addresses(port: address.port ?? 0, adminPort: adminChannel.localAddress?.port ?? 0)
        bound.withLockedValue { $0 = (addresses, adminChannel) }
        core.log.write(
            "event",
            [
                "event": "listening", "port": .int(addresses.port), "admin_port": .int(addresses.adminPort),
                "tls": .string(configuration.tlsCertificate == nil ? "off (h2c, loopback)" : "on"),
            ])
        return addresses
    }

    /// Runs the background work until cancelled.
    public func runBackground() async {
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await self.watcher.run(after: self.loadedRoutes.withLockedValue { $0 }) }
            tasks.addTask { await self.health.run() }
            tasks.addTask { await self.core.verifier.keys.run() }
            tasks.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(60))
                    self.core.sessions.expire(idle: self.configuration.sessionIdleTimeout)
                }
            }
            await withTaskCancellationHandler {
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            } onCancel: {
                self.health.stop()
            }
            tasks.cancelAll()
        }
    }

    /// Stops: `/readyz` turns 503, GOAWAY to clients, running calls finish
    /// (up to the drain timeout), then everything closes.
    public func stop() async {
        draining.set()
        core.log.write("event", ["event": "draining", "connections": .int(server.connectionCount)])
        await server.shutdown(timeout: configuration.drainTimeout)
        if let (_, adminChannel) = bound.withLockedValue({ $0 }) { try? await adminChannel.close() }
        try? await kubernetes?.shutdown()
        try? await group.shutdownGracefully()
        core.log.write("event", ["event": "stopped"])
    }

    /// Runs under a `ServiceGroup` that turns SIGTERM and SIGINT into a
    /// graceful shutdown.
    public func runUntilSignalled() async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: [self], gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "pedregal-gateway")))
        try await group.run()
    }

    /// Serves until graceful shutdown is requested, then stops.
    public func run() async throws {
        try await start()
        let background = Task { await runBackground() }
        try? await gracefulShutdown()
        background.cancel()
        await stop()
        _ = await background.value
    }
}

/// A flag set once, read from any thread.
final class ManagedAtomicFlag: Sendable {
    private let value = NIOLockedValueBox(false)
    var isSet: Bool { value.withLockedValue { $0 } }
    func set() { value.withLockedValue { $0 = true } }
}
