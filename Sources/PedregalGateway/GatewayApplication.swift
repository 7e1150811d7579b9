import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PedregalAuth
import PedregalBasics
import PedregalKubernetes
import PedregalServerSupport
import ServiceLifecycle

/// The assembled gateway, a `Service`: `run()` loads routes and keys, then
/// runs every part as a service of one `ServiceGroup`: the log sink, the
/// operations listener (Hummingbird), the route watcher, the health checker,
/// the JWKS refresh, session expiry and the proxy listener. On graceful
/// shutdown (SIGTERM under `runUntilSignalled`) they stop in reverse order:
/// first the proxy (`/readyz` turns 503, GOAWAY to clients, running calls
/// finish up to the drain timeout), last the log sink, which writes out
/// every line.
public final class GatewayApplication: Service, Sendable {
    /// The ports the listeners bound.
    public struct Addresses: Sendable, Equatable {
        /// Client-facing port.
        public var port: Int
        /// Operations port.
        public var adminPort: Int
    }

    /// The configuration it was built from.
    public let configuration: GatewayConfiguration
    /// Where its lines go.
    public let log: GatewayLog
    private let sink: LogSink
    private let group: MultiThreadedEventLoopGroup
    private let core: GatewayCore
    private let server: ProxyServer
    private let watcher: RouteWatcher
    private let health: HealthChecker
    private let kubernetes: KubernetesClient?
    private let draining = Locked(false)
    private let listening = Listening()

