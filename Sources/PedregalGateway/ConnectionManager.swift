import NIOCore
import NIOHTTP2
import PedregalAuth

/// What the streams of one client connection share: its address, the last
/// token verified on it (so a connection that sends the same bearer token on
/// every call pays for one verification), and its manager (so a stream can
/// have the connection closed). Touched only on the connection's event loop.
final class ClientConnection {
    let peer: String
    var lastToken: String?
    var lastIdentity: VerifiedIdentity?
    weak var manager: ConnectionManager?

    init(peer: String) {
        self.peer = peer
    }
}

/// Keeps one client connection within its bounds (`ConnectionLifecycle`):
/// closes it when the handshake does not complete in time (a slowloris
/// client), when it has been idle too long (GOAWAY first), after any
/// connection error (NIO has sent GOAWAY; RFC 9113 §5.4.1 requires the
/// close), when a stream reports misbehaviour, and once drained at shutdown.
/// Sits after the HTTP/2 handler, where connection frames, stream events and
/// errors arrive.
final class ConnectionManager: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame
    typealias InboundOut = HTTP2Frame
    typealias OutboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    /// Called once when the gateway closes the connection, with why and the error if one caused it.
    typealias OnClose = (ConnectionLifecycle.CloseReason, (any Error)?) -> Void

    private var lifecycle: ConnectionLifecycle
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    private let onClose: OnClose
    /// Why the gateway closed the connection, if it did.
    private(set) var closeReason: ConnectionLifecycle.CloseReason?

    init(timeouts: ConnectionTimeouts, onClose: @escaping OnClose) {
        lifecycle = ConnectionLifecycle(timeouts: timeouts, now: .now)
        self.onClose = onClose
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        rearm()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if case .settings(let settings) = frame.payload {
            switch settings {
            case .ack: lifecycle.receivedSettingsAcknowledgement(now: .now)
            case .settings: lifecycle.receivedSettings(now: .now)
            }
        }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let created as NIOHTTP2StreamCreatedEvent:
            lifecycle.streamOpened(created.streamID)
        case is StreamClosedEvent:
            if let action = lifecycle.streamClosed(now: .now) { perform(action) } else { rearm() }
        case is ChannelShouldQuiesceEvent:
            if let action = lifecycle.drain() { perform(action) }
        default:
            break
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let reason = lifecycle.errorCaught(error) else { return }
        close(reason, error: error)
    }

    /// A stream found the client misbehaving: GOAWAY `ENHANCE_YOUR_CALM` and close.
    func misbehaving(_ reason: ConnectionLifecycle.CloseReason) {
        lifecycle.closing()
        perform(.goAwayAndClose(.enhanceYourCalm, reason))
    }

    private func perform(_ action: ConnectionLifecycle.Action) {
        guard let context else { return }
        switch action {
        case .goAway:
            context.writeAndFlush(wrapOutboundOut(goAway(.noError, lastStreamID: .maxID)), promise: nil)
        case .goAwayAndClose(let code, let reason):
            context.writeAndFlush(wrapOutboundOut(goAway(code, lastStreamID: lifecycle.lastStreamID)), promise: nil)
            close(reason, error: nil)
        case .close(let reason):
            close(reason, error: nil)
        }
    }

    private func goAway(_ code: HTTP2ErrorCode, lastStreamID: HTTP2StreamID) -> HTTP2Frame {
        HTTP2Frame(streamID: .rootStream, payload: .goAway(lastStreamID: lastStreamID, errorCode: code, opaqueData: nil))
    }

    private func close(_ reason: ConnectionLifecycle.CloseReason, error: (any Error)?) {
        guard closeReason == nil, let context else { return }
        closeReason = reason
        timer?.cancel()
        timer = nil
        onClose(reason, error)
        context.close(promise: nil)
    }

    // One timer at most, never cancelled on stream events (that would cost a timer per call):
    // when it fires early (the deadline moved), it is set again for the new deadline.
    private func rearm() {
        guard timer == nil, let context, let deadline = lifecycle.deadline else { return }
        let wait = deadline - .now
        let nanoseconds = Int64(wait.components.seconds) * 1_000_000_000 + wait.components.attoseconds / 1_000_000_000
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: .nanoseconds(max(0, nanoseconds))) {
            let manager = bound.value
            manager.timer = nil
            if let action = manager.lifecycle.timerFired(now: .now) {
                manager.perform(action)
            } else {
                manager.rearm()
            }
        }
    }
}
