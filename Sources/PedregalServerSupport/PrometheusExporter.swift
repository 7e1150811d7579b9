import CoreMetrics
import PedregalBasics
import Prometheus

/// A server's metrics: swift-metrics types (`Counter`, `Timer`, `Gauge`,
/// `Meter`) made with `factory`, exported in the Prometheus text format by
/// one registry. Every metric is declared once, with its help text and, for
/// timers, its buckets: the names a server exports are listed in one place.
///
/// Nothing is global (`MetricsSystem.bootstrap` is not called), so that
/// several servers, or tests, can run in one process.
public final class PrometheusExporter: Sendable {
    /// A metric name with its help text and, for timers, bucket bounds in seconds.
    public struct Family: Sendable {
        /// The metric name (`pedregal_gateway_requests_total`).
        public var name: String
        /// One sentence for `# HELP`.
        public var help: String
        /// Histogram bucket bounds, seconds (timers only).
        public var buckets: [Double]

        /// Declares a family.
        public init(_ name: String, help: String, buckets: [Double] = []) {
            self.name = name
            self.help = help
            self.buckets = buckets
        }
    }

    private let registry = PrometheusCollectorRegistry()
    private let families: [String: Family]
    private let beforeScrape = Locked<[@Sendable () -> Void]>([])

    /// The factory to pass to swift-metrics' initialisers.
    public var factory: any MetricsFactory { Factory(registry: registry, families: families) }

    /// Creates an exporter that knows `families`.
    public init(families: [Family]) {
        self.families = Dictionary(families.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Runs `update` before each exposition (gauges read from state).
    public func onScrape(_ update: @escaping @Sendable () -> Void) {
        beforeScrape.withLock { $0.append(update) }
    }

    /// The text exposition (`text/plain; version=0.0.4`).
    public func exposition() -> [UInt8] {
        for update in beforeScrape.current { update() }
        return registry.emitToBuffer()
    }

    /// The content type of `exposition()`.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private struct Factory: MetricsFactory {
        let registry: PrometheusCollectorRegistry
        let families: [String: Family]

        private func descriptor(_ name: String) -> MetricNameDescriptor {
            MetricNameDescriptor(metricName: name, unitName: "", helpText: families[name]?.help ?? "")
        }

        func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
            registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
        }

        func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
            registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
        }

        func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
            guard aggregate else { return registry.makeGauge(descriptor: descriptor(label), labels: dimensions) }
            return registry.makeValueHistogram(descriptor: descriptor(label), labels: dimensions, buckets: families[label]?.buckets ?? [])
        }

        func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
            registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
        }

        func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
            let buckets = (families[label]?.buckets ?? []).map { Duration.nanoseconds(Int64(($0 * 1e9).rounded())) }
            return registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions, buckets: buckets)
        }

        func destroyCounter(_ handler: any CounterHandler) {
            if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
        }

        func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
            if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
        }

        func destroyRecorder(_ handler: any RecorderHandler) {
            switch handler {
            case let gauge as Prometheus.Gauge: registry.unregisterGauge(gauge)
            case let histogram as Prometheus.Histogram<Double>: registry.unregisterValueHistogram(histogram)
            default: break
            }
        }

        func destroyMeter(_ handler: any MeterHandler) {
            if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        }

        func destroyTimer(_ handler: any TimerHandler) {
            if let histogram = handler as? Prometheus.Histogram<Duration> { registry.unregisterDurationHistogram(histogram) }
        }
    }
}
