import CoreMetrics
import PedregalBasics
import PedregalServerSupport

/// The request API's metrics: swift-metrics types exported by the same
/// Prometheus exporter as the gateway's, kept by route pattern (never by raw
/// path, so the series stay few). Handles are made once per label set and
/// kept, so a request costs one dictionary lookup under one lock.
public final class ServiceMetrics: Sendable {
    /// Latency histogram bucket bounds, seconds: a read answers in
    /// milliseconds, a change waits for a compile and a push.
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// Every metric the request API exports.
    static let families: [PrometheusExporter.Family] = [
        .init("pedregal_requests_total", help: "HTTP requests answered, by method, route pattern and status."),
        .init("pedregal_request_duration_seconds", help: "Time to answer a request, by method and route pattern.", buckets: buckets),
        .init("pedregal_cluster_changes_total", help: "Changes committed and pushed, by action."),
        .init("pedregal_requests_in_flight", help: "Requests being answered."),
    ]

    /// The exporter `/metrics` renders.
    public let exporter = PrometheusExporter(families: ServiceMetrics.families)
    private let counters = Locked<[[String]: Counter]>([:])
    private let timers = Locked<[[String]: CoreMetrics.Timer]>([:])
    private let inFlight: Meter

    /// Creates the metrics.
    public init() {
        inFlight = Meter(label: "pedregal_requests_in_flight", factory: exporter.factory)
    }

    /// A request started.
    public func started() {
        inFlight.increment()
    }

    /// A request ended with `status` after `duration`.
    public func finished(method: String, route: String, status: Int, duration: Duration) {
        inFlight.decrement()
        counter("pedregal_requests_total", [("method", method), ("route", route), ("status", String(status))]).increment()
        timer(method: method, route: route).recordNanoseconds(
            Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// A change was committed.
    public func changed(action: String) {
        counter("pedregal_cluster_changes_total", [("action", action)]).increment()
    }

    private func counter(_ name: String, _ labels: [(String, String)]) -> Counter {
        let key = [name] + labels.map(\.1)
        return counters.withLock { cache in
            if let existing = cache[key] { return existing }
            let made = Counter(label: name, dimensions: labels, factory: exporter.factory)
            cache[key] = made
            return made
        }
    }

    private func timer(method: String, route: String) -> CoreMetrics.Timer {
        timers.withLock { cache in
            if let existing = cache[[method, route]] { return existing }
            let made = CoreMetrics.Timer(
                label: "pedregal_request_duration_seconds", dimensions: [("method", method), ("route", route)], factory: exporter.factory)
            cache[[method, route]] = made
            return made
        }
    }
}
