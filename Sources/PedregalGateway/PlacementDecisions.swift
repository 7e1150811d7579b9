/// The pure rules of placement: where a call of a known session goes, when a
/// session is known to be lost, whether a new session may open and where,
/// and the refusals when a limit is reached. `GatewayCore.place` gathers the
/// facts (tables, probes) and applies them.
enum PlacementDecisions {
    /// What becomes of a call of a session this gateway has a record of.
    enum Known: Equatable {
        /// Its server answers: forward there.
        case forward(ServerAddress)
        /// Refuse (its server is being drained).
        case refuse(GatewayRefusal)
        /// Its server is down: the record is stale, forget it and look further.
        case serverDown
    }

    /// The fate of a call whose session is placed on `server`.
    static func known(sessionID: String, server: ServerAddress, healthy: Bool, cordon: BackendRegistry.Cordon?) -> Known {
        guard healthy else { return .serverDown }
        if cordon == .draining {
            return .refuse(GatewayRefusal(.unavailable, "the server of session \(sessionID) is being drained; start a new session"))
        }
        return .forward(server)
    }

    /// The answer for a call of a session the client has used (`observed`)
    /// whose server died and is still down: Spark's `SESSION_CHANGED`, at
    /// once. Nil when the probes must decide (the server answers again, or
    /// the session was never lost).
    static func lost(sessionID: String, observed: Bool, lostOn server: ServerAddress?, serverHealthy: Bool, host: String)
        -> GatewayRefusal?
    {
        guard observed, let server, !serverHealthy else { return nil }
        return SessionFate.lost(sessionID: sessionID, servers: [server], host: host)
    }

    /// Where a new session goes, or why it cannot open: the route's limit of
    /// open sessions, else the first eligible server in HRW order under the
    /// load bound (`Placement.placeNew`).
    static func newSession(
        sessionID: String, host: String, openSessions: Int, limit: Int, servers: [ServerView], loadFactor: Double
    ) -> Result<ServerAddress, GatewayRefusal> {
        guard openSessions < limit else {
            return .failure(GatewayRefusal(.resourceExhausted, "route \(host) has its limit of \(limit) open sessions; retry later"))
        }
        guard let server = Placement.placeNew(sessionID: sessionID, servers: servers, loadFactor: loadFactor) else {
            return .failure(GatewayRefusal(.unavailable, "no Spark Connect server of \(host) is ready; retry shortly"))
        }
        return .success(server)
    }

    /// The upstream of a pass-through route: the first healthy one, else the first.
    static func upstream(_ servers: [ServerAddress], healthy: (ServerAddress) -> Bool, route: LoadedRoute) -> Result<
        ServerAddress, GatewayRefusal
    > {
        guard let server = servers.first(where: healthy) ?? servers.first else {
            return .failure(
                GatewayRefusal(.unavailable, "no upstream is configured for backend '\(route.backend)' of route '\(route.name)'"))
        }
        return .success(server)
    }

    /// The refusal of an execution when the route runs its limit.
    static func executionLimit(host: String, limit: Int) -> GatewayRefusal {
        GatewayRefusal(.resourceExhausted, "route \(host) runs its limit of \(limit) executions; retry later")
    }

    /// The refusal of a subject that looked up too many sessions too fast.
    static func lookupLimit(subject: String, limit: Int, period: Duration) -> GatewayRefusal {
        GatewayRefusal(
            .resourceExhausted,
            "'\(subject)' opened or looked up more than \(limit) sessions in \(period.components.seconds) s; "
                + "reuse a session (one SparkSession) or retry later")
    }

    /// What the call that shared another call's lookup gets when that lookup placed nothing.
    static func sharedLookupFailed(sessionID: String) -> GatewayRefusal {
        GatewayRefusal(.unavailable, "session \(sessionID) could not be placed; retry")
    }
}
