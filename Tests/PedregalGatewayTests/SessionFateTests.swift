import Foundation
import NIOHPACK
import Testing

@testable import PedregalGateway

/// The rule for a call whose session has no live placement, and the answer a
/// lost session gets: Spark's own `INVALID_HANDLE.SESSION_CHANGED`, which
/// pyspark neither retries nor re-sends.
struct SessionFateTests {
    static let a = ServerAddress(host: "10.0.0.1", port: 15002)
    static let b = ServerAddress(host: "10.0.0.2", port: 15002)

    func decide(
        observed: Bool, probes: [(server: ServerAddress, result: ProbeResult)], down: [ServerAddress] = [], heldByAnother: Bool = false
    ) -> SessionFate {
        SessionFate.decide(
            sessionID: "s-1", host: "ds.example.team", observed: observed, probes: probes, down: down, heldByAnother: heldByAnother)
    }

    @Test func aServerThatHoldsTheSessionGetsTheCall() {
        #expect(decide(observed: true, probes: [(Self.a, .absent), (Self.b, .present)]) == .found(Self.b))
        #expect(decide(observed: false, probes: [(Self.a, .present)], heldByAnother: true) == .found(Self.a))
    }

    @Test func aSessionNoClientHasSeenIsOpened() {
        #expect(decide(observed: false, probes: [(Self.a, .absent)], down: [Self.b]) == .open)
        #expect(decide(observed: false, probes: [(Self.a, .unreachable("slow"))]) == .open)
    }

    @Test func anotherSubjectsSessionIdIsRefused() {
        guard case .refused(let refusal) = decide(observed: false, probes: [(Self.a, .absent)], heldByAnother: true) else {
            Issue.record("not refused")
            return
        }
        #expect(refusal.code == .permissionDenied)
    }

    @Test func aSessionWhoseServerIsGoneIsLostInSparksTerms() {
        for fate in [
            decide(observed: true, probes: [(Self.a, .absent)], down: [Self.b]),
            decide(observed: true, probes: [(Self.a, .absent), (Self.b, .refused)]),
        ] {
            guard case .refused(let refusal) = fate else {
                Issue.record("not refused: \(fate)")
                continue
            }
            #expect(refusal.code == .internalError)
            #expect(refusal.sparkError == .sessionChanged(handle: "s-1"))
            #expect(refusal.message.hasPrefix("[INVALID_HANDLE.SESSION_CHANGED] The handle s-1 is invalid. "))
            #expect(refusal.message.contains("Session s-1 was held by the Spark Connect server 10.0.0.2:15002 of ds.example.team"))
            #expect(refusal.message.contains("Open a new session"))
            #expect(refusal.message.hasSuffix(" SQLSTATE: HY000"))
            // pyspark's reattaching iterator re-sends ExecutePlan at once, without end, on these.
            #expect(!refusal.message.contains("SESSION_NOT_FOUND") && !refusal.message.contains("OPERATION_NOT_FOUND"))
        }
    }

    @Test func aSessionNoServerHoldsIsLost() {
        guard case .refused(let refusal) = decide(observed: true, probes: [(Self.a, .absent), (Self.b, .absent)]) else {
            Issue.record("not refused")
            return
        }
        #expect(refusal.sparkError?.errorClass == "INVALID_HANDLE.SESSION_CHANGED")
        #expect(refusal.message.contains("No Spark Connect server of ds.example.team holds session s-1 any more"))
    }

    @Test func aServerThatMayStillAnswerIsWorthARetry() {
        guard case .refused(let refusal) = decide(observed: true, probes: [(Self.a, .absent), (Self.b, .unreachable("timeout"))]) else {
            Issue.record("not refused")
            return
        }
        #expect(refusal.code == .unavailable)
        #expect(refusal.sparkError == nil)
        #expect(refusal.message.contains("10.0.0.2:15002"))
    }

    /// The trailer is what Spark's ErrorUtils sends: a google.rpc.Status (code INTERNAL, the same
    /// message as grpc-message) holding an Any-packed google.rpc.ErrorInfo.
    @Test func theDetailsAreAGoogleRPCStatusWithSparksErrorInfo() throws {
        let refusal = SessionFate.lost(sessionID: "s-1", servers: [Self.a], host: "h")
        let headers = GRPCHeaders.trailersOnly(refusal)
        #expect(headers.first(name: "grpc-status") == "13")
        let encoded = try #require(headers.first(name: "grpc-status-details-bin"))
        #expect(!encoded.hasSuffix("="))
        let padded = encoded + String(repeating: "=", count: (4 - encoded.count % 4) % 4)
        let status = try #require(Data(base64Encoded: padded).map(Array.init))
        let top = try Self.fields(status)
        #expect(top.varints[1] == 13)
        #expect(top.strings[2] == [refusal.message])
        #expect(GRPCHeaders.percentDecode(headers.first(name: "grpc-message") ?? "") == refusal.message)
        let any = try Self.fields(try #require(top.bytes[3]?.first))
        #expect(any.strings[1] == ["type.googleapis.com/google.rpc.ErrorInfo"])
        let info = try Self.fields(try #require(any.bytes[2]?.first))
        #expect(info.strings[1] == ["org.apache.spark.SparkSQLException"])
        #expect(info.strings[2] == ["org.apache.spark"])
        var metadata: [String: String] = [:]
        for entry in info.bytes[3] ?? [] {
            let pair = try Self.fields(entry)
            metadata[pair.strings[1]?.first ?? ""] = pair.strings[2]?.first
        }
        #expect(
            metadata == [
                "classes": #"["org.apache.spark.SparkSQLException","java.sql.SQLException","java.lang.Exception","java.lang.Throwable"]"#,
                "errorClass": "INVALID_HANDLE.SESSION_CHANGED", "sqlState": "HY000", "messageParameters": #"{"handle":"s-1"}"#,
            ])
    }

    struct Fields {
        var varints: [UInt64: UInt64] = [:]
        var bytes: [UInt64: [[UInt8]]] = [:]
        var strings: [UInt64: [String]] { bytes.mapValues { $0.map { String(decoding: $0, as: UTF8.self) } } }
    }

    static func fields(_ message: [UInt8]) throws -> Fields {
        var out = Fields()
        try message.withUnsafeBytes { bytes in
            for field in try ProtobufWire.fields(bytes) {
                switch field.wireType {
                case .varint:
                    var index = field.range.lowerBound
                    _ = try ProtobufWire.varint(bytes, &index)
                    out.varints[field.number] = try ProtobufWire.varint(bytes, &index)
                case .lengthDelimited: out.bytes[field.number, default: []].append(Array(bytes[field.payload]))
                default: break
                }
            }
        }
        return out
    }
}
