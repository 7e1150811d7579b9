import CoreMetrics
import PedregalBasics
import PedregalServerSupport

/// The gateway's metrics, swift-metrics types exported by one Prometheus
/// exporter. Calls are counted once each (not per frame); handles are made
/// once per label set and kept, so a call costs a dictionary lookup under one
/// lock and a few atomic increments. Gauges of state (sessions, executions,
/// backends, routes) are read from the tables when scraped.
public final class GatewayMetrics: Sendable {
    /// Latency histogram bucket bounds, seconds.
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]

    /// Every metric the gateway exports.
    static let families: [PrometheusExporter.Family] = [
        .init("pedregal_gateway_requests_total", help: "Spark Connect calls by route and gRPC status."),
        .init("pedregal_gateway_errors_total", help: "Calls that ended with a status other than OK, by route and status."),
        .init("pedregal_gateway_request_duration_seconds", help: "Call duration through the gateway, by route.", buckets: buckets),
        .init("pedregal_gateway_active_sessions", help: "Sessions this gateway has seen open, by route."),
        .init("pedregal_gateway_running_executions", help: "ExecutePlan/ReattachExecute streams in flight, by route."),
        .init("pedregal_gateway_backend_up", help: "Whether a backend server answers health checks (1) or not (0), by route."),
        .init("pedregal_gateway_auth_failures_total", help: "Refused bearer tokens by reason."),
        .init("pedregal_gateway_session_probes_total", help: "Session lookups on backends by result."),
        .init("pedregal_gateway_routes", help: "Routes loaded."),
        .init("pedregal_gateway_ready", help: "Whether the gateway is ready (routes and keys loaded, not draining)."),
        .init("pedregal_gateway_connections", help: "Open client connections."),
        .init("pedregal_gateway_streams", help: "Client streams (calls) whose state the gateway holds in memory."),
        .init("pedregal_gateway_connections_refused_total", help: "Client connections closed at accept, by reason."),
        .init("pedregal_gateway_connections_closed_total", help: "Client connections the gateway closed, by reason."),
        .init("pedregal_gateway_limited_total", help: "Calls refused by a bound on one client or subject, by limit."),
        .init("pedregal_gateway_request_buffer_bytes", help: "Bytes of request messages held before they reach a server."),
        .init("pedregal_gateway_log_lines_dropped", help: "Log lines dropped because the log destination did not keep up."),
    ]

    /// The exporter `/metrics` renders.
    public let exporter = PrometheusExporter(families: GatewayMetrics.families)
    private let counters = Locked<[String: Counter]>([:])
    private let calls = Locked<[String: RouteHandles]>([:])
    private let gauges = Locked<[String: Gauge]>([:])
    private let connections: Meter
    private let streams: Meter

    /// Creates the metrics.
    public init() {
        connections = Meter(label: "pedregal_gateway_connections", factory: exporter.factory)
        streams = Meter(label: "pedregal_gateway_streams", factory: exporter.factory)
    }

    private func counter(_ name: String, _ labels: [(String, String)]) -> Counter {
        let key = name + labels.map { "\u{0}" + $0.1 }.joined()
        if let existing = counters.withLock({ $0[key] }) { return existing }
        let made = Counter(label: name, dimensions: labels, factory: exporter.factory)
        return counters.withLock { cache in
            if let existing = cache[key] { return existing }
            cache[key] = made
            return made
        }
    }

    /// The handles of one route's calls, made on its first call.
    private struct RouteHandles {
        var duration: CoreMetrics.Timer
        var byCode: [GRPCStatusCode: (requests: Counter, errors: Counter?)] = [:]
    }

    /// Records a finished call: one lock to find the handles, then atomic counters and the histogram.
    public func record(route: String, code: GRPCStatusCode, duration: Duration) {
        let factory = exporter.factory
        let (requests, errors, timer) = calls.withLock { calls in
            var handles =
                calls[route]
                ?? RouteHandles(
                    duration: CoreMetrics.Timer(
                        label: "pedregal_gateway_request_duration_seconds", dimensions: [("route", route)], factory: factory))
            let labels = [("route", route), ("code", code.name)]
            let counters: (requests: Counter, errors: Counter?) =
                handles.byCode[code]
                ?? (
                    requests: Counter(label: "pedregal_gateway_requests_total", dimensions: labels, factory: factory),
                    errors: code == .ok ? nil : Counter(label: "pedregal_gateway_errors_total", dimensions: labels, factory: factory)
                )
            if handles.byCode[code] == nil {
                handles.byCode[code] = counters
                calls[route] = handles
            }
            return (counters.requests, counters.errors, handles.duration)
        }
        requests.increment()
        errors?.increment()
        timer.recordNanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// Records a refused token (reason is a fixed word, never token content).
    public func recordAuthFailure(_ reason: String) {
        counter("pedregal_gateway_auth_failures_total", [("reason", reason)]).increment()
    }

    /// Records a session probe's outcome.
    public func recordProbe(_ result: String) {
        counter("pedregal_gateway_session_probes_total", [("result", result)]).increment()
    }

    /// Records a connection closed at accept.
    func recordConnectionRefused(_ reason: String) {
        counter("pedregal_gateway_connections_refused_total", [("reason", reason)]).increment()
    }

    /// Records a connection the gateway closed.
    func recordConnectionClosed(_ reason: String) {
        counter("pedregal_gateway_connections_closed_total", [("reason", reason)]).increment()
    }

    /// Records a call refused by a per-client or per-subject bound.
    func recordLimited(_ limit: String) {
        counter("pedregal_gateway_limited_total", [("limit", limit)]).increment()
    }

    /// A client connection opened (+1) or closed (-1).
    func connectionsChanged(by delta: Int) {
        delta > 0 ? connections.increment(by: Double(delta)) : connections.decrement(by: Double(-delta))
    }

    /// A stream's state was made (+1) or freed (-1).
    func streamsChanged(by delta: Int) { delta > 0 ? streams.increment(by: Double(delta)) : streams.decrement(by: Double(-delta)) }

    /// Reads the gauges of state from `sources` at every scrape.
    func watch(_ sources: @escaping @Sendable () -> GaugeReadings) {
        exporter.onScrape { [weak self] in self?.update(sources()) }
    }

    /// What the state gauges show at a scrape.
    struct GaugeReadings {
        var sessions: [String: Int]
        var executions: [String: Int]
        var backends: [(route: String, server: String, up: Bool)]
        var routes: Int
        var ready: Bool
        var bufferedRequestBytes: Int
        var droppedLogLines: Int
    }

    private func update(_ readings: GaugeReadings) {
        var values: [String: (name: String, labels: [(String, String)], value: Double)] = [:]
        func set(_ name: String, _ labels: [(String, String)], _ value: Double) {
            values[name + labels.map { "\u{0}" + $0.1 }.joined()] = (name, labels, value)
        }
        for (route, count) in readings.sessions { set("pedregal_gateway_active_sessions", [("route", route)], Double(count)) }
        for (route, count) in readings.executions { set("pedregal_gateway_running_executions", [("route", route)], Double(count)) }
        for backend in readings.backends {
            set("pedregal_gateway_backend_up", [("route", backend.route), ("server", backend.server)], backend.up ? 1 : 0)
        }
        set("pedregal_gateway_routes", [], Double(readings.routes))
        set("pedregal_gateway_ready", [], readings.ready ? 1 : 0)
        set("pedregal_gateway_request_buffer_bytes", [], Double(readings.bufferedRequestBytes))
        set("pedregal_gateway_log_lines_dropped", [], Double(readings.droppedLogLines))
        gauges.withLock { gauges in
            // A route or server that is gone leaves the exposition rather than keeping its last value.
            for (key, gauge) in gauges where values[key] == nil {
                gauge.destroy()
                gauges[key] = nil
            }
            for (key, reading) in values {
                let gauge = gauges[key] ?? Gauge(label: reading.name, dimensions: reading.labels, factory: exporter.factory)
                gauges[key] = gauge
                gauge.record(reading.value)
            }
        }
    }
}
