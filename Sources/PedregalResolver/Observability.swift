import PedregalBasics

/// Where every Spark application reports, resolved from platform.yaml's
/// `observability`: event logs for the History Server, Prometheus metrics
/// for the OpenTelemetry collector.
public struct ResolvedObservability: Sendable {
    /// Spark History Server base URL, without a trailing slash.
    public var historyServer: String?
    /// Event log folder, with `{region}` / `{cluster}` still in it.
    public var eventLogDir: String?
    /// Metrics in Prometheus format on the driver's UI port.
    public var prometheus: Bool
    /// Namespace allowed to scrape drivers.
    public var scrapeNamespace: String?

    /// The driver UI port, where Spark serves its Prometheus endpoints.
    public static let uiPort = 4040
    /// PrometheusServlet's path on the UI port (driver and application metrics).
    public static let metricsPath = "/metrics/prometheus"

    /// The event log folder of `region`.
    public func eventLogDir(for region: ResolvedRegion) -> String? {
        eventLogDir.map {
            $0.replacingAll("{region}", with: region.name).replacingAll("{cluster}", with: region.cluster)
        }
    }

    /// Spark properties the platform sets for observability, which teams'
    /// sparkConf may not override (turning event logs or metrics off would
    /// hide a run from where the platform looks). Keys and key prefixes.
    public var ownedProperties: (keys: Set<String>, prefixes: [String]) {
        var keys: Set<String> = []
        var prefixes: [String] = []
        if eventLogDir != nil { prefixes.append("spark.eventLog.") }
        if prometheus {
            prefixes += ["spark.metrics.", "spark.ui.prometheus."]
            keys.formUnion(["spark.ui.enabled", "spark.ui.port", "spark.sql.streaming.metricsEnabled"])
        }
        return (keys, prefixes)
    }

    /// Why `url` is not a History Server URL, or nil.
    static func urlProblem(_ url: String) -> String? {
        guard let schemeEnd = url.firstRange(of: "://"), ["http", "https"].contains(url[..<schemeEnd.lowerBound]) else {
            return "it must start with https:// (or http://)"
        }
        let rest = url[schemeEnd.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != ":" && $0 != "?" && $0 != "#" }
        if host.isEmpty { return "it has no host" }
        if url.contains(where: { $0.isWhitespace }) { return "it contains spaces" }
        if url.contains("?") || url.contains("#") { return "it must not carry a query or fragment; links add /history/<app id>" }
        return nil
    }

    /// Object-store schemes Spark can write event logs to through Hadoop.
    static let eventLogSchemes = ["s3a", "gs", "abfs", "abfss", "wasb", "wasbs", "hdfs", "oss", "cos", "cosn"]

    /// Why `path` is not an object-store folder for event logs, or nil.
    static func eventLogDirProblem(_ path: String) -> String? {
        guard let schemeEnd = path.firstRange(of: "://") else {
            return "it must be an object-store folder such as s3a://bucket/spark-events (pods have no shared local disk)"
        }
        let scheme = String(path[..<schemeEnd.lowerBound])
        if scheme == "s3" || scheme == "s3n" {
            return "Spark on Kubernetes writes to S3 through Hadoop's S3A connector: write s3a:// instead of \(scheme)://"
        }
        guard eventLogSchemes.contains(scheme) else {
            return
                "'\(scheme)://' is not an object store Spark writes event logs to; use one of \(eventLogSchemes.map { $0 + "://" }.joined(separator: ", "))"
        }
        let rest = path[schemeEnd.upperBound...]
        if rest.prefix(while: { $0 != "/" }).isEmpty { return "it names no bucket or host" }
        if path.contains(where: { $0.isWhitespace }) { return "it contains spaces" }
        var placeholders = path[...]
        while let open = placeholders.firstIndex(of: "{") {
            guard let close = placeholders[open...].firstIndex(of: "}") else { return "a '{' is not closed" }
            let name = placeholders[placeholders.index(after: open)..<close]
            if name != "region" && name != "cluster" { return "'{\(name)}' is not a placeholder; use {region} or {cluster}" }
            placeholders = placeholders[placeholders.index(after: close)...]
        }
        return nil
    }
}
