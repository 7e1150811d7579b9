import NIOCore

/// Closes a connection to a Spark Connect server once the gateway's HTTP/2
/// handler has sent GOAWAY on it.
///
/// NIO answers a connection error (a frame it takes for a protocol violation)
/// with GOAWAY, but leaves the connection open, although RFC 9113 §5.4.1
/// requires the close. Such a connection answers no call again: every call
/// placed on it hung until its client gave up. Closed, its calls end at once
/// (UNAVAILABLE) and the pool opens a new connection for the next call. The
/// gateway never sends GOAWAY to a server otherwise (it does not drain its
/// server connections), so any GOAWAY it sends means the connection is over.
///
/// NIO reports stream errors on the connection too, so `errorCaught` cannot
/// tell a broken connection from one broken stream; the GOAWAY can. This
/// handler sits between the socket (or TLS) and HTTP/2, and follows the frame
/// boundaries of the bytes HTTP/2 writes, however they are split into writes.
final class GoAwayCloser: ChannelOutboundHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// The client connection preface precedes the first frame.
    private var prefaceLeft = 24
    /// The part of a frame header written so far.
    private var header: [UInt8] = []
    /// Payload bytes of the current frame not written yet.
    private var payloadLeft = 0
    private var sentGoAway = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .byteBuffer(let buffer): follow(buffer.readableBytesView)
        case .fileRegion(let region): skip(region.readableBytes)
        }
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        context.flush()
        if sentGoAway { context.close(promise: nil) }
    }

    private func follow(_ bytes: ByteBufferView) {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let remaining = bytes.endIndex - index
            if prefaceLeft > 0 || payloadLeft > 0 {
                let skipped = min(remaining, prefaceLeft > 0 ? prefaceLeft : payloadLeft)
                if prefaceLeft > 0 { prefaceLeft -= skipped } else { payloadLeft -= skipped }
                index += skipped
                continue
            }
            header.append(bytes[index])
            index += 1
            guard header.count == 9 else { continue }
            // Length (24 bits), type, flags, stream: RFC 9113 §4.1. GOAWAY is type 7.
            payloadLeft = Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2])
            if header[3] == 7 { sentGoAway = true }
            header.removeAll(keepingCapacity: true)
        }
    }

    private func skip(_ count: Int) {
        var count = count
        let preface = min(count, prefaceLeft)
        prefaceLeft -= preface
        count -= preface
        payloadLeft = max(0, payloadLeft - count)
    }
}
