import Foundation
import NIOCore
import NIOHPACK

/// gRPC status codes the gateway answers with or observes.
public enum GRPCStatusCode: Int, Sendable, CaseIterable {
    case ok = 0
    case cancelled = 1
    case unknown = 2
    case invalidArgument = 3
    case deadlineExceeded = 4
    case notFound = 5
    case alreadyExists = 6
    case permissionDenied = 7
    case resourceExhausted = 8
    case failedPrecondition = 9
    case aborted = 10
    case outOfRange = 11
    case unimplemented = 12
    case internalError = 13
    case unavailable = 14
    case dataLoss = 15
    case unauthenticated = 16

    /// The name used in metrics and logs (`PERMISSION_DENIED`).
    public var name: String {
        switch self {
        case .ok: return "OK"
        case .cancelled: return "CANCELLED"
        case .unknown: return "UNKNOWN"
        case .invalidArgument: return "INVALID_ARGUMENT"
        case .deadlineExceeded: return "DEADLINE_EXCEEDED"
        case .notFound: return "NOT_FOUND"
        case .alreadyExists: return "ALREADY_EXISTS"
        case .permissionDenied: return "PERMISSION_DENIED"
        case .resourceExhausted: return "RESOURCE_EXHAUSTED"
        case .failedPrecondition: return "FAILED_PRECONDITION"
        case .aborted: return "ABORTED"
        case .outOfRange: return "OUT_OF_RANGE"
        case .unimplemented: return "UNIMPLEMENTED"
        case .internalError: return "INTERNAL"
        case .unavailable: return "UNAVAILABLE"
        case .dataLoss: return "DATA_LOSS"
        case .unauthenticated: return "UNAUTHENTICATED"
        }
    }
}

/// A refusal the gateway answers itself: a status and a message for the caller.
public struct GatewayRefusal: Error, Sendable, Equatable {
    /// The status.
    public var code: GRPCStatusCode
    /// What happened and what to do, never a secret.
    public var message: String
    /// Spark's own error, sent as `grpc-status-details-bin` so that clients
    /// see its error class (the code is then `INTERNAL`, as Spark sends it).
    public var sparkError: SparkError?

    /// Creates a refusal.
    public init(_ code: GRPCStatusCode, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A refusal in Spark's terms: `INTERNAL` with `error`'s details, and a
    /// message that starts with its error class as Spark's messages do.
    public init(_ error: SparkError, _ message: String) {
        self.code = .internalError
        self.message = "[\(error.errorClass)] \(message) SQLSTATE: \(error.sqlState)"
        self.sparkError = error
    }
}

enum GRPCHeaders {
    /// A trailers-only response (`:status 200` + grpc-status), as gRPC
    /// answers a call it refuses before any message.
    static func trailersOnly(_ refusal: GatewayRefusal) -> HPACKHeaders {
        var headers: HPACKHeaders = [":status": "200", "content-type": "application/grpc"]
        headers.add(contentsOf: trailers(refusal))
        return headers
    }

    /// Trailers ending a response whose headers were already sent.
    static func trailers(_ refusal: GatewayRefusal) -> HPACKHeaders {
        var headers: HPACKHeaders = ["grpc-status": String(refusal.code.rawValue), "grpc-message": percentEncode(refusal.message)]
        if let error = refusal.sparkError {
            headers.add(name: "grpc-status-details-bin", value: base64(error.status(message: refusal.message)))
        }
        return headers
    }

    /// A binary header's value: base64 without padding, as gRPC sends them.
    static func base64(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// The grpc-message encoding: percent-encode everything outside printable ASCII and '%'.
    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "%") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    /// Decodes a grpc-message.
    static func percentDecode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
