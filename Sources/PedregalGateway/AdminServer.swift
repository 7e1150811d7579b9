import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import PedregalAuth

/// The operations listener (HTTP/1.1): `/healthz`, `/readyz`, `/metrics`,
/// `GET /servers`, and `POST /servers/{cordon,drain,uncordon}?server=host:port`
/// for operators in the admin group.
final class AdminServer: Sendable {
    struct Answer {
        var status: HTTPResponseStatus
        var contentType: String
        var body: String
    }

    private let core: GatewayCore
    private let adminGroups: [String]
    private let isReady: @Sendable () -> Bool

    init(core: GatewayCore, adminGroups: [String], isReady: @escaping @Sendable () -> Bool) {
        self.core = core
        self.adminGroups = adminGroups
        self.isReady = isReady
    }

    func bind(group: MultiThreadedEventLoopGroup, host: String, port: Int) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(AdminHandler(server: self))
                }
            }
            .bind(host: host, port: port).get()
    }

    /// Answers one request.
    func answer(method: HTTPMethod, uri: String, authorization: String?) -> Answer {
        let parts = uri.split(separator: "?", maxSplits: 1)
        let path = parts.first.map(String.init) ?? "/"
        let query = parts.count > 1 ? String(parts[1]) : ""
        switch (method, path) {
        case (.GET, "/healthz"):
            return Answer(status: .ok, contentType: "text/plain", body: "ok\n")
        case (.GET, "/readyz"):
            return isReady()
                ? Answer(status: .ok, contentType: "text/plain", body: "ready\n")
                : Answer(status: .serviceUnavailable, contentType: "text/plain", body: "not ready\n")
        case (.GET, "/metrics"):
            return Answer(
                status: .ok, contentType: "text/plain; version=0.0.4",
                body: core.metrics.render(registry: core.registry, sessions: core.sessions, ready: isReady()))
        case (.GET, "/servers"):
            return Answer(status: .ok, contentType: "application/json", body: serversJSON())
        case (.POST, "/servers/cordon"), (.POST, "/servers/drain"), (.POST, "/servers/uncordon"):
            return cordon(action: String(path.dropFirst("/servers/".count)), query: query, authorization: authorization)
        default:
            return problem(.notFound, "no such endpoint: \(method) \(path)")
        }
    }

    private func cordon(action: String, query: String, authorization: String?) -> Answer {
        guard !adminGroups.isEmpty else {
            return problem(.forbidden, "cordon and drain are disabled: start the gateway with --admin-group")
        }
        let identity: VerifiedIdentity
        do {
            identity = try core.verifier.verify(try TokenVerifier.bearerToken(authorization))
        } catch {
            return problem(.unauthorized, error.description)
        }
        guard identity.isMember(ofAny: adminGroups, prefix: core.settings.groupPrefix) else {
            return problem(.forbidden, "'\(identity.subject)' is not in an admin group")
        }
        let value = query.split(separator: "&").first { $0.hasPrefix("server=") }.map { String($0.dropFirst(7)) }
        guard let text = value?.removingPercentEncoding, let server = ServerAddress(parsing: text) else {
            return problem(.badRequest, "give the server as ?server=host:port")
        }
        guard core.registry.allServers.contains(server) else {
            return problem(.notFound, "'\(server)' is not a server of any route")
        }
        let cordon: BackendRegistry.Cordon? = action == "uncordon" ? nil : (action == "drain" ? .draining : .cordoned)
        core.registry.setCordon(server, cordon)
        core.log.write(
            "audit", ["event": .string("server-\(action)"), "server": .string(server.description), "subject": .string(identity.subject)])
        return Answer(status: .ok, contentType: "application/json", body: serversJSON())
    }

    private func serversJSON() -> String {
        let items = core.registry.serverStates().map { state in
            "{\"server\":\(StructuredLog.quote(state.address.description)),\"healthy\":\(state.healthy),"
                + "\"cordon\":\(state.cordon.map(StructuredLog.quote) ?? "null"),"
                + "\"sessions\":\(core.sessions.sessionCount(server: state.address)),"
                + "\"executions\":\(core.sessions.executionCount(server: state.address))}"
        }
        return "{\"servers\":[" + items.joined(separator: ",") + "]}\n"
    }

    private func problem(_ status: HTTPResponseStatus, _ detail: String) -> Answer {
        Answer(
            status: status, contentType: "application/problem+json",
            body:
                "{\"title\":\(StructuredLog.quote(status.reasonPhrase)),\"status\":\(status.code),\"detail\":\(StructuredLog.quote(detail))}\n"
        )
    }
}

private final class AdminHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: AdminServer
    private var head: HTTPRequestHead?

    init(server: AdminServer) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            let answer = server.answer(method: head.method, uri: head.uri, authorization: head.headers.first(name: "authorization"))
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: answer.contentType)
            headers.add(name: "content-length", value: String(answer.body.utf8.count))
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: answer.status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: answer.body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            self.head = nil
        }
    }
}
