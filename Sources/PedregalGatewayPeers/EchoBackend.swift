import NIOConcurrencyHelpers
import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix

/// A trivial gRPC server over h2c for the gateway's benchmark and tests:
/// every call is answered with one message and status OK. The answer's
/// message is the request's last message with a prefix byte, so a test can
/// read what the gateway forwarded (the rewritten `user_context`).
/// Optionally answers `responseBytes` of payload instead, in frames of at most
/// 64 KiB, to measure throughput.
///
/// Like Spark, it keeps sessions by (user_id, session_id): any call opens the
/// caller's session, and `ReleaseExecute` (the gateway's session probe) for a
/// session it does not hold answers `INVALID_HANDLE.SESSION_NOT_FOUND`.
public final class EchoBackend: Sendable {
    private let channel: any Channel
    private let sessions: SessionKeys
    private let connections: Connections
    /// The bound port.
    public let port: Int

    /// Starts listening on 127.0.0.1 (port 0 picks one).
    public static func start(group: any EventLoopGroup, port: Int = 0, responseBytes: Int = 0) async throws -> EchoBackend {
        let sessions = SessionKeys()
        let connections = Connections()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                connections.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                        mode: .server, connectionConfiguration: .init(), streamConfiguration: .init()
                    ) { stream in
                        stream.eventLoop.makeCompletedFuture {
                            try stream.pipeline.syncOperations.addHandler(
                                EchoHandler(responseBytes: responseBytes, sessions: sessions))
                        }
                    }
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        return EchoBackend(channel: channel, sessions: sessions, connections: connections)
    }

    private init(channel: any Channel, sessions: SessionKeys, connections: Connections) {
        self.channel = channel
        self.sessions = sessions
        self.connections = connections
        self.port = channel.localAddress?.port ?? 0
    }

    /// Stops listening.
    public func stop() async {
        try? await channel.close()
    }

    /// Dies as a killed server does: stops listening and drops every
    /// connection (its port then refuses, and its sessions are gone).
    public func kill() async {
        try? await channel.close()
        for connection in connections.all() { try? await connection.close() }
        sessions.removeAll()
    }

    /// The session ids it holds, sorted.
    public var sessionIDs: [String] { sessions.sessionIDs() }
}

/// The connections a server accepted.
final class Connections: Sendable {
    private let channels = NIOLockedValueBox([ObjectIdentifier: any Channel]())

    func add(_ channel: any Channel) {
        channels.withLockedValue { $0[ObjectIdentifier(channel)] = channel }
        channel.closeFuture.whenComplete { _ in
            self.channels.withLockedValue { _ = $0.removeValue(forKey: ObjectIdentifier(channel)) }
        }
    }

    func all() -> [any Channel] { channels.withLockedValue { Array($0.values) } }
}

/// The (user_id, session_id) pairs an echo backend holds.
final class SessionKeys: Sendable {
    private let keys = NIOLockedValueBox(Set<String>())

    func sessionIDs() -> [String] {
        keys.withLockedValue { keys in
            keys.compactMap { $0.split(separator: "\u{0}", omittingEmptySubsequences: false).last.map(String.init) }
        }
        .sorted()
    }

    func removeAll() { keys.withLockedValue { $0.removeAll() } }

    /// Opens the session of `message` unless `probe`; returns whether it was held before.
    func touch(_ message: [UInt8], probe: Bool) -> Bool {
        guard let key = Self.key(message) else { return false }
        return keys.withLockedValue { keys in
            if probe { return keys.contains(key) }
            return !keys.insert(key).inserted
        }
    }

