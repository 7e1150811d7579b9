import NIOCore

/// Splits a gRPC request stream into length-prefixed messages, whatever the
/// DATA frame boundaries, refusing messages over a bound (memory stays
/// bounded per stream) and compressed messages (the gateway must read them).
struct GRPCMessageReader {
    private var buffer: [UInt8] = []
    private var offset = 0
    /// Largest message accepted.
    let maxMessageBytes: Int
    /// Buffer capacity kept between messages.
    static let keptCapacity = 64 << 10

    init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Whether bytes of an incomplete message are held.
    var hasPartialMessage: Bool { offset < buffer.count }

    /// Bytes of an incomplete message held.
    var bufferedBytes: Int { buffer.count - offset }

    /// Adds bytes and returns every message now complete (payload only).
    mutating func append(_ bytes: ByteBuffer) throws(GatewayRefusal) -> [[UInt8]] {
        if offset == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            offset = 0
        }
        buffer.append(contentsOf: bytes.readableBytesView)
        var messages: [[UInt8]] = []
        while buffer.count - offset >= 5 {
            let flag = buffer[offset]
            let length =
                Int(buffer[offset + 1]) << 24 | Int(buffer[offset + 2]) << 16 | Int(buffer[offset + 3]) << 8
                | Int(buffer[offset + 4])
            if flag != 0 {
                throw GatewayRefusal(
                    .invalidArgument, "compressed request messages are not supported by the Spark Gateway; turn compression off")
            }
            if length > maxMessageBytes {
                throw GatewayRefusal(
                    .resourceExhausted, "request message of \(length) bytes exceeds the gateway's limit of \(maxMessageBytes)")
            }
            guard buffer.count - offset >= 5 + length else { break }
            messages.append(Array(buffer[offset + 5..<offset + 5 + length]))
            offset += 5 + length
        }
        if offset > 0 && offset == buffer.count {
            // A large message's buffer is given back rather than kept for the stream's life.
            buffer.removeAll(keepingCapacity: buffer.capacity <= Self.keptCapacity)
            offset = 0
        }
        return messages
    }
}
