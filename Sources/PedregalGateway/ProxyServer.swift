import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP2
import NIOPosix
import NIOSSL

/// The client-facing listener: TLS (ALPN `h2`) or, on loopback only, h2c;
/// HTTP/2 with one `ProxyStreamHandler` per stream. Tracks connections so a
/// shutdown can send GOAWAY and wait for running calls to end.
final class ProxyServer: Sendable {
    private let core: GatewayCore
    private let group: MultiThreadedEventLoopGroup
    private let tls: NIOSSLContext?
    private let connections = NIOLockedValueBox([ObjectIdentifier: any Channel]())
    private let listener = NIOLockedValueBox<(any Channel)?>(nil)

    init(core: GatewayCore, group: MultiThreadedEventLoopGroup, tls: NIOSSLContext?) {
        self.core = core
        self.group = group
        self.tls = tls
    }

    /// Binds and returns the bound address.
    func bind(host: String, port: Int) async throws -> SocketAddress {
        let core = self.core
        let tls = self.tls
        let connections = self.connections
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let id = ObjectIdentifier(channel)
                    connections.withLockedValue { $0[id] = channel }
                    channel.closeFuture.whenComplete { _ in _ = connections.withLockedValue { $0.removeValue(forKey: id) } }
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    let state = NIOLoopBound(
                        ClientConnectionState(peer: channel.remoteAddress?.ipAddress ?? "?"), eventLoop: channel.eventLoop)
                    _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                        mode: .server, connectionConfiguration: HTTP2Tuning.connection(maxConcurrentStreams: 1000),
                        streamConfiguration: HTTP2Tuning.stream
                    ) { stream in
                        stream.eventLoop.makeCompletedFuture {
                            try stream.pipeline.syncOperations.addHandler(ProxyStreamHandler(core: core, connection: state.value))
                        }
                    }
                    try channel.pipeline.syncOperations.addHandler(GoAwayOnQuiesce())
                }
            }
            .bind(host: host, port: port).get()
        listener.withLockedValue { $0 = channel }
        return channel.localAddress!
    }

    /// Stops accepting, asks every connection to finish (GOAWAY), waits up
    /// to `timeout` for their calls to end, then closes what is left.
    func shutdown(timeout: Duration) async {
        if let channel = listener.withLockedValue({ $0 }) { try? await channel.close() }
        for channel in connections.withLockedValue({ Array($0.values) }) {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, !connections.withLockedValue({ $0.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for channel in connections.withLockedValue({ Array($0.values) }) { try? await channel.close() }
    }

    /// Open client connections.
    var connectionCount: Int { connections.withLockedValue { $0.count } }
}

/// On quiesce, sends GOAWAY (no new streams) and closes the connection once
/// its open streams have finished.
private final class GoAwayOnQuiesce: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame
    typealias InboundOut = HTTP2Frame
    typealias OutboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    private var quiescing = false
    private var openStreams = 0

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            quiescing = true
            let goAway = HTTP2Frame(
                streamID: .rootStream, payload: .goAway(lastStreamID: .maxID, errorCode: .noError, opaqueData: nil))
            context.writeAndFlush(wrapOutboundOut(goAway), promise: nil)
            if openStreams == 0 { context.close(promise: nil) }
        case is NIOHTTP2StreamCreatedEvent:
            openStreams += 1
            context.fireUserInboundEventTriggered(event)
        case is StreamClosedEvent:
            openStreams -= 1
            if quiescing && openStreams <= 0 { context.close(promise: nil) }
            context.fireUserInboundEventTriggered(event)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }
}
