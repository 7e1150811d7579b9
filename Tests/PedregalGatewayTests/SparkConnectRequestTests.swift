import Foundation
import NIOCore
import Testing

@testable import PedregalGateway

@Suite struct SparkConnectRequestTests {
    /// An ExecutePlanRequest serialized by pyspark 4.0.5's protobuf classes:
    /// session 8f1c6a52-…, observed server session 11111111-…, user_context
    /// {user_id: "mallory", user_name: "Mallory"}, plan `select 1`, tags [t1].
    static let pysparkExecutePlan = bytes(
        "0a2438663163366135322d376433652d346231612d396130652d33633264316530663962376112120a076d616c6c6f727912074d616c6c6f72"
            + "791a0e0a0c520a0a0873656c6563742031220d7079737061726b2f342e302e3532046f702d313a027431422431313131313131312d3232"
            + "32322d333333332d343434342d353535353535353535353535")

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    /// Top-level fields of a message as (number, payload bytes).
    static func fields(_ message: [UInt8]) throws -> [(UInt64, [UInt8])] {
        try message.withUnsafeBytes { bytes in
            try ProtobufWire.fields(bytes).map { ($0.number, Array(bytes[$0.payload])) }
        }
    }

    static func rewrite(_ message: [UInt8], _ method: SparkConnectMethod = .executePlan, user: String = "alice@example.com")
        throws -> (facts: RequestFacts, message: [UInt8])
    {
        try message.withUnsafeBytes { try SparkConnectRequest.rewrite($0, method: method, userID: user) }
    }

    @Test func rewritesTheUserOfARealPysparkRequest() throws {
        let (facts, message) = try Self.rewrite(Self.pysparkExecutePlan)
        #expect(facts.sessionID == "8f1c6a52-7d3e-4b1a-9a0e-3c2d1e0f9b7a")
        #expect(facts.observedServerSessionID == "11111111-2222-3333-4444-555555555555")
        let fields = try Self.fields(message)
        let contexts = fields.filter { $0.0 == 2 }
        #expect(contexts.count == 1)
        let inner = try Self.fields(contexts[0].1)
        #expect(inner.map(\.0) == [1, 2])
        #expect(String(decoding: inner[0].1, as: UTF8.self) == "alice@example.com")
        #expect(String(decoding: inner[1].1, as: UTF8.self) == "Mallory")
        // Everything else is untouched and in order.
        let original = try Self.fields(Self.pysparkExecutePlan).filter { $0.0 != 2 }
        #expect(fields.filter { $0.0 != 2 }.map(\.1) == original.map(\.1))
    }

    @Test func foldsASmuggledSecondUserContext() throws {
        var message = Self.pysparkExecutePlan
        // A second user_context {user_id: "root"} appended: protobuf would merge it and let "root" win.
        var smuggled: [UInt8] = []
        ProtobufWire.appendBytesField(1, Array("root".utf8), to: &smuggled)
        ProtobufWire.appendBytesField(2, smuggled, to: &message)
        let (_, rewritten) = try Self.rewrite(message)
        let contexts = try Self.fields(rewritten).filter { $0.0 == 2 }
        #expect(contexts.count == 1)
        let userIDs = try Self.fields(contexts[0].1).filter { $0.0 == 1 }.map { String(decoding: $0.1, as: UTF8.self) }
        #expect(userIDs == ["alice@example.com"])
    }

    @Test func addsAUserContextWhenAbsent() throws {
        var message: [UInt8] = []
        ProtobufWire.appendBytesField(1, Array("s-1".utf8), to: &message)
        let (facts, rewritten) = try Self.rewrite(message, .releaseSession)
        #expect(facts == RequestFacts(sessionID: "s-1", observedServerSessionID: nil))
        #expect(try Self.fields(rewritten).map(\.0) == [1, 2])
    }

    @Test func readsTheObservedSessionFieldOfEachMethod() throws {
        for method in SparkConnectMethod.allCases {
            var message: [UInt8] = []
            ProtobufWire.appendBytesField(1, Array("s".utf8), to: &message)
            if let field = method.observedSessionField { ProtobufWire.appendBytesField(field, Array("obs".utf8), to: &message) }
            let (facts, _) = try Self.rewrite(message, method)
            #expect(facts.observedServerSessionID == (method.observedSessionField == nil ? nil : "obs"), "\(method)")
        }
    }

    @Test func refusesBrokenMessages() {
        for message: [UInt8] in [[0x0a, 0x05, 0x61], [0xff, 0xff], [], [0x12, 0x00], [0x0b, 0x00]] {
            #expect(throws: SparkConnectRequest.Invalid.self) { try Self.rewrite(message) }
        }
    }

    @Test func buildsAProbeSparkCanRead() throws {
        let probe = SparkConnectRequest.sessionProbe(sessionID: "s-1", userID: "alice", operationID: "op")
        let fields = try Self.fields(probe)
        #expect(fields.map(\.0) == [1, 2, 3, 4, 5])
        #expect(fields[4].1.isEmpty)
    }

    @Test func framesMessagesAcrossDataFrames() throws {
        var reader = GRPCMessageReader(maxMessageBytes: 16)
        let stream: [UInt8] = [0, 0, 0, 0, 3, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 9]
        var messages: [[UInt8]] = []
        for chunk in [stream[0..<4], stream[4..<9], stream[9..<18], stream[18...]] {
            messages += try reader.append(ByteBuffer(bytes: chunk))
        }
        // Two whole messages (the second empty) and one still missing a byte.
        #expect(messages == [[1, 2, 3], []])
        #expect(reader.hasPartialMessage)
        let last = try reader.append(ByteBuffer(bytes: [7]))
        #expect(last == [[9, 7]])
        #expect(!reader.hasPartialMessage)
    }

    @Test func refusesCompressedAndOversizedMessages() {
        var reader = GRPCMessageReader(maxMessageBytes: 4)
        #expect(throws: GatewayRefusal.self) { _ = try reader.append(ByteBuffer(bytes: [1, 0, 0, 0, 1, 0])) }
        var small = GRPCMessageReader(maxMessageBytes: 4)
        #expect(throws: GatewayRefusal.self) { _ = try small.append(ByteBuffer(bytes: [0, 0, 0, 0, 5])) }
    }
}
