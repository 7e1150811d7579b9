import NIOCore

/// Limits and knobs of the proxy.
public struct ProxySettings: Sendable {
    /// Prefix of `allowedGroups` entries that the token's groups lack (`okta:`).
    public var groupPrefix: String
    /// Open sessions per route.
    public var maxSessionsPerRoute: Int
    /// Running executions (`ExecutePlan`, `ReattachExecute`) per route.
    public var maxExecutionsPerRoute: Int
    /// Largest request message read (Spark's default inbound limit is 128 MiB).
    public var maxRequestMessageBytes: Int
    /// Streams one client connection may have open at once (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS).
    public var maxConcurrentStreams: Int
    /// How long a session probe may take.
    public var probeTimeout: TimeAmount
    /// Placement's load bound factor.
    public var loadFactor: Double
    /// Whether pass-through upstreams (non-sk8 backends) are reached over TLS.
    public var upstreamTLS: Bool
    /// How long a client connection may stay in each phase.
    public var timeouts: ConnectionTimeouts
    /// How far one client address or one token may go.
    public var limits: ClientLimits

    /// Creates settings with the defaults.
    public init(
        groupPrefix: String = "okta:", maxSessionsPerRoute: Int = 500, maxExecutionsPerRoute: Int = 200,
        maxRequestMessageBytes: Int = 128 << 20, maxConcurrentStreams: Int = 100, probeTimeout: TimeAmount = .seconds(3),
        loadFactor: Double = 1.25, upstreamTLS: Bool = true, timeouts: ConnectionTimeouts = ConnectionTimeouts(),
        limits: ClientLimits = ClientLimits()
    ) {
        self.groupPrefix = groupPrefix
        self.maxSessionsPerRoute = maxSessionsPerRoute
        self.maxExecutionsPerRoute = maxExecutionsPerRoute
        self.maxRequestMessageBytes = maxRequestMessageBytes
        self.maxConcurrentStreams = maxConcurrentStreams
        self.probeTimeout = probeTimeout
        self.loadFactor = loadFactor
        self.upstreamTLS = upstreamTLS
        self.timeouts = timeouts
        self.limits = limits
    }
}
