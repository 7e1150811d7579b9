import Logging
import NIOCore
import NIOHTTP2
import NIOPosix
import NIOSSL
import PedregalBasics

/// The client-facing listener: TLS (ALPN `h2`) or, on loopback only, h2c;
/// HTTP/2 with one `ProxyStreamHandler` per stream and a `ConnectionManager`
/// per connection. Connections past the bounds of `ClientBounds` (in all,
/// per address, an address that keeps misbehaving) are closed at accept;
/// those of a misbehaving address before NIO registers them, after a delay
/// (`MisbehavingSourceFilter`).
/// Tracks connections so a shutdown can send GOAWAY and wait for running
/// calls to end.
final class ProxyServer: Sendable {
    private let core: GatewayCore
    private let group: MultiThreadedEventLoopGroup
    private let tls: NIOSSLContext?
    private let connections = Locked([ObjectIdentifier: any Channel]())
    private let listener = Locked<(any Channel)?>(nil)
    /// Refusals at accept since the last `connections-refused` event, which is written at most every 10 s.
    private let refusals = Locked((count: 0, logged: ContinuousClock.Instant?.none))

    init(core: GatewayCore, group: MultiThreadedEventLoopGroup, tls: NIOSSLContext?) {
        self.core = core
        self.group = group
        self.tls = tls
    }

    /// Binds and returns the bound address.
    func bind(host: String, port: Int) async throws -> SocketAddress {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        MisbehavingSourceFilter(limits: core.bounds.limits) { [self] source in
                            guard core.bounds.refusesMisbehaving(source) else { return false }
                            refused(source, .misbehaving)
                            return true
                        })
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try self.initialize(channel) }
            }
            .bind(host: host, port: port).get()
        listener.withLock { $0 = channel }
        guard let address = channel.localAddress else { throw GatewayConfigurationError(message: "the listener has no address") }
        return address
    }

    private func initialize(_ channel: any Channel) throws {
        let source = channel.remoteAddress?.ipAddress ?? "?"
        if let refusal = core.bounds.admitConnection(from: source) {
            refused(source, refusal)
            channel.close(promise: nil)
            return
        }
        let id = ObjectIdentifier(channel)
        connections.withLock { $0[id] = channel }
        core.metrics.connectionsChanged(by: 1)
        let core = self.core
        let manager = ConnectionManager(timeouts: core.timeouts) { reason, error in
            core.metrics.recordConnectionClosed(reason.rawValue)
            guard reason.isMisbehaviour else { return }
            var fields: Logger.Metadata = ["peer": .string(source), "reason": .string(reason.rawValue)]
            if let error { fields["error"] = .string("\(error)") }
            core.log.event("connection-closed", level: .notice, fields)
        }
        let bound = NIOLoopBound(manager, eventLoop: channel.eventLoop)
        channel.closeFuture.whenComplete { [connections] _ in
            _ = connections.withLock { $0.removeValue(forKey: id) }
            // The bounds first: once the gauge shows the connection gone, its misbehaviour is counted.
            core.bounds.connectionClosed(from: source, misbehaved: bound.value.closeReason?.isMisbehaviour ?? false)
            core.metrics.connectionsChanged(by: -1)
        }
        if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
        let connection = NIOLoopBound(ClientConnection(peer: source), eventLoop: channel.eventLoop)
        connection.value.manager = manager
        _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
            mode: .server,
            connectionConfiguration: HTTP2Tuning.connection(maxConcurrentStreams: core.settings.maxConcurrentStreams),
            streamConfiguration: HTTP2Tuning.stream
        ) { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(ProxyStreamHandler(core: core, connection: connection.value))
            }
        }
        try channel.pipeline.syncOperations.addHandler(manager)
    }

    /// On the listener's pipeline, ahead of NIO's accept handler: refuses an accepted connection
    /// whose address is past its misbehaviour bound before it is registered with an event loop,
    /// its options set or its pipeline built (each of which cost the gateway CPU per refusal),
    /// and closes it after `misbehavingSourceCloseDelay` without reading it, so that a client
    /// that reconnects as soon as it is closed waits that long per attempt.
    private final class MisbehavingSourceFilter: ChannelInboundHandler {
        typealias InboundIn = any Channel
        typealias InboundOut = any Channel
        let refuses: (String) -> Bool
        let delay: TimeAmount
        let maxHeld: Int
        /// Connections waiting for their delayed close; only touched on the listener's event loop.
        var held: [ObjectIdentifier: any Channel] = [:]

        init(limits: ClientLimits, refuses: @escaping (String) -> Bool) {
            self.refuses = refuses
            delay = TimeAmount(limits.misbehavingSourceCloseDelay)
            maxHeld = limits.maxHeldRefusals
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let accepted = unwrapInboundIn(data)
            guard let source = accepted.remoteAddress?.ipAddress, refuses(source) else {
                context.fireChannelRead(data)
                return
            }
            guard delay > .zero, held.count < maxHeld else {
                accepted.close(promise: nil)
                return
            }
            let id = ObjectIdentifier(accepted)
            held[id] = accepted
            let filter = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: delay) {
                filter.value.held.removeValue(forKey: id)?.close(promise: nil)
            }
        }

        /// The listener closed (the gateway is shutting down): a held connection is closed now,
        /// not left to a timer its event loop may never run.
        func channelInactive(context: ChannelHandlerContext) {
            for channel in held.values { channel.close(promise: nil) }
            held.removeAll()
            context.fireChannelInactive()
        }
    }

    private func refused(_ source: String, _ refusal: ConnectionCounts.Refusal) {
        core.metrics.recordConnectionRefused(refusal.rawValue)
        let now = ContinuousClock.now
        let count: Int? = refusals.withLock { state in
            state.count += 1
            if let logged = state.logged, now - logged < .seconds(10) { return nil }
            defer { state = (0, now) }
            return state.count
        }
        if let count {
            core.log.event(
                "connections-refused", level: .warning,
                ["peer": .string(source), "reason": .string(refusal.rawValue), "count": .int(count)])
        }
    }

    /// Stops accepting, asks every connection to finish (GOAWAY), waits up
    /// to `timeout` for their calls to end, then closes what is left.
    func shutdown(timeout: Duration) async {
        if let channel = listener.withLock({ $0 }) { try? await channel.close() }
        for channel in connections.withLock({ Array($0.values) }) {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, !connections.withLock({ $0.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for channel in connections.withLock({ Array($0.values) }) { try? await channel.close() }
    }

    /// Open client connections.
    var connectionCount: Int { connections.withLock { $0.count } }
}