    /// Builds the gateway; nothing is bound or read until `run()`.
    public init(_ configuration: GatewayConfiguration) throws {
        self.configuration = configuration
        if configuration.tlsCertificate == nil, !GatewayConfiguration.isLoopback(configuration.host) {
            throw GatewayConfigurationError(
                message: "refusing to serve plaintext h2c on '\(configuration.host)': h2c is for loopback tests only; "
                    + "give --tls-certificate and --tls-key, or listen on 127.0.0.1")
        }
        let serverTLS: NIOSSLContext?
        switch (configuration.tlsCertificate, configuration.tlsKey) {
        case (nil, nil): serverTLS = nil
        case (let certificate?, let key?): serverTLS = try Self.serverTLS(certificate: certificate, key: key)
        default: throw GatewayConfigurationError(message: "give both --tls-certificate and --tls-key, or neither")
        }
        var clientTLS = TLSConfiguration.makeClientConfiguration()
        clientTLS.applicationProtocols = ["h2"]
        let upstreamTLS = try NIOSSLContext(configuration: clientTLS)

        sink = LogSink(configuration.log)
        log = GatewayLog(sink: sink)
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        let registry = BackendRegistry()
        let liveness = ServerLiveness(registry: registry, sessions: SessionTable(), log: log)
        let health = HealthChecker(liveness: liveness, group: group, interval: configuration.healthInterval, timeout: .seconds(1))
        self.health = health
        let pools = BackendPools(group: group, tls: upstreamTLS) { address in health.suspect(address) }
        core = GatewayCore(
            settings: configuration.proxy, liveness: liveness,
            verifier: TokenVerifier(configuration: configuration.verifier, keys: KeyStore(source: configuration.jwks)),
            metrics: GatewayMetrics(), pools: pools
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
            source: source, registry: registry, log: log, interval: configuration.routeRefresh, groupPrefix: configuration.proxy.groupPrefix
        )
        let core = self.core
        let sink = self.sink
        let draining = self.draining
        core.metrics.watch {
            .init(
                sessions: core.sessions.sessionsByRoute(), executions: core.sessions.executionsByRoute(),
                backends: core.registry.table.routes.flatMap { route in
                    core.registry.servers(for: route).map { (route.name, $0.description, core.registry.isHealthy($0)) }
                },
                routes: core.registry.table.routes.count, ready: Self.readiness(core: core, draining: draining) == .ready,
                bufferedRequestBytes: core.bounds.requestBuffers.bytes, droppedLogLines: sink.droppedLines)
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

    private static func readiness(core: GatewayCore, draining: Locked<Bool>) -> OperationsRouter.Readiness {
        if draining.current { return .notReady("draining") }
        if !core.registry.isLoaded { return .notReady("routes not loaded") }
        if !core.verifier.keys.isLoaded { return .notReady("the issuer's keys not loaded") }
        return .ready
    }

    /// The ports, once both listeners are bound; throws if `run()` failed first.
    public func addresses() async throws -> Addresses { try await listening.wait() }

    /// Writes out every log line queued so far.
    public func flushLog() async { await sink.flush() }

    /// Loads routes and keys once (failing to load either does not stop the
    /// start: `/readyz` stays 503 until they load), then serves until
    /// graceful shutdown, and drains.
    public func run() async throws {
        do {
            try await serve()
        } catch {
            listening.fail(error)
            try? await shutdownResources()
            throw error
        }
        try? await shutdownResources()
    }

    private func serve() async throws {
        let loaded = await watcher.refresh(previous: nil)
        do { try await core.verifier.keys.refresh() } catch {
            log.event("keys-unavailable", level: .warning, ["error": .string(error.description)])
        }
        let core = self.core
        let draining = self.draining
        let router = OperationsRouter.make(metrics: core.metrics.exporter) { Self.readiness(core: core, draining: draining) }
        AdminEndpoints.add(to: router, core: core, adminGroups: configuration.adminGroups)
        let admin = OperationsRouter.application(
            router: router, host: configuration.adminHost, port: configuration.adminPort, serverName: "pedregal-gateway", group: group,
            logger: log.logger
        ) { [listening] port in listening.admin(port) }
        let checks: [any Service] = configuration.healthInterval > .zero ? [health] : []
        let services: [any Service] =
            [sink, admin, RouteWatcherService(watcher: watcher, loaded: loaded)] + checks + [
                TaskService("jwks-refresh") { await core.verifier.keys.run() },
                PeriodicService("session-expiry", every: .seconds(60), delayFirstRun: true) { [configuration] in
                    core.sessions.expire(idle: configuration.sessionIdleTimeout)
                },
                ProxyService(application: self),
            ]
        let group = ServiceGroup(
            configuration: .init(services: services.map { .init(service: $0) }, logger: log.logger.with(level: .notice)))
        try await group.run()
    }

    /// The proxy listener as a service: binds, serves until graceful
    /// shutdown, then drains.
    private struct ProxyService: Service {
        let application: GatewayApplication

        func run() async throws {
            let configuration = application.configuration
            let address = try await application.server.bind(host: configuration.host, port: configuration.port)
            application.listening.proxy(address.port ?? 0)
            application.log.event(
                "listening",
                [
                    "port": .int(address.port ?? 0),
                    "tls": .string(configuration.tlsCertificate == nil ? "off (h2c, loopback)" : "on"),
                ])
            try? await gracefulShutdown()
            application.draining.withLock { $0 = true }
            application.log.event("draining", ["connections": .int(application.server.connectionCount)])
            await application.server.shutdown(timeout: configuration.drainTimeout)
        }
    }

    private func shutdownResources() async throws {
        try? await kubernetes?.shutdown()
        try await group.shutdownGracefully()
        log.event("stopped")
        await sink.flush()
    }

    /// Runs under a `ServiceGroup` that turns SIGTERM and SIGINT into a
    /// graceful shutdown.
    public func runUntilSignalled() async throws {
        let group = ServiceGroup(
            configuration: .init(services: [self], gracefulShutdownSignals: [.sigterm, .sigint], logger: log.logger.with(level: .notice)))
        try await group.run()
    }
}

extension Logger {
    /// This logger at `level`.
    func with(level: Logger.Level) -> Logger {
        var logger = self
        logger.logLevel = level
        return logger
    }
}

/// The listeners' ports as they are bound, for whoever waits for them.
private final class Listening: Sendable {
    private struct State {
        var proxy: Int?
        var admin: Int?
        var failure: (any Error)?
        var waiters: [CheckedContinuation<GatewayApplication.Addresses, any Error>] = []
    }

    private let state = Locked(State())

    func proxy(_ port: Int) { update { $0.proxy = port } }
    func admin(_ port: Int) { update { $0.admin = port } }
    func fail(_ error: any Error) { update { $0.failure = error } }

    func wait() async throws -> GatewayApplication.Addresses {
        try await withCheckedThrowingContinuation { continuation in
            update { $0.waiters.append(continuation) }
        }
    }

    private func update(_ change: (inout State) -> Void) {
        let (waiters, result):
            ([CheckedContinuation<GatewayApplication.Addresses, any Error>], Result<GatewayApplication.Addresses, any Error>?) =
                state.withLock { state in
                    change(&state)
                    let result: Result<GatewayApplication.Addresses, any Error>?
                    if let failure = state.failure {
                        result = .failure(failure)
                    } else if let proxy = state.proxy, let admin = state.admin {
                        result = .success(.init(port: proxy, adminPort: admin))
                    } else {
                        result = nil
                    }
                    guard result != nil else { return ([], nil) }
                    defer { state.waiters = [] }
                    return (state.waiters, result)
                }
        guard let result else { return }
        for waiter in waiters { waiter.resume(with: result) }
    }
}
