import Logging

/// The one place where a server is declared down or up, whoever found out:
/// the periodic health check, a call whose own connection attempt failed, or
/// a session probe that was refused. A change is recorded once per
/// transition: the registry's health, a `server-down` or `server-up` event,
/// and, when a server dies, its sessions are forgotten (they no longer count
/// towards placement's load bound nor in `GET /servers`) and listed in a
/// `sessions-lost` audit line; their next call is told the session is gone.
final class ServerLiveness: Sendable {
    /// Who found a server down.
    enum Finder: String, Sendable {
        case healthCheck = "health-check"
        case call = "call"
        case probe = "probe"
    }

    let registry: BackendRegistry
    let sessions: SessionTable
    let log: GatewayLog

    init(registry: BackendRegistry, sessions: SessionTable, log: GatewayLog) {
        self.registry = registry
        self.sessions = sessions
        self.log = log
    }

    /// Records that `server` does not answer; returns whether that is news.
    @discardableResult
    func down(_ server: ServerAddress, foundBy finder: Finder, error: String) -> Bool {
        guard registry.setHealthy(server, false) else { return false }
        log.event(
            "server-down", ["server": .string(server.description), "found_by": .string(finder.rawValue), "error": .string(error)])
        let lost = sessions.forget(server: server)
        guard !lost.isEmpty else { return true }
        let teams = Dictionary(registry.table.routes.map { ($0.name, $0.team) }, uniquingKeysWith: { first, _ in first })
        log.audit(
            "sessions-lost",
            [
                "server": .string(server.description), "count": .int(lost.count),
                "sessions": .array(
                    lost.map { record in
                        .dictionary([
                            "route": .string(record.route), "team": .string(teams[record.route] ?? ""),
                            "subject": .string(record.owner), "session": .string(record.sessionID),
                        ])
                    }),
            ])
        return true
    }

    /// Records that `server` answers again.
    func up(_ server: ServerAddress) {
        if registry.setHealthy(server, true) {
            log.event("server-up", ["server": .string(server.description)])
        }
    }
}
