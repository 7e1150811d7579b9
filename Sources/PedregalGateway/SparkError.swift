import PedregalBasics

/// An error in Spark Connect's own terms, as Spark's server sends it for a
/// `SparkThrowable` (`ErrorUtils.buildStatusFromThrowable`): gRPC `INTERNAL`,
/// and in the `grpc-status-details-bin` trailer a `google.rpc.Status` whose
/// `google.rpc.ErrorInfo` (domain `org.apache.spark`) names the exception's
/// classes, the error class, the SQL state and the message parameters.
/// Clients read the error class from there: pyspark raises it as a
/// `SparkConnectGrpcException` with that error class and does not retry it.
public struct SparkError: Sendable, Equatable {
    /// The error class (`INVALID_HANDLE.SESSION_CHANGED`).
    public var errorClass: String
    /// The SQL state (`HY000`).
    public var sqlState: String
    /// The JVM exception and its superclasses, most specific first.
    public var classes: [String]
    /// The error class's parameters, sorted by name.
    public var messageParameters: [String: String]

    /// Creates an error.
    public init(errorClass: String, sqlState: String, classes: [String], messageParameters: [String: String]) {
        self.errorClass = errorClass
        self.sqlState = sqlState
        self.classes = classes
        self.messageParameters = messageParameters
    }

    /// What Spark throws when a client's session is no longer the one its
    /// server holds (`SparkConnectSessionManager.validateSessionId`): the
    /// server instance restarted, so the session's state is gone. pyspark
    /// closes its client on this error class, and the user opens a new session.
    public static func sessionChanged(handle: String) -> SparkError {
        SparkError(
            errorClass: "INVALID_HANDLE.SESSION_CHANGED", sqlState: "HY000",
            classes: ["org.apache.spark.SparkSQLException", "java.sql.SQLException", "java.lang.Exception", "java.lang.Throwable"],
            messageParameters: ["handle": handle])
    }

    /// The serialized `google.rpc.Status` for `message` (which must equal the
    /// call's `grpc-message`: clients check that the two agree).
    public func status(message: String) -> [UInt8] {
        var info: [UInt8] = []
        ProtobufWire.appendBytesField(1, Array((classes.first ?? "").utf8), to: &info)  // reason
        ProtobufWire.appendBytesField(2, Array("org.apache.spark".utf8), to: &info)  // domain
        let parameters = messageParameters.sorted { $0.key < $1.key }.map { JSONText.quote($0.key) + ":" + JSONText.quote($0.value) }
        let metadata: [(String, String)] = [
            ("classes", "[" + classes.map(JSONText.quote).joined(separator: ",") + "]"),
            ("errorClass", errorClass),
            ("messageParameters", "{" + parameters.joined(separator: ",") + "}"),
            ("sqlState", sqlState),
        ]
        for (key, value) in metadata {
            var entry: [UInt8] = []
            ProtobufWire.appendBytesField(1, Array(key.utf8), to: &entry)
            ProtobufWire.appendBytesField(2, Array(value.utf8), to: &entry)
            ProtobufWire.appendBytesField(3, entry, to: &info)  // metadata map entry
        }
        var any: [UInt8] = []
        ProtobufWire.appendBytesField(1, Array("type.googleapis.com/google.rpc.ErrorInfo".utf8), to: &any)
        ProtobufWire.appendBytesField(2, info, to: &any)
        var status: [UInt8] = []
        ProtobufWire.appendVarint(1 << 3, to: &status)  // code
        ProtobufWire.appendVarint(UInt64(GRPCStatusCode.internalError.rawValue), to: &status)
        ProtobufWire.appendBytesField(2, Array(message.utf8), to: &status)
        ProtobufWire.appendBytesField(3, any, to: &status)
        return status
    }
}
