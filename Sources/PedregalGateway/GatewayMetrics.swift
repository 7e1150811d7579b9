import Foundation
import NIOConcurrencyHelpers

/// The gateway's Prometheus metrics, rendered in the text exposition format.
/// Counters are updated once per call (not per frame), under one lock.
public final class GatewayMetrics: Sendable {
    /// Latency histogram bucket bounds, seconds.
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]

    private struct Histogram {
        var counts = [UInt64](repeating: 0, count: GatewayMetrics.buckets.count)
        var sum = 0.0
        var total: UInt64 = 0
    }

    private struct State {
        var requests: [String: [String: UInt64]] = [:]  // route → code → count
        var latency: [String: Histogram] = [:]
        var authFailures: [String: UInt64] = [:]  // reason → count
        var probes: [String: UInt64] = [:]  // result → count
    }

    private let state = NIOLockedValueBox(State())

    /// Creates empty metrics.
    public init() {}

    /// Records a finished call.
    public func record(route: String, code: GRPCStatusCode, seconds: Double) {
        state.withLockedValue { state in
            state.requests[route, default: [:]][code.name, default: 0] += 1
            var histogram = state.latency[route] ?? Histogram()
            if let index = Self.buckets.firstIndex(where: { seconds <= $0 }) { histogram.counts[index] += 1 }
            histogram.sum += seconds
            histogram.total += 1
            state.latency[route] = histogram
        }
    }

    /// Records a refused token (reason is a fixed word, never token content).
    public func recordAuthFailure(_ reason: String) {
        state.withLockedValue { $0.authFailures[reason, default: 0] += 1 }
    }

    /// Records a session probe's outcome.
    public func recordProbe(_ result: String) {
        state.withLockedValue { $0.probes[result, default: 0] += 1 }
    }

    /// The exposition text, with gauges read from the registry and session table.
    public func render(registry: BackendRegistry, sessions: SessionTable, ready: Bool) -> String {
        let snapshot = state.withLockedValue { $0 }
        var out = ""
        func line(_ text: String) { out += text + "\n" }
        func label(_ value: String) -> String {
            value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
        }
        line("# HELP pedregal_gateway_requests_total Spark Connect calls by route and gRPC status.")
        line("# TYPE pedregal_gateway_requests_total counter")
        for route in snapshot.requests.keys.sorted() {
            for (code, count) in snapshot.requests[route]!.sorted(by: { $0.key < $1.key }) {
                line("pedregal_gateway_requests_total{route=\"\(label(route))\",code=\"\(code)\"} \(count)")
            }
        }
        line("# HELP pedregal_gateway_errors_total Calls that ended with a status other than OK, by route and status.")
        line("# TYPE pedregal_gateway_errors_total counter")
        for route in snapshot.requests.keys.sorted() {
            for (code, count) in snapshot.requests[route]!.sorted(by: { $0.key < $1.key }) where code != "OK" {
                line("pedregal_gateway_errors_total{route=\"\(label(route))\",code=\"\(code)\"} \(count)")
            }
        }
        line("# HELP pedregal_gateway_request_duration_seconds Call duration through the gateway, by route.")
        line("# TYPE pedregal_gateway_request_duration_seconds histogram")
        for route in snapshot.latency.keys.sorted() {
            let histogram = snapshot.latency[route]!
            var cumulative: UInt64 = 0
            for (index, bound) in Self.buckets.enumerated() {
                cumulative += histogram.counts[index]
                line("pedregal_gateway_request_duration_seconds_bucket{route=\"\(label(route))\",le=\"\(bound)\"} \(cumulative)")
            }
            line("pedregal_gateway_request_duration_seconds_bucket{route=\"\(label(route))\",le=\"+Inf\"} \(histogram.total)")
            line("pedregal_gateway_request_duration_seconds_sum{route=\"\(label(route))\"} \(histogram.sum)")
            line("pedregal_gateway_request_duration_seconds_count{route=\"\(label(route))\"} \(histogram.total)")
        }
        line("# HELP pedregal_gateway_active_sessions Sessions this gateway has seen open, by route.")
        line("# TYPE pedregal_gateway_active_sessions gauge")
        for (route, count) in sessions.sessionsByRoute().sorted(by: { $0.key < $1.key }) {
            line("pedregal_gateway_active_sessions{route=\"\(label(route))\"} \(count)")
        }
        line("# HELP pedregal_gateway_running_executions ExecutePlan/ReattachExecute streams in flight, by route.")
        line("# TYPE pedregal_gateway_running_executions gauge")
        for (route, count) in sessions.executionsByRoute().sorted(by: { $0.key < $1.key }) {
            line("pedregal_gateway_running_executions{route=\"\(label(route))\"} \(count)")
        }
        line("# HELP pedregal_gateway_backend_up Whether a backend server answers health checks (1) or not (0), by route.")
        line("# TYPE pedregal_gateway_backend_up gauge")
        for route in registry.table.routes {
            for server in registry.servers(for: route) {
                let up = registry.isHealthy(server) ? 1 : 0
                line("pedregal_gateway_backend_up{route=\"\(label(route.name))\",server=\"\(label(server.description))\"} \(up)")
            }
        }
        line("# HELP pedregal_gateway_auth_failures_total Refused bearer tokens by reason.")
        line("# TYPE pedregal_gateway_auth_failures_total counter")
        for (reason, count) in snapshot.authFailures.sorted(by: { $0.key < $1.key }) {
            line("pedregal_gateway_auth_failures_total{reason=\"\(label(reason))\"} \(count)")
        }
        line("# HELP pedregal_gateway_session_probes_total Session lookups on backends by result.")
        line("# TYPE pedregal_gateway_session_probes_total counter")
        for (result, count) in snapshot.probes.sorted(by: { $0.key < $1.key }) {
            line("pedregal_gateway_session_probes_total{result=\"\(label(result))\"} \(count)")
        }
        line("# HELP pedregal_gateway_routes Routes loaded.")
        line("# TYPE pedregal_gateway_routes gauge")
        line("pedregal_gateway_routes \(registry.table.routes.count)")
        line("# HELP pedregal_gateway_ready Whether the gateway is ready (routes and keys loaded, not draining).")
        line("# TYPE pedregal_gateway_ready gauge")
        line("pedregal_gateway_ready \(ready ? 1 : 0)")
        return out
    }
}
