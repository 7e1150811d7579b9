import NIOConcurrencyHelpers
import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix

/// The outcome of one unary call.
public struct UnaryOutcome: Sendable {
    /// `grpc-status`, nil when the stream ended without one.
    public var status: Int?
    /// Decoded `grpc-message`.
    public var message: String
    /// The payloads of response messages, concatenated.
    public var body: [UInt8]
    /// Payload bytes received.
    public var bytes: Int
}

/// A minimal gRPC client over h2c: unary calls with raw message bytes, for
/// the gateway's benchmark and tests. One HTTP/2 connection; streams are
/// multiplexed on it.
public final class GRPCLoadClient: Sendable {
    private let channel: any Channel
    private let multiplexer: NIOHTTP2Handler.StreamMultiplexer

    /// Connects to 127.0.0.1:`port`.
    public static func connect(group: any EventLoopGroup, port: Int) async throws -> GRPCLoadClient {
        let loop = group.next()
        let ready = loop.makePromise(of: NIOHTTP2Handler.StreamMultiplexer.self)
        // HTTP/2 goes into the pipeline before the socket connects, so the server's SETTINGS
        // can never arrive at a pipeline that cannot read them.
        let channel = try await ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    var connection = NIOHTTP2Handler.ConnectionConfiguration()
                    connection.initialSettings = [
                        HTTP2Setting(parameter: .initialWindowSize, value: 4 << 20),
                        HTTP2Setting(parameter: .maxFrameSize, value: 1 << 20),
                    ]
                    connection.targetWindowSize = 16 << 20
                    var stream = NIOHTTP2Handler.StreamConfiguration()
                    stream.targetWindowSize = 4 << 20
                    ready.succeed(
                        try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                            mode: .client, connectionConfiguration: connection, streamConfiguration: stream,
                            inboundStreamInitializer: { $0.close() }))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return GRPCLoadClient(channel: channel, multiplexer: try await ready.futureResult.get())
    }

    private init(channel: any Channel, multiplexer: NIOHTTP2Handler.StreamMultiplexer) {
        self.channel = channel
        self.multiplexer = multiplexer
    }

    /// Calls `path` on `authority` with one request message.
    public func unary(path: String, authority: String, token: String?, message: [UInt8]) async throws -> UnaryOutcome {
        let promise = channel.eventLoop.makePromise(of: UnaryOutcome.self)
        let stream = try await multiplexer.createStreamChannel { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(CollectHandler(promise: promise))
            }
        }.get()
        var headers: HPACKHeaders = [
            ":method": "POST", ":scheme": "http", ":path": path, ":authority": authority, "content-type": "application/grpc",
            "te": "trailers",
        ]
        if let token { headers.add(name: "authorization", value: "Bearer \(token)") }
        var buffer = stream.allocator.buffer(capacity: message.count + 5)
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt32(message.count))
        buffer.writeBytes(message)
        stream.write(HTTP2Frame.FramePayload.headers(.init(headers: headers)), promise: nil)
        stream.writeAndFlush(HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(buffer), endStream: true)), promise: nil)
        let timer = stream.eventLoop.scheduleTask(in: .seconds(30)) {
            stream.pipeline.fireUserInboundEventTriggered(CollectHandler.TimedOut())
        }
        defer { timer.cancel() }
        return try await promise.futureResult.get()
    }

    /// Closes the connection.
    public func close() async {
        try? await channel.close()
    }
}

private final class CollectHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame.FramePayload

    struct TimedOut {}

    private let promise: EventLoopPromise<UnaryOutcome>
    private var body: [UInt8] = []
    private var bytes = 0
    private var done = false

    init(promise: EventLoopPromise<UnaryOutcome>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let headers):
            if let status = headers.headers.first(name: "grpc-status") {
                complete(Int(status), headers.headers.first(name: "grpc-message") ?? "")
            }
        case .data(let data):
            if case .byteBuffer(var buffer) = data.data {
                bytes += buffer.readableBytes
                if body.count < 1 << 16 { body += buffer.readBytes(length: min(buffer.readableBytes, 1 << 16)) ?? [] }
            }
        default:
            break
        }
    }

    private func complete(_ status: Int?, _ message: String) {
        guard !done else { return }
        done = true
        let payload = body.count > 5 ? Array(body.dropFirst(5)) : []
        promise.succeed(UnaryOutcome(status: status, message: message, body: payload, bytes: bytes))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is TimedOut else { return }
        complete(nil, "no answer within 30 s")
        // Only an unfinished stream is closed (reset): a finished one closes itself, and a
        // client that resets every stream trips the server's rapid-reset guard.
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !done {
            done = true
            promise.succeed(UnaryOutcome(status: nil, message: "stream error: \(error)", body: [], bytes: bytes))
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done {
            done = true
            promise.succeed(UnaryOutcome(status: nil, message: "stream closed", body: [], bytes: bytes))
        }
    }
}
