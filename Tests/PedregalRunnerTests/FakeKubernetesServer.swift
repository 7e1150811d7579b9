import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Serves a `FakeKubernetes` over HTTP/1.1 on 127.0.0.1 (an ephemeral
/// port), in plain text or TLS.
final class FakeKubernetesServer: Sendable {
    let api: FakeKubernetes
    let port: Int
    private let channel: any Channel

    private init(api: FakeKubernetes, port: Int, channel: any Channel) {
        self.api = api
        self.port = port
        self.channel = channel
    }

    /// Starts serving `api`; with `tls`, every connection is TLS.
    static func start(_ api: FakeKubernetes, tls: TLSConfiguration? = nil) async throws -> FakeKubernetesServer {
        let context = try tls.map { try NIOSSLContext(configuration: $0) }
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(FakeHTTPHandler(api: api))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakeKubernetesServer(api: api, port: channel.localAddress!.port!, channel: channel)
    }

    /// Stops listening.
    func stop() async throws {
        try await channel.close()
    }
}

/// Collects one request, asks the fake for the answer, writes it.
private final class FakeHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let api: FakeKubernetes
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(api: FakeKubernetes) {
        self.api = api
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let buffer):
            body += Array(buffer: buffer)
        case .end:
            guard let head else { return }
            respond(context, head)
        }
    }

    private func respond(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        let (path, query) = Self.split(head.uri)
        var headers: [String: String] = [:]
        for (name, value) in head.headers { headers[name.lowercased()] = value }
        let reply = api.handle(
            FakeKubernetes.Request(
                method: head.method.rawValue, path: path, query: query, headers: headers, body: body))
        switch reply {
        case .drop:
            context.close(promise: nil)
        case .response(let status, let extra, let text):
            var responseHeaders = HTTPHeaders(extra)
            responseHeaders.add(name: "Content-Length", value: String(text.utf8.count))
            if !head.isKeepAlive { responseHeaders.add(name: "Connection", value: "close") }
            let responseHead = HTTPResponseHead(
                version: head.version, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)
            context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
            if !head.isKeepAlive {
                written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            }
        }
    }

    private static func split(_ uri: String) -> (String, [String: String]) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, [:]) }
        var query: [String: String] = [:]
        for pair in uri[uri.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            query[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return (String(uri[..<mark]), query)
    }
}