    /// `user_id` and `session_id` of a request: fields 2.1 and 1.
    static func key(_ message: [UInt8]) -> String? {
        var session: [UInt8]?
        var user: [UInt8]?
        var index = 0
        func varint() -> Int? {
            var value = 0
            var shift = 0
            while index < message.count, shift < 63 {
                let byte = message[index]
                index += 1
                value |= Int(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        while index < message.count {
            guard let tag = varint() else { return nil }
            switch tag & 7 {
            case 0: _ = varint()
            case 1: index += 8
            case 5: index += 4
            case 2:
                guard let length = varint(), index + length <= message.count else { return nil }
                let payload = Array(message[index..<index + length])
                if tag >> 3 == 1 { session = payload }
                if tag >> 3 == 2, payload.count > 2, payload[0] == 0x0A, Int(payload[1]) + 2 <= payload.count {
                    user = Array(payload[2..<2 + Int(payload[1])])
                }
                index += length
            default: return nil
            }
        }
        guard let session else { return nil }
        return String(decoding: user ?? [], as: UTF8.self) + "\u{0}" + String(decoding: session, as: UTF8.self)
    }
}

private final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private let responseBytes: Int
    private let sessions: SessionKeys
    private var received: [UInt8] = []
    private var isProbe = false

    init(responseBytes: Int, sessions: SessionKeys) {
        self.responseBytes = responseBytes
        self.sessions = sessions
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let headers) where !headers.endStream:
            isProbe = headers.headers.first(name: ":path")?.hasSuffix("/ReleaseExecute") ?? false
        case .headers(let headers) where headers.endStream:
            respond(context)
        case .data(let data):
            if case .byteBuffer(var buffer) = data.data { received += buffer.readBytes(length: buffer.readableBytes) ?? [] }
            if data.endStream { respond(context) }
        default:
            break
        }
    }

    private func respond(_ context: ChannelHandlerContext) {
        let last = received.count >= 5 ? Array(received.suffix(from: lastMessageStart())) : []
        if !sessions.touch(last, probe: isProbe) && isProbe {
            let trailers: HPACKHeaders = [
                ":status": "200", "content-type": "application/grpc", "grpc-status": "13",
                "grpc-message": "[INVALID_HANDLE.SESSION_NOT_FOUND] Session not found.",
            ]
            context.writeAndFlush(wrapOutboundOut(.headers(.init(headers: trailers, endStream: true))), promise: nil)
            received.removeAll()
            return
        }
        context.write(wrapOutboundOut(.headers(.init(headers: [":status": "200", "content-type": "application/grpc"]))), promise: nil)
        if responseBytes > 0 {
            var remaining = responseBytes
            var first = true
            while remaining > 0 {
                let chunk = min(remaining, 64 << 10)
                var buffer = context.channel.allocator.buffer(capacity: chunk + 5)
                if first {
                    buffer.writeInteger(UInt8(0))
                    buffer.writeInteger(UInt32(responseBytes - 5))
                    buffer.writeRepeatingByte(7, count: chunk - 5)
                    first = false
                } else {
                    buffer.writeRepeatingByte(7, count: chunk)
                }
                remaining -= chunk
                context.write(wrapOutboundOut(.data(.init(data: .byteBuffer(buffer)))), promise: nil)
            }
        } else {
            // The last request message, behind a marker byte.
            var buffer = context.channel.allocator.buffer(capacity: last.count + 6)
            buffer.writeInteger(UInt8(0))
            buffer.writeInteger(UInt32(last.count + 1))
            buffer.writeInteger(UInt8(0xEC))
            buffer.writeBytes(last)
            context.write(wrapOutboundOut(.data(.init(data: .byteBuffer(buffer)))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.headers(.init(headers: ["grpc-status": "0"], endStream: true))), promise: nil)
        received.removeAll()
    }

    private func lastMessageStart() -> Int {
        var offset = 0
        var start = 5
        while offset + 5 <= received.count {
            let length =
                Int(received[offset + 1]) << 24 | Int(received[offset + 2]) << 16 | Int(received[offset + 3]) << 8
                | Int(received[offset + 4])
            start = offset + 5
            offset += 5 + length
        }
        return min(start, received.count)
    }
}
