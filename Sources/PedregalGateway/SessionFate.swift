/// What becomes of a call whose session this gateway has no live placement
/// for, decided from what the route's servers said: the pure rule behind the
/// answer a client gets when its server died.
///
/// A Spark Connect session lives in one server's memory: when that server is
/// gone, so is the session, and no retry can bring it back. Clients retry
/// `UNAVAILABLE` for minutes (pyspark: 15 times, backing off to 60 s), so a
/// lost session is answered the way Spark itself answers a client whose
/// server restarted under it: `INTERNAL` with the error class
/// `INVALID_HANDLE.SESSION_CHANGED` (`SparkError.sessionChanged`). pyspark
/// neither retries that nor re-sends the call (its reattaching iterator re-sends
/// only on `SESSION_NOT_FOUND`), and it closes the client, so the user's next
/// step is a new session. `UNAVAILABLE` is kept for what may pass: a server
/// that did not answer in time but did not refuse.
enum SessionFate: Equatable, Sendable {
    /// A server holds the session: forward the call there.
    case found(ServerAddress)
    /// The client has not used the session yet: place it as a new one.
    case open
    /// Answer the call with this.
    case refused(GatewayRefusal)

    /// The fate of a call in session `sessionID` on the route shown as `host`.
    /// - Parameters:
    ///   - observed: the client has seen the session (it sends the server's
    ///     session id), so the session exists, or existed, on some server.
    ///   - probes: what each healthy server said when asked for the session.
    ///   - down: the route's servers known not to answer (not asked).
    ///   - heldByAnother: another subject holds a session under this id.
    static func decide(
        sessionID: String, host: String, observed: Bool, probes: [(server: ServerAddress, result: ProbeResult)],
        down: [ServerAddress], heldByAnother: Bool
    ) -> SessionFate {
        if let holder = probes.first(where: { $0.result == .present }) { return .found(holder.server) }
        if heldByAnother { return .refused(GatewayRefusal(.permissionDenied, "session \(sessionID) belongs to another user")) }
        guard observed else { return .open }
        let silent = probes.filter { if case .unreachable = $0.result { return true } else { return false } }
        if !silent.isEmpty {
            return .refused(
                GatewayRefusal(
                    .unavailable,
                    "session \(sessionID) may be on a server that is not answering (\(silent.map(\.server.description).joined(separator: ", "))); "
                        + "retry, or start a new session"))
        }
        let gone = (down + probes.filter { $0.result == .refused }.map(\.server)).sorted()
        return .refused(lost(sessionID: sessionID, servers: gone, host: host))
    }

    /// The answer for a call of a session whose server is gone (or, with no
    /// `servers`, that no server of `host` holds any more).
    static func lost(sessionID: String, servers: [ServerAddress], host: String) -> GatewayRefusal {
        let cause: String
        switch servers.count {
        case 0: cause = "No Spark Connect server of \(host) holds session \(sessionID) any more (its server restarted, or it expired)"
        case 1: cause = "Session \(sessionID) was held by the Spark Connect server \(servers[0]) of \(host), which is gone"
        default:
            cause =
                "Session \(sessionID) was held by a Spark Connect server of \(host) that is gone "
                + "(\(servers.map(\.description).joined(separator: ", ")))"
        }
        return GatewayRefusal(
            .sessionChanged(handle: sessionID),
            "The handle \(sessionID) is invalid. \(cause); its state (temporary views, cached data, settings) is lost. "
                + "Open a new session (a new SparkSession) to go on.")
    }
}
