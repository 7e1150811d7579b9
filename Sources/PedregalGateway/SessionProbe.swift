import Foundation
import NIOCore
import NIOHPACK
import NIOHTTP2
import PedregalBasics

/// What a server said when asked whether it holds a session.
enum ProbeResult: Sendable, Equatable {
    /// It holds the session (or holds it closed, so Spark itself answers).
    case present
    /// It does not know the session.
    case absent
    /// It could not be asked, or answered something else.
    case unreachable(String)
    /// Its port refused the connection: it is down.
    case refused
}

/// Asks one server, with a `ReleaseExecute` for an operation that does not
/// exist, whether it holds a session: Spark's `getIsolatedSession` answers
/// without creating anything, `INVALID_HANDLE.SESSION_NOT_FOUND` when absent.
enum SessionProbe {
    static func classify(status: Int?, message: String) -> ProbeResult {
        guard let status else { return .unreachable("no grpc-status") }
        if status == 0 || message.contains("OPERATION_NOT_FOUND") || message.contains("SESSION_CLOSED") { return .present }
        if message.contains("SESSION_NOT_FOUND") { return .absent }
        return .unreachable("status \(status): \(message.prefix(200))")
    }

    static func run(
        server: ServerAddress, sessionID: String, userID: String, authority: String, useTLS: Bool, pool: BackendPool,
        timeout: TimeAmount
    ) -> EventLoopFuture<ProbeResult> {
        let loop = pool.eventLoop
        let promise = OncePromise(loop.makePromise(of: ProbeResult.self))
        let body = SparkConnectRequest.sessionProbe(sessionID: sessionID, userID: userID, operationID: UUID().uuidString.lowercased())
        let timedOut = Locked(false)
        let timer = loop.scheduleTask(in: timeout) {
            timedOut.withLock { $0 = true }
            promise.succeed(.unreachable("no answer within \(timeout.nanoseconds / 1_000_000) ms"))
        }
        pool.openStream(to: server, tls: useTLS) { channel in
            try channel.pipeline.syncOperations.addHandler(ProbeHandler(promise: promise))
        }.whenComplete { result in
            switch result {
            case .failure:
                promise.succeed(.refused)
            case .success(let channel):
                let headers: HPACKHeaders = [
                    ":method": "POST", ":scheme": useTLS ? "https" : "http", ":path": SparkConnectMethod.releaseExecute.path,
                    ":authority": authority, "content-type": "application/grpc", "te": "trailers",
                    "user-agent": "pedregal-gateway",
                ]
                var buffer = channel.allocator.buffer(capacity: body.count + 5)
                buffer.writeInteger(UInt8(0))
                buffer.writeInteger(UInt32(body.count))
                buffer.writeBytes(body)
                channel.write(HTTP2Frame.FramePayload.headers(.init(headers: headers)), promise: nil)
                channel.writeAndFlush(HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(buffer), endStream: true)), promise: nil)
                promise.future.whenComplete { _ in
                    timer.cancel()
                    // A probe that got its status has ended both ways and closes itself. Closing it
                    // here would send RST_STREAM, and servers with a rapid-reset guard drop a
                    // connection that sends many (NIO's allows 200 in 30 s).
                    if timedOut.withLock({ $0 }) { channel.close(promise: nil) }
                }
            }
        }
        return promise.future
    }
}

/// A promise completed at most once, from its event loop.
final class OncePromise<Value: Sendable>: @unchecked Sendable {
    private let promise: EventLoopPromise<Value>
    private var done = false

    init(_ promise: EventLoopPromise<Value>) {
        self.promise = promise
    }

    var future: EventLoopFuture<Value> { promise.futureResult }

    func succeed(_ value: Value) {
        promise.futureResult.eventLoop.preconditionInEventLoop()
        guard !done else { return }
        done = true
        promise.succeed(value)
    }
}

/// Collects the status of a probe's response.
private final class ProbeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    let promise: OncePromise<ProbeResult>

    init(promise: OncePromise<ProbeResult>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .headers(let headers) = unwrapInboundIn(data) else { return }
        if let status = headers.headers.first(name: "grpc-status") {
            let message = GRPCHeaders.percentDecode(headers.headers.first(name: "grpc-message") ?? "")
            promise.succeed(SessionProbe.classify(status: Int(status), message: message))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.succeed(.unreachable("the stream closed without a status"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.succeed(.unreachable("\(error)"))
        context.close(promise: nil)
    }
}
