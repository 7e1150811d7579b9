import Foundation

/// Request counts and latencies in the Prometheus text format, kept by
/// route pattern (never by raw path, so the series stay few).
public final class ServiceMetrics: @unchecked Sendable {
    private let lock = NSLock()
    private var requests: [String: Int] = [:]
    private var durations: [String: (buckets: [Int], sum: Double, count: Int)] = [:]
    private var changes: [String: Int] = [:]
    private var inFlight = 0

    /// Upper bounds of the latency buckets, in seconds.
    static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    public init() {}

    /// A request started.
    public func started() {
        lock.lock()
        inFlight += 1
        lock.unlock()
    }

    /// A request ended with `status` after `seconds`.
    public func finished(method: String, route: String, status: Int, seconds: Double) {
        let key = "method=\"\(method)\",route=\"\(route)\""
        lock.lock()
        defer { lock.unlock() }
        inFlight -= 1
        requests["\(key),status=\"\(status)\"", default: 0] += 1
        var entry = durations[key] ?? (Array(repeating: 0, count: Self.bounds.count), 0, 0)
        for (index, bound) in Self.bounds.enumerated() where seconds <= bound { entry.buckets[index] += 1 }
        entry.sum += seconds
        entry.count += 1
        durations[key] = entry
    }

    /// A change was committed.
    public func changed(action: String) {
        lock.lock()
        changes["action=\"\(action)\"", default: 0] += 1
        lock.unlock()
    }

    /// The exposition.
    public func text() -> String {
        lock.lock()
        defer { lock.unlock() }
        var out = "# HELP pedregal_requests_total HTTP requests answered.\n# TYPE pedregal_requests_total counter\n"
        for (labels, count) in requests.sorted(by: { $0.key < $1.key }) { out += "pedregal_requests_total{\(labels)} \(count)\n" }
        out += "# HELP pedregal_request_duration_seconds Time to answer a request.\n# TYPE pedregal_request_duration_seconds histogram\n"
        for (labels, entry) in durations.sorted(by: { $0.key < $1.key }) {
            for (index, bound) in Self.bounds.enumerated() {
                out += "pedregal_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(entry.buckets[index])\n"
            }
            out += "pedregal_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(entry.count)\n"
            out += "pedregal_request_duration_seconds_sum{\(labels)} \(entry.sum)\n"
            out += "pedregal_request_duration_seconds_count{\(labels)} \(entry.count)\n"
        }
        out += "# HELP pedregal_cluster_changes_total Changes committed and pushed.\n# TYPE pedregal_cluster_changes_total counter\n"
        for (labels, count) in changes.sorted(by: { $0.key < $1.key }) { out += "pedregal_cluster_changes_total{\(labels)} \(count)\n" }
        out += "# HELP pedregal_requests_in_flight Requests being answered.\n# TYPE pedregal_requests_in_flight gauge\n"
        out += "pedregal_requests_in_flight \(inFlight)\n"
        return out
    }
}
