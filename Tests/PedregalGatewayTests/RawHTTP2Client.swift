import NIOCore
import NIOHPACK
import NIOPosix
import PedregalBasics

/// A TCP client that writes HTTP/2 bytes as given, valid or not, and reads
/// frames back: what a hostile client sends, and what it gets.
final class RawHTTP2Client: Sendable {
    /// A frame read back.
    struct Frame: Sendable {
        var type: UInt8
        var flags: UInt8
        var streamID: UInt32
        var payload: [UInt8]

        /// The error code of a GOAWAY frame.
        var goAwayCode: UInt32? {
            guard type == 7, payload.count >= 8 else { return nil }
            return payload[4..<8].reduce(0) { $0 << 8 | UInt32($1) }
        }
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received = Locked<(bytes: [UInt8], closed: Bool)>(([], false))

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLock { $0.bytes += buffer.readableBytesView }
        }

        func channelInactive(context: ChannelHandlerContext) {
            received.withLock { $0.closed = true }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            received.withLock { $0.closed = true }
            context.close(promise: nil)
        }
    }

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    private let channel: any Channel
    private let collector: Collector

    private init(channel: any Channel, collector: Collector) {
        self.channel = channel
        self.collector = collector
    }

    static func connect(group: any EventLoopGroup, port: Int) async throws -> RawHTTP2Client {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawHTTP2Client(channel: channel, collector: collector)
    }

    /// Sends bytes; a closed connection is not an error (the test looks at what came back).
    func send(_ bytes: [UInt8]) async {
        try? await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    func close() async { try? await channel.close() }

    /// Whether the gateway closed the connection, waiting up to `timeout`.
    func waitClosed(within timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if collector.received.current.closed { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return collector.received.current.closed
    }

    /// The frames received so far (after the server's preface, which is frames too).
    var frames: [Frame] {
        let bytes = collector.received.current.bytes
        var frames: [Frame] = []
        var offset = 0
        while bytes.count - offset >= 9 {
            let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
            guard bytes.count - offset >= 9 + length else { break }
            let stream = bytes[offset + 5..<offset + 9].reduce(0) { $0 << 8 | UInt32($1) } & 0x7FFF_FFFF
            frames.append(
                Frame(
                    type: bytes[offset + 3], flags: bytes[offset + 4], streamID: stream,
                    payload: Array(bytes[offset + 9..<offset + 9 + length])))
            offset += 9 + length
        }
        return frames
    }

    /// The GOAWAY error code received, if any.
    var goAwayCode: UInt32? { frames.compactMap(\.goAwayCode).first }

    /// Waits up to `timeout` for a frame matching `where`.
    func waitFrame(within timeout: Duration, where match: (Frame) -> Bool) async -> Frame? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let frame = frames.first(where: match) { return frame }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return frames.first(where: match)
    }

    // MARK: Frames

    static func frame(type: UInt8, flags: UInt8 = 0, stream: UInt32, _ payload: [UInt8] = []) -> [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags]
            + [UInt8(stream >> 24 & 0x7F), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF)] + payload
    }

    static let settings = frame(type: 4, stream: 0)
    static let settingsAck = frame(type: 4, flags: 1, stream: 0)
    /// Preface, empty SETTINGS and the acknowledgement of the gateway's: a complete handshake.
    static let handshake = preface + settings + settingsAck

    /// A HEADERS frame (END_HEADERS) of a gRPC call.
    static func headers(stream: UInt32, path: String, authority: String, token: String?, endStream: Bool = false) throws -> [UInt8] {
        var headers: HPACKHeaders = [
            ":method": "POST", ":scheme": "http", ":path": path, ":authority": authority, "content-type": "application/grpc",
            "te": "trailers",
        ]
        if let token { headers.add(name: "authorization", value: "Bearer \(token)") }
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator())
        var block = ByteBuffer()
        try encoder.encode(headers: headers, to: &block)
        return frame(type: 1, flags: 0x4 | (endStream ? 0x1 : 0), stream: stream, Array(block.readableBytesView))
    }

    /// A DATA frame holding one gRPC message.
    static func message(stream: UInt32, _ body: [UInt8], endStream: Bool = true) -> [UInt8] {
        let count = body.count
        let prefixed = [0, UInt8(count >> 24 & 0xFF), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)] + body
        return frame(type: 0, flags: endStream ? 1 : 0, stream: stream, prefixed)
    }

    /// RST_STREAM CANCEL.
    static func reset(stream: UInt32) -> [UInt8] { frame(type: 3, stream: stream, [0, 0, 0, 8]) }

    /// The gRPC status in a HEADERS frame that ends a stream.
    static func grpcStatus(_ frame: Frame) -> Int? {
        guard frame.type == 1 else { return nil }
        var decoder = HPACKDecoder(allocator: ByteBufferAllocator())
        var block = ByteBuffer(bytes: frame.payload)
        guard let headers = try? decoder.decodeHeaders(from: &block) else { return nil }
        return headers.first(name: "grpc-status").flatMap(Int.init)
    }
}
