import Foundation
import Hummingbird
import Logging
import NIOCore
import PedregalAuth
import PedregalKubernetes
import PedregalServerSupport
import ServiceLifecycle

/// Everything `pedregal serve` is told: where to listen, which repository
/// to change, whom to trust, which clusters to read.
public struct ServeConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The git remote (URL or path) the service pushes to.
    public var remote: String
    /// The branch Argo CD syncs.
    public var targetBranch: String
    /// The service's clone and idempotency records.
    public var stateDirectory: String
    /// The OIDC issuer tokens must come from.
    public var issuer: String
    /// Audiences a token may be for.
    public var audiences: [String]
    /// The issuer's keys.
    public var jwks: KeySource
    public var groupsClaim: String
    public var clockSkew: Duration
    /// How each generated/ cluster is reached, for `ready`.
    public var clusters: [String: ConnectionOptions]
    /// Largest request body accepted.
    public var maxBodyBytes: Int
    public var committerName: String
    public var committerEmail: String
    /// Extra environment for git.
    public var gitEnvironment: [String: String]
    /// How long `Idempotency-Key` answers are kept, in seconds.
    public var idempotencyLifetime: Int
    /// How often the remote's refs are listed to rebuild pending review
    /// branches on a target branch that moved (one `git ls-remote` when
    /// nothing moved).
    public var rebuildInterval: Duration

    /// Creates a configuration with the production defaults.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, remote: String, targetBranch: String = "main", stateDirectory: String,
        issuer: String, audiences: [String], jwks: KeySource, groupsClaim: String = "groups", clockSkew: Duration = .seconds(60),
        clusters: [String: ConnectionOptions] = [:], maxBodyBytes: Int = 64 * 1024, committerName: String = "pedregal",
        committerEmail: String = "pedregal@localhost", gitEnvironment: [String: String] = [:], idempotencyLifetime: Int = 86_400,
        rebuildInterval: Duration = .seconds(1)
    ) {
        self.host = host
        self.port = port
        self.remote = remote
        self.targetBranch = targetBranch
        self.stateDirectory = stateDirectory
        self.issuer = issuer
        self.audiences = audiences
        self.jwks = jwks
        self.groupsClaim = groupsClaim
        self.clockSkew = clockSkew
        self.clusters = clusters
        self.maxBodyBytes = maxBodyBytes
        self.committerName = committerName
        self.committerEmail = committerEmail
        self.gitEnvironment = gitEnvironment
        self.idempotencyLifetime = idempotencyLifetime
        self.rebuildInterval = rebuildInterval
    }
}

/// Builds the Cluster Request API: the router, its handlers and the services
/// that run beside the HTTP server (JWKS refresh), ready for `runService()`.
/// Nothing is read or fetched here: the repository is prepared and the keys
/// loaded before the server starts. `logSink`, where the logger's lines go
/// if they go through one, runs as the first service, so that it stops last
/// and writes out every line logged while the others stop.
public func buildApplication(
    _ configuration: ServeConfiguration, logger: Logger = Logger(label: "pedregal.serve"), logSink: LogSink? = nil,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let state = try ServiceState(configuration, logger: logger)
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: RequestMiddleware(state: state))
    let api = router.group("api/v1/spark-connect-clusters")
    api.post { request, context in try await state.respond(to: request, context: context, route: "create", handler: state.create) }
    api.get { request, context in try await state.respond(to: request, context: context, route: "list", handler: state.list) }
    api.get("{id}") { request, context in try await state.respond(to: request, context: context, route: "get", handler: state.get) }
    api.patch("{id}") { request, context in try await state.respond(to: request, context: context, route: "update", handler: state.update) }
    api.delete("{id}") { request, context in try await state.respond(to: request, context: context, route: "delete", handler: state.delete)
    }
    router.get("healthz") { _, _ in state.text("ok\n") }
    router.get("readyz") { _, _ in await state.readiness() }
    router.get("metrics") { _, _ in
        Response(
            status: .ok, headers: [.contentType: PrometheusExporter.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: state.metrics.exporter.exposition())))
    }
    router.get("openapi.yaml") { _, _ in state.text(OpenAPIDocument.text, type: "application/yaml") }

    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "pedregal"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
    if let logSink { app.addServices(logSink) }
    app.addServices(KeyRefresher(keys: state.keys), PendingChangeKeeper(state: state))
    app.beforeServerStarts {
        try await state.start()
    }
    return app
}

/// Refreshes the issuer's keys until shutdown.
struct KeyRefresher: Service {
    let keys: KeyStore

    func run() async throws {
        await cancelWhenGracefulShutdown { await keys.run() }
    }
}

/// Rebuilds pending review branches when the target branch moved (the
/// service's own pushes, merges, hand-made commits), and packs the
/// repository now and then.
struct PendingChangeKeeper: Service {
    let state: ServiceState

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var rounds = 0
            var moves = -1
            while !Task.isCancelled {
                try? await Task.sleep(for: state.configuration.rebuildInterval)
                guard state.isStarted else { continue }
                // The service's own moves rebuild the branches of the teams they touched at once; the rest wait for this.
                do {
                    try await state.requests.rebuildPendingChanges()
                } catch {
                    state.logger.warning("cannot rebuild pending changes: \(redactingCredentials("\(error)"))")
                }
                rounds += 1
                if moves != state.requests.targetMoves, rounds % 100 == 0 {
                    moves = state.requests.targetMoves
                    try? await state.requests.housekeeping()
                }
            }
        }
    }
}

/// Builds the application and runs it until SIGTERM or SIGINT.
public func serve(_ configuration: ServeConfiguration, logger: Logger? = nil, logSink: LogSink? = nil) async throws {
    let log = logger ?? Logger(label: "pedregal.serve")
    let app = try buildApplication(configuration, logger: log, logSink: logSink) { port in
        log.notice("listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
    }
    try await app.runService()
    log.notice("stopped")
    // The sink stopped with the other services; this last line would otherwise die with the process.
    await logSink?.flush()
}
