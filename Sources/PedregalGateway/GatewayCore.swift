import Logging
import NIOCore
import PedregalAuth
import PedregalBasics

/// Everything the proxy's channel handlers share: the tables, the verifier,
/// the bounds, metrics and the log. Placement runs here: it gathers the facts
/// (the session table, the servers' health, probes) and applies the pure
/// rules of `PlacementDecisions` and `SessionFate`.
final class GatewayCore: Sendable {
    typealias Placed = CallStateMachine.Placed
    /// Where a session is, and whether this call opens it there.
    typealias Found = (server: ServerAddress, opensSession: Bool)

    let settings: ProxySettings
    let registry: BackendRegistry
    let sessions: SessionTable
    let verifier: TokenVerifier
    let metrics: GatewayMetrics
    let log: GatewayLog
    let pools: BackendPools
    let liveness: ServerLiveness
    let bounds: ClientBounds
    /// Asks the health checker to check a server now.
    let suspect: @Sendable (ServerAddress) -> Void
    private let locating = Locked([String: EventLoopFuture<Found>]())

    var timeouts: ConnectionTimeouts { settings.timeouts }

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
        self.bounds = ClientBounds(limits: settings.limits)
        self.suspect = suspect
    }

    /// Whether the route's servers are reached over TLS.
    func usesTLS(_ route: LoadedRoute) -> Bool { !route.isKubernetesService && settings.upstreamTLS }

    /// Chooses the server for a call of `method` in session `facts.sessionID`
    /// by `subject` on `route`, and for an execution takes one of the route's
    /// executions. Fails with a `GatewayRefusal`.
    func place(
        route: LoadedRoute, method: SparkConnectMethod, subject: String, facts: RequestFacts, authority: String,
        on loop: any EventLoop
    ) -> EventLoopFuture<Placed> {
        session(route: route, method: method, subject: subject, facts: facts, authority: authority, on: loop).flatMapThrowing { found in
            guard method.isExecution else { return Placed(server: found.server, opensSession: found.opensSession, countsExecution: false) }
            guard self.sessions.beginExecution(route: route.name, server: found.server, limit: self.settings.maxExecutionsPerRoute)
            else {
                // Refused before reaching the server: a session it opened does not exist there.
                if found.opensSession { self.sessions.release(route: route.name, sessionID: facts.sessionID, owner: subject) }
                throw PlacementDecisions.executionLimit(host: route.host, limit: self.settings.maxExecutionsPerRoute)
            }
            return Placed(server: found.server, opensSession: found.opensSession, countsExecution: true)
        }
    }

    private func session(
        route: LoadedRoute, method: SparkConnectMethod, subject: String, facts: RequestFacts, authority: String, on loop: any EventLoop
    ) -> EventLoopFuture<Found> {
        guard route.isKubernetesService else {
            // Pass-through upstream: no sessions of ours to place.
            return loop.makeCompletedFuture(
                PlacementDecisions.upstream(registry.servers(for: route), healthy: registry.isHealthy, route: route)
                    .map { (server: $0, opensSession: false) }.mapError { $0 as any Error })
        }
        if let record = sessions.lookup(route: route.name, sessionID: facts.sessionID, owner: subject) {
            switch PlacementDecisions.known(
                sessionID: facts.sessionID, server: record.server, healthy: registry.isHealthy(record.server),
                cordon: registry.cordon(of: record.server))
            {
            case .forward(let server): return loop.makeSucceededFuture((server, false))
            case .refuse(let refusal): return loop.makeFailedFuture(refusal)
            case .serverDown:
                // Its server died (the session was pinned as it did): the session went with it.
                sessions.forget(route: route.name, sessionID: facts.sessionID, owner: subject, server: record.server)
            }
        }
        let lostOn = sessions.lostServer(route: route.name, sessionID: facts.sessionID, owner: subject)
        if let refusal = PlacementDecisions.lost(
            sessionID: facts.sessionID, observed: facts.observedServerSessionID != nil, lostOn: lostOn,
            serverHealthy: lostOn.map(registry.isHealthy) ?? false, host: route.host)
        {
            return loop.makeFailedFuture(refusal)
        }
        let key = SessionTable.key(route: route.name, sessionID: facts.sessionID, owner: subject)
        // Concurrent first calls of one session share one lookup.
        let (future, promise) = locating.withLock { inFlight -> (EventLoopFuture<Found>, EventLoopPromise<Found>?) in
            if let running = inFlight[key] { return (running, nil) }
            let promise = loop.makePromise(of: Found.self)
            inFlight[key] = promise.futureResult
            return (promise.futureResult, promise)
        }
        guard let promise else {
            return future.hop(to: loop).flatMapThrowing { _ in
                guard let record = self.sessions.lookup(route: route.name, sessionID: facts.sessionID, owner: subject),
                    case .forward(let server) = PlacementDecisions.known(
                        sessionID: facts.sessionID, server: record.server, healthy: self.registry.isHealthy(record.server),
                        cordon: self.registry.cordon(of: record.server))
                else { throw PlacementDecisions.sharedLookupFailed(sessionID: facts.sessionID) }
                return (server, false)
            }
        }
        let located: EventLoopFuture<Found>
        if bounds.takeLookup(subject) {
            located = locate(route: route, method: method, subject: subject, facts: facts, authority: authority, on: loop)
        } else {
            metrics.recordLimited("session-lookups")
            located = loop.makeFailedFuture(
                PlacementDecisions.lookupLimit(
                    subject: subject, limit: settings.limits.sessionLookupsPerSubject, period: settings.limits.sessionLookupPeriod))
        }
        located.whenComplete { _ in self.locating.withLock { $0[key] = nil } }
        promise.completeWith(located)
        return located
    }

    /// Asks the route's healthy servers for the session; pins it where found,
    /// or opens it as new where placement says.
    private func locate(
        route: LoadedRoute, method: SparkConnectMethod, subject: String, facts: RequestFacts, authority: String, on loop: any EventLoop
    ) -> EventLoopFuture<Found> {
        let ranked = Placement.rank(sessionID: facts.sessionID, servers: registry.views(for: route, sessions: sessions).map(\.address))
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
                sessionID: facts.sessionID, host: route.host, observed: facts.observedServerSessionID != nil,
                probes: results.map { (server: $0.0, result: $0.1) }, down: down,
                heldByAnother: self.sessions.heldByAnother(route: route.name, sessionID: facts.sessionID, subject: subject))
            switch fate {
            case .refused(let refusal):
                throw refusal
            case .found(let server):
                let record = self.sessions.pin(route: route.name, sessionID: facts.sessionID, owner: subject, server: server)
                self.audit("session-found", route: route, subject: subject, sessionID: facts.sessionID, server: record.server, method: nil)
                return (try self.forward(record), false)
            case .open:
                let placed = PlacementDecisions.newSession(
                    sessionID: facts.sessionID, host: route.host, openSessions: self.sessions.sessionCount(route: route.name),
                    limit: self.settings.maxSessionsPerRoute, servers: self.registry.views(for: route, sessions: self.sessions),
                    loadFactor: self.settings.loadFactor)
                let record = self.sessions.pin(route: route.name, sessionID: facts.sessionID, owner: subject, server: try placed.get())
                self.audit(
                    "session-opened", route: route, subject: subject, sessionID: facts.sessionID, server: record.server, method: method)
                return (try self.forward(record), true)
            }
        }
    }

    private func forward(_ record: SessionRecord) throws(GatewayRefusal) -> ServerAddress {
        switch PlacementDecisions.known(
            sessionID: record.sessionID, server: record.server, healthy: true, cordon: registry.cordon(of: record.server))
        {
        case .forward(let server): return server
        case .refuse(let refusal): throw refusal
        case .serverDown: return record.server
        }
    }

    private func audit(
        _ event: String, route: LoadedRoute, subject: String, sessionID: String, server: ServerAddress, method: SparkConnectMethod?
    ) {
        var fields: Logger.Metadata = [
            "route": .string(route.name), "team": .string(route.team), "subject": .string(subject), "session": .string(sessionID),
            "server": .string(server.description),
        ]
        if let method { fields["method"] = .string(method.rawValue) }
        log.audit(event, fields)
    }

    /// A call's own connection to `server` failed: the server is down (logged
    /// once per transition), and the session placed there, if any, is lost.
    /// Returns the answer for the call.
    func connectFailed(
        _ server: ServerAddress, error: String, route: LoadedRoute, sessionID: String, subject: String, opensSession: Bool,
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
        return SessionFate.lost(sessionID: sessionID, servers: [server], host: route.host)
    }

    /// A placement arrived after its call ended: gives back what it took.
    func abandon(_ placed: Placed, route: LoadedRoute, sessionID: String, subject: String) {
        if placed.countsExecution { sessions.endExecution(route: route.name, server: placed.server) }
        // The call never reached the server, so the session it opened does not exist there.
        if placed.opensSession { sessions.release(route: route.name, sessionID: sessionID, owner: subject) }
    }

    /// A call ended: gives back what it held, and records it (metrics, access line).
    func record(_ ending: CallStateMachine.Ending, peer: String, duration: Duration) {
        if let route = ending.route {
            if let placed = ending.placed, placed.countsExecution { sessions.endExecution(route: route.name, server: placed.server) }
            if ending.abandonsSession || ending.releasesSession, let sessionID = ending.sessionID, let subject = ending.subject {
                sessions.release(route: route.name, sessionID: sessionID, owner: subject)
            }
        }
        let routeName = ending.route?.name ?? "(none)"
        metrics.record(route: routeName, code: ending.outcome.code, duration: duration)
        log.access(
            GatewayLog.Access(
                route: routeName, peer: peer, host: ending.host, status: ending.outcome.code.name,
                durationMilliseconds: Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15,
                team: ending.route?.team, subject: ending.subject, method: ending.method?.rawValue, session: ending.sessionID,
                server: ending.placed?.server.description, message: ending.outcome.message.isEmpty ? nil : ending.outcome.message))
    }
}
