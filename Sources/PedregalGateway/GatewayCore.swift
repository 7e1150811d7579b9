import Foundation
import NIOConcurrencyHelpers
import NIOCore
import PedregalAuth

/// Limits and knobs of the proxy.
public struct ProxySettings: Sendable {
    /// Prefix of `allowedGroups` entries that the token's groups lack (`okta:`).
    public var groupPrefix: String
    /// Open sessions per route when the route sets none.
    public var maxSessionsPerRoute: Int
    /// Running executions per route when the route sets none.
    public var maxExecutionsPerRoute: Int
    /// Largest request message read (Spark's default inbound limit is 128 MiB).
    public var maxRequestMessageBytes: Int
    /// How long a session probe may take.
    public var probeTimeout: TimeAmount
    /// Placement's load bound factor.
    public var loadFactor: Double
    /// Whether pass-through upstreams (non-sk8 backends) are reached over TLS.
    public var upstreamTLS: Bool

    /// Creates settings with the defaults.
    public init(
        groupPrefix: String = "okta:", maxSessionsPerRoute: Int = 500, maxExecutionsPerRoute: Int = 200,
        maxRequestMessageBytes: Int = 128 << 20, probeTimeout: TimeAmount = .seconds(3), loadFactor: Double = 1.25,
        upstreamTLS: Bool = true
    ) {
        self.groupPrefix = groupPrefix
        self.maxSessionsPerRoute = maxSessionsPerRoute
        self.maxExecutionsPerRoute = maxExecutionsPerRoute
        self.maxRequestMessageBytes = maxRequestMessageBytes
        self.probeTimeout = probeTimeout
        self.loadFactor = loadFactor
        self.upstreamTLS = upstreamTLS
    }
}

/// Where a call goes, and whether this call opened the session there (so a
/// failure to reach the server can forget the placement instead of pinning
/// the session to a server that never saw it).
struct PlacedCall: Sendable {
    var server: ServerAddress
    var opensSession: Bool
}

/// Everything the proxy's channel handlers share.
final class GatewayCore: Sendable {
    let settings: ProxySettings
    let registry: BackendRegistry
    let sessions: SessionTable
    let verifier: TokenVerifier
    let metrics: GatewayMetrics
    let log: StructuredLog
    let pools: BackendPools
    let liveness: ServerLiveness
    /// Asks the health checker to check a server now.
    let suspect: @Sendable (ServerAddress) -> Void
    private let locating = NIOLockedValueBox([String: EventLoopFuture<PlacedCall>]())

    init(
        settings: ProxySettings, liveness: ServerLiveness, verifier: TokenVerifier, metrics: GatewayMetrics, pools: BackendPools,
        suspect: @escaping @Sendable (ServerAddress) -> Void
    ) {
        self.settings = settings
        self.registry = liveness.registry
        self.sessions = liveness.sessions
        self.verifier = verifier
        self.metrics = metrics
        self.log = liveness.log
        self.pools = pools
        self.liveness = liveness
        self.suspect = suspect
    }

    /// Whether the route's servers are reached over TLS.
    func usesTLS(_ route: GatewayRoute) -> Bool { !route.isKubernetesService && settings.upstreamTLS }

    /// Checks that `identity` may use `route`.
    func authorize(_ identity: VerifiedIdentity, route: GatewayRoute) throws(GatewayRefusal) {
        guard identity.isMember(ofAny: route.allowedGroups, prefix: settings.groupPrefix) else {
            metrics.recordAuthFailure("group")
            throw GatewayRefusal(
                .permissionDenied,
                "'\(identity.subject)' is in none of the groups allowed on \(route.hostnames.first ?? route.name) (team \(route.team))")
        }
    }

    /// Chooses the server for a call of `method` in session `facts.sessionID`
    /// by `subject` on `route`. Fails with a `GatewayRefusal`.
    func place(
        route: GatewayRoute, method: SparkConnectMethod, subject: String, facts: RequestFacts, authority: String,
        on loop: any EventLoop
    ) -> EventLoopFuture<PlacedCall> {
        guard route.isKubernetesService else {
            // Pass-through upstream: no sessions of ours to place.
            let servers = registry.servers(for: route)
            guard let server = servers.first(where: registry.isHealthy) ?? servers.first else {
                return loop.makeFailedFuture(
                    GatewayRefusal(.unavailable, "no upstream is configured for backend '\(route.backend)' of route '\(route.name)'"))
            }
            return loop.makeSucceededFuture(PlacedCall(server: server, opensSession: false))
        }
        if let record = sessions.lookup(route: route.name, sessionID: facts.sessionID, owner: subject) {
            if registry.isHealthy(record.server) {
                return loop.makeCompletedFuture { PlacedCall(server: try self.check(record, facts: facts), opensSession: false) }
            }
            // Its server died (the session was pinned as it did): the session went with it.
            sessions.forget(route: route.name, sessionID: facts.sessionID, owner: subject, server: record.server)
        }
        // A session whose server died is answered at once while that server is down; once it
        // answers again (a network partition healed, or a restart), the probes below decide.
        if facts.observedServerSessionID != nil,
            let server = sessions.lostServer(route: route.name, sessionID: facts.sessionID, owner: subject),
            !registry.isHealthy(server)
        {
            return loop.makeFailedFuture(SessionFate.lost(sessionID: facts.sessionID, servers: [server], host: Self.host(of: route)))
        }
        let key = SessionTable.key(route: route.name, sessionID: facts.sessionID, owner: subject)
        // Concurrent first calls of one session share one lookup.
        let (future, promise): (EventLoopFuture<PlacedCall>, EventLoopPromise<PlacedCall>?) = locating.withLockedValue {
            inFlight in
            if let running = inFlight[key] { return (running, nil) }
            let promise = loop.makePromise(of: PlacedCall.self)
            inFlight[key] = promise.futureResult
            return (promise.futureResult, promise)
        }
        guard let promise else {
            return future.hop(to: loop).flatMapThrowing { _ in
                guard let record = self.sessions.lookup(route: route.name, sessionID: facts.sessionID, owner: subject),
                    self.registry.isHealthy(record.server)
                else {
                    throw GatewayRefusal(.unavailable, "session \(facts.sessionID) could not be placed; retry")
                }
                return PlacedCall(server: try self.check(record, facts: facts), opensSession: false)
            }
        }
        let located = locate(route: route, method: method, subject: subject, facts: facts, authority: authority, on: loop)
        located.whenComplete { _ in self.locating.withLockedValue { $0[key] = nil } }
        promise.completeWith(located)
        return located
    }

