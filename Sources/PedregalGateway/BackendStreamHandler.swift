import NIOCore
import NIOHTTP2

/// The gateway's end of a server stream: hands response frames to the
/// client's `ProxyStreamHandler`, and reads from Spark only while the client
/// can take more. Holds the proxy weakly and its context only while added, so
/// neither outlives the streams.
final class BackendStreamHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private weak var proxy: ProxyStreamHandler?
    private var context: ChannelHandlerContext?
    private var readPending = false

    init(proxy: ProxyStreamHandler) {
        self.proxy = proxy
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// The call ended: nothing more goes to it.
    func detach() { proxy = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let headers): proxy?.responseHeaders(headers)
        case .data(let data): proxy?.responseData(data)
        case .rstStream(let code): proxy?.serverStreamClosed("stream reset (\(code))")
        default: break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        proxy?.flushResponse()
    }

    func read(context: ChannelHandlerContext) {
        if proxy?.clientWritable ?? true {
            context.read()
        } else {
            readPending = true
        }
    }

    func clientWritabilityChanged(_ writable: Bool) {
        if writable, readPending {
            readPending = false
            context?.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        proxy?.serverWritabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        proxy?.serverStreamClosed("the stream closed")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        proxy?.serverStreamClosed("\(error)")
        context.close(promise: nil)
    }
}
