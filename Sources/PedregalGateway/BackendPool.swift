import NIOCore
import NIOHTTP2
import NIOPosix
import NIOSSL

/// HTTP/2 settings of every connection the gateway opens or accepts. Large
/// windows and frames let a big Arrow result flow without stalls on window
/// updates; back-pressure still holds because each stream channel's
/// writability follows its window and buffer watermarks.
enum HTTP2Tuning {
    static let streamWindow = 4 << 20
    static let connectionWindow = 16 << 20
    static let maxFrameSize = 1 << 20
    static let outboundHighWatermark = 1 << 20
    static let outboundLowWatermark = 256 << 10

    static func connection(maxConcurrentStreams: Int) -> NIOHTTP2Handler.ConnectionConfiguration {
        var configuration = NIOHTTP2Handler.ConnectionConfiguration()
        configuration.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: maxConcurrentStreams),
            HTTP2Setting(parameter: .initialWindowSize, value: streamWindow),
            HTTP2Setting(parameter: .maxFrameSize, value: maxFrameSize),
            HTTP2Setting(parameter: .maxHeaderListSize, value: 64 << 10),
        ]
        configuration.targetWindowSize = connectionWindow
        return configuration
    }

    /// A connection to a Spark Connect server. NIO takes a frame on a stream
    /// the gateway reset for a protocol error unless the reset is among the
    /// last `maximumRecentlyResetStreams` (a server may answer before it sees
    /// the reset). Its default, 32, is below the streams one connection
    /// carries at once: when a stall made many probes time out, and each reset
    /// its stream, the server's late answers broke the connection.
    static func server() -> NIOHTTP2Handler.ConnectionConfiguration {
        var configuration = connection(maxConcurrentStreams: 100)
        configuration.maximumRecentlyResetStreams = 4 * BackendPool.streamsPerConnection
        return configuration
    }

    static var stream: NIOHTTP2Handler.StreamConfiguration {
        var configuration = NIOHTTP2Handler.StreamConfiguration()
        configuration.targetWindowSize = streamWindow
        configuration.outboundBufferSizeHighWatermark = outboundHighWatermark
        configuration.outboundBufferSizeLowWatermark = outboundLowWatermark
        return configuration
    }
}

/// Backend HTTP/2 connections of one event loop. Streams of an inbound
/// connection are forwarded over connections of the same loop, so frames
/// cross from one channel to the other without a thread hop or a lock.
final class BackendPool {
    // Touched only on the pool's event loop; the futures' callbacks run there too.
    private final class Connection: @unchecked Sendable {
        let multiplexer: EventLoopFuture<NIOHTTP2Handler.StreamMultiplexer>
        var openStreams = 0
        var closed = false

        init(multiplexer: EventLoopFuture<NIOHTTP2Handler.StreamMultiplexer>) {
            self.multiplexer = multiplexer
        }
    }

    let eventLoop: any EventLoop
    private let tls: NIOSSLContext?
    private let onConnectionLost: @Sendable (ServerAddress) -> Void
    private var connections: [ServerAddress: [Connection]] = [:]
    /// Streams per connection before another connection is opened.
    static let streamsPerConnection = 200

    init(eventLoop: any EventLoop, tls: NIOSSLContext?, onConnectionLost: @escaping @Sendable (ServerAddress) -> Void) {
        self.eventLoop = eventLoop
        self.tls = tls
        self.onConnectionLost = onConnectionLost
    }

    /// Opens a stream to `address`; `initialize` sets up its pipeline on the loop.
    func openStream(to address: ServerAddress, tls useTLS: Bool, initialize: @escaping @Sendable (any Channel) throws -> Void)
        -> EventLoopFuture<any Channel>
    {
        eventLoop.preconditionInEventLoop()
        let connection = connection(to: address, useTLS: useTLS)
        connection.openStreams += 1
        return connection.multiplexer.flatMap { multiplexer in
            multiplexer.createStreamChannel { channel in
                channel.eventLoop.makeCompletedFuture { try initialize(channel) }
            }
        }.map { channel in
            channel.closeFuture.whenComplete { [weak connection] _ in connection?.openStreams -= 1 }
            return channel
        }.flatMapErrorThrowing { error in
            connection.openStreams -= 1
            throw error
        }
    }

    private func connection(to address: ServerAddress, useTLS: Bool) -> Connection {
        var list = connections[address, default: []].filter { !$0.closed }
        if let usable = list.first(where: { $0.openStreams < Self.streamsPerConnection }) {
            connections[address] = list
            return usable
        }
        let tlsContext = useTLS ? tls : nil
        let ready = eventLoop.makePromise(of: NIOHTTP2Handler.StreamMultiplexer.self)
        // HTTP/2 goes into the pipeline before the socket connects, so the server's first
        // SETTINGS frame can never reach a pipeline without it.
        let channel = ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(2))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        let host = address.host.first?.isLetter == true ? address.host : nil
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tlsContext, serverHostname: host))
                    }
                    try channel.pipeline.syncOperations.addHandler(GoAwayCloser())
                    ready.succeed(
                        try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                            mode: .client, connectionConfiguration: HTTP2Tuning.server(),
                            streamConfiguration: HTTP2Tuning.stream, inboundStreamInitializer: { $0.close() }))
                }
            }
            .connect(host: address.host, port: address.port)
        channel.whenFailure { ready.fail($0) }
        let multiplexer = channel.flatMap { _ in ready.futureResult }
        let connection = Connection(multiplexer: multiplexer)
        let lost = onConnectionLost
        channel.whenComplete { [weak connection] result in
            switch result {
            case .success(let channel):
                channel.closeFuture.whenComplete { [weak connection] _ in
                    connection?.closed = true
                    lost(address)
                }
            case .failure:
                connection?.closed = true
                lost(address)
            }
        }
        list.append(connection)
        connections[address] = list
        return connection
    }
}

/// One `BackendPool` per event loop of the group.
final class BackendPools: Sendable {
    private let pools: [ObjectIdentifier: NIOLoopBoundBox<BackendPool>]

    init(group: MultiThreadedEventLoopGroup, tls: NIOSSLContext?, onConnectionLost: @escaping @Sendable (ServerAddress) -> Void) {
        var pools: [ObjectIdentifier: NIOLoopBoundBox<BackendPool>] = [:]
        for loop in group.makeIterator() {
            pools[ObjectIdentifier(loop)] = NIOLoopBoundBox.makeBoxSendingValue(
                BackendPool(eventLoop: loop, tls: tls, onConnectionLost: onConnectionLost), eventLoop: loop)
        }
        self.pools = pools
    }

    /// The pool of `loop`; must be called on it.
    func pool(on loop: any EventLoop) -> BackendPool {
        pools[ObjectIdentifier(loop)]!.value
    }
}