    private func check(_ record: SessionRecord, facts: RequestFacts) throws(GatewayRefusal) -> ServerAddress {
        if registry.cordon(of: record.server) == .draining {
            throw GatewayRefusal(.unavailable, "the server of session \(facts.sessionID) is being drained; start a new session")
        }
        return record.server
    }

    /// How a route is named in messages: its first host.
    static func host(of route: GatewayRoute) -> String { route.hostnames.first ?? route.name }

    /// A call's own connection to `server` failed: the server is down (logged
    /// once per transition), and the session placed there, if any, is lost.
    /// Returns the answer for the call.
    func connectFailed(
        _ server: ServerAddress, error: String, route: GatewayRoute, sessionID: String, subject: String, opensSession: Bool,
        observed: Bool
    ) -> GatewayRefusal {
        liveness.down(server, foundBy: .call, error: error)
        // A pass-through upstream keeps its own sessions; one that did not answer may answer a retry.
        if opensSession || !observed || !route.isKubernetesService {
            // The client has seen nothing of the session: its retry may place it afresh.
            sessions.release(route: route.name, sessionID: sessionID, owner: subject)
            return GatewayRefusal(.unavailable, "cannot reach Spark Connect server \(server): \(error)")
        }
        sessions.forget(route: route.name, sessionID: sessionID, owner: subject, server: server)
        return SessionFate.lost(sessionID: sessionID, servers: [server], host: Self.host(of: route))
    }

    private func locate(
        route: GatewayRoute, method: SparkConnectMethod, subject: String, facts: RequestFacts, authority: String,
        on loop: any EventLoop
    ) -> EventLoopFuture<PlacedCall> {
        let views = registry.views(for: route, sessions: sessions)
        let ranked = Placement.rank(sessionID: facts.sessionID, servers: views.map(\.address))
        let healthy = ranked.filter(registry.isHealthy)
        let pool = pools.pool(on: loop)
        let probes = healthy.map { server in
            SessionProbe.run(
                server: server, sessionID: facts.sessionID, userID: subject, authority: authority, useTLS: false, pool: pool,
                timeout: settings.probeTimeout
            ).map { (server, $0) }
        }
        let down = ranked.filter { !registry.isHealthy($0) }
        return EventLoopFuture.whenAllSucceed(probes, on: loop).flatMapThrowing { results in
            for (server, result) in results {
                switch result {
                case .present: self.metrics.recordProbe("present")
                case .absent: self.metrics.recordProbe("absent")
                case .unreachable: self.metrics.recordProbe("unreachable")
                case .refused:
                    self.metrics.recordProbe("refused")
                    // A refused connection is definite: take the server out now, not at the next check.
                    self.liveness.down(server, foundBy: .probe, error: "connection refused to a session probe")
                }
            }
            let fate = SessionFate.decide(
                sessionID: facts.sessionID, host: Self.host(of: route), observed: facts.observedServerSessionID != nil,
                probes: results.map { (server: $0.0, result: $0.1) }, down: down,
                heldByAnother: self.sessions.heldByAnother(route: route.name, sessionID: facts.sessionID, subject: subject))
            switch fate {
            case .refused(let refusal):
                throw refusal
            case .found(let server):
                let record = self.sessions.pin(route: route.name, sessionID: facts.sessionID, owner: subject, server: server)
                self.log.write(
                    "audit",
                    [
                        "event": "session-found", "route": .string(route.name), "team": .string(route.team),
                        "subject": .string(subject), "session": .string(facts.sessionID),
                        "server": .string(record.server.description),
                    ])
                return PlacedCall(server: try self.check(record, facts: facts), opensSession: false)
            case .open:
                break
            }
            let limit = route.maxSessions ?? self.settings.maxSessionsPerRoute
            guard self.sessions.sessionCount(route: route.name) < limit else {
                throw GatewayRefusal(
                    .resourceExhausted, "route \(route.hostnames.first ?? route.name) has its limit of \(limit) open sessions; retry later")
            }
            let live = self.registry.views(for: route, sessions: self.sessions)
            guard let server = Placement.placeNew(sessionID: facts.sessionID, servers: live, loadFactor: self.settings.loadFactor)
            else {
                throw GatewayRefusal(
                    .unavailable, "no Spark Connect server of \(route.hostnames.first ?? route.name) is ready; retry shortly")
            }
            let record = self.sessions.pin(route: route.name, sessionID: facts.sessionID, owner: subject, server: server)
            self.log.write(
                "audit",
                [
                    "event": "session-opened", "route": .string(route.name), "team": .string(route.team),
                    "subject": .string(subject), "session": .string(facts.sessionID), "server": .string(record.server.description),
                    "method": .string(method.rawValue),
                ])
            return PlacedCall(server: try self.check(record, facts: facts), opensSession: true)
        }
    }
}
