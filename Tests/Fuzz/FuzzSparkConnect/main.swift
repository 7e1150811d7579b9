import FuzzSupport
import NIOCore

@testable import PedregalGateway

// What a client sends on a Spark Connect call: the gRPC length-prefixed message stream, cut into
// HTTP/2 DATA frames anywhere, and each request message the gateway rewrites (session_id read,
// user_context.user_id replaced). The first byte picks the method (modulo the ten), the second the
// DATA frame size (1...256 bytes); the rest is the request stream.
let methods = fuzzSetup { SparkConnectMethod.allCases }
let user = "alice@example.com"

enum Outcome: Equatable {
    case success([[UInt8]])
    case refused(GatewayRefusal)
}

func messages(of frames: [Slice<UnsafeRawBufferPointer>]) -> Outcome {
    var reader = GRPCMessageReader(maxMessageBytes: 1 << 16)
    var found: [[UInt8]] = []
    do {
        for frame in frames { found += try reader.append(ByteBuffer(bytes: frame)) }
    } catch {
        return .refused(error)
    }
    return .success(found)
}

func rewrite(_ message: [UInt8], _ method: SparkConnectMethod) throws -> (facts: RequestFacts, message: [UInt8]) {
    try message.withUnsafeBytes { try SparkConnectRequest.rewrite($0, method: method, userID: user) }
}

/// Every `user_context.user_id` of a request, in order.
func userIDs(in message: [UInt8]) -> [String]? {
    message.withUnsafeBytes { bytes -> [String]? in
        guard let fields = try? ProtobufWire.fields(bytes) else { return nil }
        var ids: [String] = []
        for field in fields where field.number == SparkConnectRequest.userContextField {
            let inner = UnsafeRawBufferPointer(rebasing: bytes[field.payload])
            guard let innerFields = try? ProtobufWire.fields(inner) else { return nil }
            for innerField in innerFields where innerField.number == SparkConnectRequest.userIDField {
                ids.append(String(decoding: inner[innerField.payload], as: UTF8.self))
            }
        }
        return ids
    }
}

fuzzMain { input in
    guard input.count >= 2 else { return }
    let method = methods[Int(input[0]) % methods.count]
    let frameSize = Int(input[1]) + 1
    let stream = input.dropFirst(2)

    let whole = messages(of: [stream])
    var frames: [Slice<UnsafeRawBufferPointer>] = []
    var rest = stream
    while !rest.isEmpty {
        frames.append(rest.prefix(frameSize))
        rest = rest.dropFirst(frameSize)
    }
    // Where DATA frames split the stream changes nothing.
    fuzzCheck(messages(of: frames) == whole, "the messages depend on where the DATA frames split the stream")

    guard case .success(let found) = whole else { return }
    for message in found {
        guard let first = try? rewrite(message, method) else { continue }
        fuzzCheck(!first.facts.sessionID.isEmpty, "a request without session_id was accepted")
        // The caller is who the token says, whatever user_context the client sent.
        fuzzCheck(userIDs(in: first.message) == [user], "the rewritten request names other users")
        // Rewriting a rewritten request changes nothing.
        let second = try? rewrite(first.message, method)
        fuzzCheck(second?.facts == first.facts && second?.message == first.message, "rewriting twice differs")
    }
}
