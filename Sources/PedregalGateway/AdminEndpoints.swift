import Hummingbird
import PedregalAuth
import PedregalManifests
import PedregalServerSupport

/// The gateway's operations endpoints, served by Hummingbird beside
/// `/healthz`, `/readyz` and `/metrics` (`OperationsRouter`):
///
/// - `GET /servers`: every server with its health, cordon, sessions and executions;
/// - `GET /routes`: the routes loaded, as the compiler wrote them (`GatewayRoute`);
/// - `POST /servers/{cordon,drain,uncordon}?server=host:port`: for a bearer
///   token in one of the admin groups.
enum AdminEndpoints {
    /// One server in `GET /servers`.
    struct Server: Encodable {
        var server: String
        var healthy: Bool
        var cordon: String?
        var sessions: Int
        var executions: Int

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(server, forKey: .server)
            try container.encode(healthy, forKey: .healthy)
            // Always present: null when the server is not cordoned.
            if let cordon { try container.encode(cordon, forKey: .cordon) } else { try container.encodeNil(forKey: .cordon) }
            try container.encode(sessions, forKey: .sessions)
            try container.encode(executions, forKey: .executions)
        }

        enum CodingKeys: String, CodingKey { case server, healthy, cordon, sessions, executions }
    }

    /// The body of `GET /servers`.
    struct Servers: Encodable { var servers: [Server] }

    /// One route in `GET /routes`.
    struct Route: Encodable {
        var name: String
        var route: GatewayRoute
    }

    /// The body of `GET /routes`.
    struct Routes: Encodable { var routes: [Route] }

    static func add(to router: Router<BasicRequestContext>, core: GatewayCore, adminGroups: [String]) {
        router.get("servers") { _, _ in JSONBody(servers(core)) }
        router.get("routes") { _, _ in
            JSONBody(Routes(routes: core.registry.table.routes.map { Route(name: $0.name, route: $0.route) }))
        }
        router.post("servers/{action}") { request, context in
            let action = context.parameters.get("action") ?? ""
            guard let cordon = Cordon(action) else { throw Problem(.notFound, "no such endpoint: POST \(request.uri.path)") }
            return try await setCordon(
                cordon, action: action, server: request.uri.queryParameters.get("server"),
                authorization: request.headers[.authorization], core: core, adminGroups: adminGroups)
        }
    }

    /// What an action does to a server's cordon.
    private enum Cordon {
        case set(BackendRegistry.Cordon?)

        init?(_ action: String) {
            switch action {
            case "cordon": self = .set(.cordoned)
            case "drain": self = .set(.draining)
            case "uncordon": self = .set(nil)
            default: return nil
            }
        }
    }

    private static func setCordon(
        _ cordon: Cordon, action: String, server text: String?, authorization: String?, core: GatewayCore, adminGroups: [String]
    ) async throws -> JSONBody<Servers> {
        guard !adminGroups.isEmpty else {
            throw Problem(.forbidden, "cordon and drain are disabled: start the gateway with --admin-group")
        }
        let identity: VerifiedIdentity
        do {
            identity = try await core.verifier.verifyRefreshing(try TokenVerifier.bearerToken(authorization))
        } catch {
            throw Problem(.unauthorized, "\(error)")
        }
        guard identity.isMember(ofAny: adminGroups, prefix: core.settings.groupPrefix) else {
            throw Problem(.forbidden, "'\(identity.subject)' is not in an admin group")
        }
        guard let text, let server = ServerAddress(parsing: text) else {
            throw Problem(.badRequest, "give the server as ?server=host:port")
        }
        guard core.registry.allServers.contains(server) else {
            throw Problem(.notFound, "'\(server)' is not a server of any route")
        }
        if case .set(let value) = cordon { core.registry.setCordon(server, value) }
        core.log.audit("server-\(action)", ["server": .string(server.description), "subject": .string(identity.subject)])
        return JSONBody(servers(core))
    }

    private static func servers(_ core: GatewayCore) -> Servers {
        Servers(
            servers: core.registry.serverStates().map { state in
                Server(
                    server: state.address.description, healthy: state.healthy, cordon: state.cordon,
                    sessions: core.sessions.sessionCount(server: state.address),
                    executions: core.sessions.executionCount(server: state.address))
            })
    }
}
