import Logging
import PedregalServerSupport

/// The gateway's log lines, JSON through swift-log (`JSONLogHandler`, written
/// off the event loop by a `LogSink`): `access` (one per call), `audit` (who
/// opened or found which session where, cordons, sessions lost with their
/// server) and `event` (routes loaded, servers up and down, connections
/// closed or refused). Every line has `time`, `level`, `kind` and `event`.
/// Tokens never reach a line: callers pass only verified subjects.
public struct GatewayLog: Sendable {
    /// The logger lines go through; libraries the gateway runs (the service
    /// group, the operations server) log through it too, as events.
    public let logger: Logger

    /// A log writing JSON lines to `sink`.
    public init(sink: LogSink) {
        var logger = Logger(label: "pedregal.gateway") { _ in
            JSONLogHandler(sink: sink, messageKey: "event", leadingKeys: ["kind"])
        }
        logger[metadataKey: "kind"] = "event"
        self.logger = logger
    }

    /// One finished call.
    func access(_ fields: Logger.Metadata) {
        var fields = fields
        fields["kind"] = "access"
        logger.info("call", metadata: fields)
    }

    /// Who did what to which session or server.
    func audit(_ event: String, _ fields: Logger.Metadata) {
        var fields = fields
        fields["kind"] = "audit"
        logger.info("\(event)", metadata: fields)
    }

    /// Something that happened to the gateway.
    func event(_ event: String, level: Logger.Level = .info, _ fields: Logger.Metadata = [:]) {
        logger.log(level: level, "\(event)", metadata: fields)
    }
}

extension Logger.MetadataValue {
    /// A number in a log line.
    static func int(_ value: Int) -> Logger.MetadataValue { .stringConvertible(value) }
    /// A number with three decimals in a log line.
    static func double(_ value: Double) -> Logger.MetadataValue { .stringConvertible(value) }
}
