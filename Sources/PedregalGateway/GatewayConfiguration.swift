import NIOCore
import PedregalAuth
import PedregalKubernetes
import PedregalServerSupport

/// Everything `pedregal gateway` is told; the CLI fills it from flags.
public struct GatewayConfiguration: Sendable {
    /// Where routes come from.
    public enum Routes: Sendable {
        /// A folder of route ConfigMaps, `generated/<cluster>/<gateway namespace>/`.
        case folder(String)
        /// The cluster: route ConfigMaps in `namespace`, endpoints of the team Services.
        case cluster(ConnectionOptions, namespace: String)
    }

    /// Client-facing address.
    public var host: String
    /// Client-facing port (0 picks a free one).
    public var port: Int
    /// PEM certificate chain for TLS; nil serves h2c, allowed on loopback only.
    public var tlsCertificate: String?
    /// PEM private key for TLS.
    public var tlsKey: String?
    /// Operations address (`/healthz`, `/readyz`, `/metrics`, `/servers`).
    public var adminHost: String
    /// Operations port (0 picks a free one).
    public var adminPort: Int
    /// Route origin.
    public var routes: Routes
    /// The backends file (static servers, upstreams, cordons).
    public var backendsFile: String?
    /// Token checks.
    public var verifier: VerifierConfiguration
    /// The issuer's JWKS: a file or an https URL.
    public var jwks: KeySource
    /// Groups allowed to cordon and drain servers; empty disables it.
    public var adminGroups: [String]
    /// Proxy limits.
    public var proxy: ProxySettings
    /// How often routes (and endpoints) are re-read.
    public var routeRefresh: Duration
    /// How often servers are health-checked; zero turns health checks off
    /// (servers are then found down by calls and session probes only).
    public var healthInterval: Duration
    /// Sessions idle this long are forgotten (Spark's default session timeout is 60 minutes).
    public var sessionIdleTimeout: Duration
    /// How long a shutdown waits for running calls.
    public var drainTimeout: Duration
    /// Event loop threads.
    public var threads: Int
    /// Where access, audit and event lines go.
    public var log: LogSink.Destination

    /// Creates a configuration with defaults for everything optional.
    public init(
        host: String = "127.0.0.1", port: Int = 15002, tlsCertificate: String? = nil, tlsKey: String? = nil,
        adminHost: String = "127.0.0.1", adminPort: Int = 9090, routes: Routes, backendsFile: String? = nil,
        verifier: VerifierConfiguration, jwks: KeySource, adminGroups: [String] = [], proxy: ProxySettings = ProxySettings(),
        routeRefresh: Duration = .seconds(5), healthInterval: Duration = .seconds(2), sessionIdleTimeout: Duration = .seconds(3900),
        drainTimeout: Duration = .seconds(30), threads: Int = System.coreCount, log: LogSink.Destination = .standardOutput
    ) {
        self.host = host
        self.port = port
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
        self.adminHost = adminHost
        self.adminPort = adminPort
        self.routes = routes
        self.backendsFile = backendsFile
        self.verifier = verifier
        self.jwks = jwks
        self.adminGroups = adminGroups
        self.proxy = proxy
        self.routeRefresh = routeRefresh
        self.healthInterval = healthInterval
        self.sessionIdleTimeout = sessionIdleTimeout
        self.drainTimeout = drainTimeout
        self.threads = threads
        self.log = log
    }

    /// Whether `host` is a loopback address, where h2c is allowed.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// A configuration that cannot run, with what to change.
public struct GatewayConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and how to fix it.
    public var message: String
    public var description: String { message }
}
