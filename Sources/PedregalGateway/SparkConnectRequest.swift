import Foundation

/// The RPCs of `spark.connect.SparkConnectService` the gateway forwards,
/// with the request fields it reads. Field numbers are those of Spark 4's
/// `spark/connect/base.proto`: every request has `session_id = 1` and
/// `user_context = 2` (with `user_id = 1`); the field holding
/// `client_observed_server_side_session_id` differs per request.
public enum SparkConnectMethod: String, Sendable, CaseIterable {
    case executePlan = "ExecutePlan"
    case analyzePlan = "AnalyzePlan"
    case config = "Config"
    case addArtifacts = "AddArtifacts"
    case artifactStatus = "ArtifactStatus"
    case interrupt = "Interrupt"
    case reattachExecute = "ReattachExecute"
    case releaseExecute = "ReleaseExecute"
    case releaseSession = "ReleaseSession"
    case fetchErrorDetails = "FetchErrorDetails"

    /// The gRPC path prefix of the service.
    public static let servicePath = "/spark.connect.SparkConnectService/"

    /// The method of a `:path`, or nil for any other service or method.
    public init?(path: Substring) {
        guard path.hasPrefix(Self.servicePath) else { return nil }
        self.init(rawValue: String(path.dropFirst(Self.servicePath.count)))
    }

    /// The `:path` of this method.
    public var path: String { Self.servicePath + rawValue }

    /// Field number of `client_observed_server_side_session_id`, if the request has one.
    var observedSessionField: UInt64? {
        switch self {
        case .executePlan: return 8
        case .analyzePlan: return 17
        case .config: return 8
        case .addArtifacts: return 7
        case .artifactStatus: return 5
        case .interrupt: return 7
        case .reattachExecute: return 6
        case .releaseExecute: return 7
        case .releaseSession: return nil
        case .fetchErrorDetails: return 5
        }
    }

    /// Whether a call runs a query on the driver (counted against the
    /// route's execution limit and the server's load).
    public var isExecution: Bool { self == .executePlan || self == .reattachExecute }
}

/// What the gateway learns from one request message.
public struct RequestFacts: Sendable, Equatable {
    /// `session_id`.
    public var sessionID: String
    /// `client_observed_server_side_session_id`: present once the client has
    /// seen a response of the session, so the session already exists somewhere.
    public var observedServerSessionID: String?
}

/// Reads and rewrites Spark Connect request messages at the protobuf wire
/// level: only the top-level fields are walked, nothing is decoded but
/// `session_id`, the observed server session id and `user_context`.
public enum SparkConnectRequest {
    /// Field numbers shared by every request.
    static let sessionIDField: UInt64 = 1
    static let userContextField: UInt64 = 2
    static let userIDField: UInt64 = 1

    /// Why a message could not be read.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Returns the facts of `message` (a serialized request of `method`) and
    /// the message with `user_context.user_id` set to `userID`.
    ///
    /// Protobuf merges repeated occurrences of a message field and keeps the
    /// last scalar, so a client could hide a second `user_context` or
    /// `user_id` behind the first. Every occurrence is therefore folded into
    /// one `user_context` whose other fields (user_name, extensions) are kept
    /// in order and whose `user_id` is `userID` alone.
    public static func rewrite(_ message: UnsafeRawBufferPointer, method: SparkConnectMethod, userID: String) throws
        -> (facts: RequestFacts, message: [UInt8])
    {
        let fields: [ProtobufWire.Field]
        do {
            fields = try ProtobufWire.fields(message)
        } catch {
            throw Invalid(description: "the \(method.rawValue) request is not a valid protobuf message: \(error)")
        }
        var sessionID: String?
        var observed: String?
        var userContextBody: [UInt8] = []
        var out: [UInt8] = []
        out.reserveCapacity(message.count + userID.utf8.count + 8)
        var contextAt: Int?
        for field in fields {
            switch field.number {
            case sessionIDField:
                sessionID = try string(message, field, "session_id")
                out.append(contentsOf: message[field.range])
            case userContextField:
                guard field.wireType == .lengthDelimited else { throw Invalid(description: "user_context is not a message") }
                let inner = UnsafeRawBufferPointer(rebasing: message[field.payload])
                let innerFields: [ProtobufWire.Field]
                do {
                    innerFields = try ProtobufWire.fields(inner)
                } catch {
                    throw Invalid(description: "user_context is not a valid message: \(error)")
                }
                for innerField in innerFields where innerField.number != userIDField {
                    userContextBody.append(contentsOf: inner[innerField.range])
                }
                if contextAt == nil { contextAt = out.count }
            case method.observedSessionField:
                observed = try string(message, field, "client_observed_server_side_session_id")
                out.append(contentsOf: message[field.range])
            default:
                out.append(contentsOf: message[field.range])
            }
        }
        guard let sessionID, !sessionID.isEmpty else {
            throw Invalid(description: "the \(method.rawValue) request has no session_id")
        }
        var context: [UInt8] = []
        ProtobufWire.appendBytesField(userIDField, Array(userID.utf8), to: &context)
        context += userContextBody
        var field: [UInt8] = []
        ProtobufWire.appendBytesField(userContextField, context, to: &field)
        out.insert(contentsOf: field, at: contextAt ?? out.count)
        return (RequestFacts(sessionID: sessionID, observedServerSessionID: observed), out)
    }

    private static func string(_ message: UnsafeRawBufferPointer, _ field: ProtobufWire.Field, _ name: String) throws
        -> String
    {
        guard field.wireType == .lengthDelimited else { throw Invalid(description: "\(name) is not a string") }
        guard let text = String(validating: message[field.payload], as: UTF8.self) else {
            throw Invalid(description: "\(name) is not UTF-8")
        }
        return text
    }

    /// A serialized `ReleaseExecuteRequest` with `release_all` for an
    /// operation that does not exist: Spark looks the session up without
    /// creating it (SESSION_NOT_FOUND when absent) and does nothing else, so
    /// it tells whether a server holds a session with no side effect.
    public static func sessionProbe(sessionID: String, userID: String, operationID: String) -> [UInt8] {
        var out: [UInt8] = []
        ProtobufWire.appendBytesField(sessionIDField, Array(sessionID.utf8), to: &out)
        var context: [UInt8] = []
        ProtobufWire.appendBytesField(userIDField, Array(userID.utf8), to: &context)
        ProtobufWire.appendBytesField(userContextField, context, to: &out)
        ProtobufWire.appendBytesField(3, Array(operationID.utf8), to: &out)  // operation_id
        ProtobufWire.appendBytesField(4, Array("pedregal-gateway".utf8), to: &out)  // client_type
        ProtobufWire.appendBytesField(5, [], to: &out)  // release_all {}
        return out
    }
}
