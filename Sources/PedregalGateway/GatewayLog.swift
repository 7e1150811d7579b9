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
    private let sink: LogSink

    /// A log writing JSON lines to `sink`.
    public init(sink: LogSink) {
        var logger = Logger(label: "pedregal.gateway") { _ in
            JSONLogHandler(sink: sink, messageKey: "event", leadingKeys: ["kind"])
        }
        logger[metadataKey: "kind"] = "event"
        self.logger = logger
        self.sink = sink
    }

    /// What an access line says about one finished call.
    struct Access {
        var route: String
        var peer: String
        var host: String
        var status: String
        var durationMilliseconds: Double
        var team: String?
        var subject: String?
        var method: String?
        var session: String?
        var server: String?
        var message: String?
    }

    /// One finished call. Written straight into the line, not through swift-log:
    /// it is the one line per call, and a metadata dictionary (eleven keys hashed,
    /// then sorted back out) cost about a third of the gateway's own time per call.
    /// The bytes are those `logger.info("call", metadata:)` with `kind` `access`
    /// would write (GatewayLogTests checks both ways agree).
    func access(_ call: Access, time: String = JSONLogHandler.now()) {
        guard logger.logLevel <= .info else { return }
        var line = JSONLine(time: time, level: .info)
        line.add("kind", "access")
        line.add("event", "call")
        // The keys in sorted order, as the handler writes every key after the message.
        line.add("duration_ms", threeDecimals: call.durationMilliseconds)
        line.add("host", call.host)
        if let message = call.message { line.add("message", message) }
        if let method = call.method { line.add("method", method) }
        line.add("peer", call.peer)
        line.add("route", call.route)
        if let server = call.server { line.add("server", server) }
        if let session = call.session { line.add("session", session) }
        line.add("status", call.status)
        if let subject = call.subject { line.add("subject", subject) }
        if let team = call.team { line.add("team", team) }
        sink.write(line.finished())
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
}
