import Foundation
import NIOCore
import NIOHPACK
import NIOHTTP2
import PedregalAuth

/// The gateway's end of a backend stream: hands response frames to the
/// proxy, and reads from Spark only while the client can take more.
final class BackendStreamHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private var proxy: ProxyStreamHandler?
    private var context: ChannelHandlerContext?
    private var readPending = false

    init(proxy: ProxyStreamHandler) {
        self.proxy = proxy
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func detach() { proxy = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let headers): proxy?.responseHeaders(headers)
        case .data(let data): proxy?.responseData(data)
        case .rstStream(let code): proxy?.backendClosed("stream reset (\(code))")
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
        proxy?.backendWritabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        proxy?.backendClosed("the stream closed")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        proxy?.backendClosed("\(error)")
        context.close(promise: nil)
    }
}
