import NIOCore
import NIOHPACK
import NIOPosix
import PedregalBasics

/// An HTTP/2 server written frame by frame, for what NIO's own server never
/// does: answer a stream after the client reset it (as a server does whose
/// answer was already on its way), or break the protocol. Every call is
/// answered trailers-only: a session probe (`ReleaseExecute`) with
/// `SESSION_NOT_FOUND`, any other call with status OK.
final class RawHTTP2Server: Sendable {
    enum Behavior: Sendable {
        /// Answers each stream this long after its request ended, reset or not.
        case answer(after: TimeAmount)
        /// Sends DATA on a stream that was never opened (a connection error
        /// for the client) as soon as the client has spoken.
        case breakProtocol
    }

    /// What the server saw, over all its connections.
    struct Seen: Sendable {
        var connections = 0
        var closedConnections = 0
        /// GOAWAY error codes received.
        var goAways: [UInt32] = []
        var resets = 0
        var answered = 0
    }

    private let channel: any Channel
    private let state: Locked<Seen>
    /// The bound port.
    let port: Int

    private init(channel: any Channel, state: Locked<Seen>) {
        self.channel = channel
        self.state = state
        self.port = channel.localAddress?.port ?? 0
    }

    static func start(group: any EventLoopGroup, behavior: Behavior) async throws -> RawHTTP2Server {
        let state = Locked(Seen())
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                state.withLock { $0.connections += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Connection(behavior: behavior, state: state))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RawHTTP2Server(channel: channel, state: state)
    }

    var seen: Seen { state.current }

    func stop() async { try? await channel.close() }

    private final class Connection: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let behavior: RawHTTP2Server.Behavior
        let state: Locked<Seen>
        var pending: [UInt8] = []
        var prefaceLeft = 24
        var greeted = false
        var probes: Set<UInt32> = []
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator())
        var decoder = HPACKDecoder(allocator: ByteBufferAllocator())

        init(behavior: RawHTTP2Server.Behavior, state: Locked<Seen>) {
            self.behavior = behavior
            self.state = state
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending += unwrapInboundIn(data).readableBytesView
            let skipped = min(prefaceLeft, pending.count)
            pending.removeFirst(skipped)
            prefaceLeft -= skipped
            if !greeted {
                greeted = true
                // SETTINGS, and a connection window the client cannot exhaust here.
                var bytes = RawHTTP2Client.settings + RawHTTP2Client.frame(type: 8, stream: 0, [0x40, 0, 0, 0])
                if case .breakProtocol = behavior { bytes += RawHTTP2Client.frame(type: 0, stream: 2, [1, 2, 3]) }
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
            }
            while pending.count >= 9 {
                let length = Int(pending[0]) << 16 | Int(pending[1]) << 8 | Int(pending[2])
                guard pending.count >= 9 + length else { break }
                let (type, flags) = (pending[3], pending[4])
                let stream = pending[5..<9].reduce(0) { $0 << 8 | UInt32($1) } & 0x7FFF_FFFF
                let payload = Array(pending[9..<9 + length])
                pending.removeFirst(9 + length)
                frame(type: type, flags: flags, stream: stream, payload: payload, context: context)
            }
        }

        private func frame(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8], context: ChannelHandlerContext) {
            switch type {
            case 1:
                // Every header block goes through the decoder: its table follows the client's.
                var block = ByteBuffer(bytes: payload)
                let headers = try? decoder.decodeHeaders(from: &block)
                if headers?.first(name: ":path")?.hasSuffix("/ReleaseExecute") == true { probes.insert(stream) }
                if flags & 1 != 0 { requestEnded(stream, context: context) }
            case 0:
                if flags & 1 != 0 { requestEnded(stream, context: context) }
            case 3:
                state.withLock { $0.resets += 1 }
            case 4 where flags & 1 == 0:
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: RawHTTP2Client.settingsAck)), promise: nil)
            case 7 where payload.count >= 8:
                state.withLock { $0.goAways.append(payload[4..<8].reduce(0) { $0 << 8 | UInt32($1) }) }
            default:
                break
            }
        }

        private func requestEnded(_ stream: UInt32, context: ChannelHandlerContext) {
            guard case .answer(let delay) = behavior else { return }
            let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: delay) { bound.value.handler.answer(stream, context: bound.value.context) }
        }

        private func answer(_ stream: UInt32, context: ChannelHandlerContext) {
            guard context.channel.isActive else { return }
            var headers: HPACKHeaders = [":status": "200", "content-type": "application/grpc"]
            if probes.contains(stream) {
                headers.add(name: "grpc-status", value: "13")
                headers.add(name: "grpc-message", value: "[INVALID_HANDLE.SESSION_NOT_FOUND] Session not found.")
            } else {
                headers.add(name: "grpc-status", value: "0")
            }
            var block = ByteBuffer()
            try? encoder.encode(headers: headers, to: &block)
            let bytes = RawHTTP2Client.frame(type: 1, flags: 0x5, stream: stream, Array(block.readableBytesView))
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
            state.withLock { $0.answered += 1 }
        }

        func channelInactive(context: ChannelHandlerContext) {
            state.withLock { $0.closedConnections += 1 }
            context.fireChannelInactive()
        }
    }
}
