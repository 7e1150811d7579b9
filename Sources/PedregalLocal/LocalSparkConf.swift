/// The sparkConf a local Spark Connect server runs with: the template's,
/// minus what only makes sense on Kubernetes, with every catalog backed by a
/// local warehouse folder. Pure: paths come in, nothing is read or written.
public struct LocalSparkConf: Sendable, Equatable {
    /// One setting of the template left out locally, and why.
    public struct Dropped: Sendable, Equatable {
        public var key: String
        public var reason: String
    }

    /// The settings to pass with `--conf`, sorted by key.
    public var settings: [String: String]
    /// Template settings not passed, with the reason, sorted by key.
    public var dropped: [Dropped]
    /// The catalogs of the template (`spark.sql.catalog.NAME`), sorted.
    public var catalogs: [String]
    /// The default catalog (`spark.sql.defaultCatalog`), if the template sets one.
    public var defaultCatalog: String?

    /// Spark's JDBC catalog, which ships with Spark, over the embedded Derby
    /// database that ships with pyspark: Iceberg's runtime jar does not.
    public static let catalogClass = "org.apache.spark.sql.execution.datasources.v2.jdbc.JDBCTableCatalog"
    public static let derbyDriver = "org.apache.derby.jdbc.EmbeddedDriver"
    /// JDBC options turned off for every local catalog.
    public static let pushDownsOff = ["pushDownLimit", "pushDownOffset", "pushDownPredicate"]

    /// Builds the local configuration of `template` for a server on
    /// `127.0.0.1:port` whose files live below `stateDirectory`.
    public init(template: [(key: String, value: String)], port: Int, stateDirectory: String) {
        var settings: [String: String] = [:]
        var dropped: [Dropped] = []
        let catalogs = Set(template.compactMap { Self.catalogName(ofClassKey: $0.key) }).sorted()
        for (key, value) in template {
            if let reason = Self.dropReason(key: key, value: value, catalogs: catalogs) {
                dropped.append(Dropped(key: key, reason: reason))
            } else if key == "spark.sql.extensions" {
                let kept = value.split(separator: ",").map { $0.trimmingWhitespace }.filter { !$0.hasPrefix("org.apache.iceberg.") }
                if kept.isEmpty {
                    dropped.append(Dropped(key: key, reason: "Iceberg's extensions: no Iceberg runtime locally"))
                } else {
                    settings[key] = kept.joined(separator: ",")
                }
            } else {
                settings[key] = value
            }
        }
        let warehouse = stateDirectory + "/warehouse"
        for name in catalogs {
            settings["spark.sql.catalog.\(name)"] = Self.catalogClass
            settings["spark.sql.catalog.\(name).driver"] = Self.derbyDriver
            settings["spark.sql.catalog.\(name).url"] = "jdbc:derby:\(warehouse)/\(name);create=true"
            // Derby stores strings as CLOBs, which it cannot compare or sort: Spark filters and sorts instead.
            for option in Self.pushDownsOff { settings["spark.sql.catalog.\(name).\(option)"] = "false" }
        }
        settings["spark.sql.warehouse.dir"] = "\(warehouse)/spark_catalog"
        settings["spark.connect.grpc.binding.port"] = String(port)
        settings["spark.connect.grpc.binding.address"] = "127.0.0.1"
        if settings["spark.eventLog.enabled"] == "true" {
            settings["spark.eventLog.dir"] = "file://\(stateDirectory)/events"
        }
        // Derby writes derby.log into its system home, the working folder otherwise.
        let derbyHome = "-Dderby.system.home=\(stateDirectory)"
        settings["spark.driver.extraJavaOptions"] = settings["spark.driver.extraJavaOptions"].map { "\($0) \(derbyHome)" } ?? derbyHome
        self.settings = settings
        self.dropped = dropped.sorted { $0.key < $1.key }
        self.catalogs = catalogs
        self.defaultCatalog = template.last(where: { $0.key == "spark.sql.defaultCatalog" })?.value
    }

    /// Folders the server needs before it starts (Derby creates the databases themselves).
    public static func folders(stateDirectory: String) -> [String] {
        [stateDirectory + "/warehouse", stateDirectory + "/events"]
    }

    /// `--conf KEY=VALUE` arguments, sorted by key.
    public var arguments: [String] {
        settings.keys.sorted().flatMap { ["--conf", "\($0)=\(settings[$0]!)"] }
    }

    /// `NAME` when `key` is `spark.sql.catalog.NAME` (a catalog's class).
    static func catalogName(ofClassKey key: String) -> String? {
        let prefix = "spark.sql.catalog."
        guard key.hasPrefix(prefix) else { return nil }
        let name = key.dropFirst(prefix.count)
        return name.isEmpty || name.contains(".") ? nil : String(name)
    }

    /// Why a template setting is not passed to the local server, nil to keep it.
    static func dropReason(key: String, value: String, catalogs: [String]) -> String? {
        let lowerKey = key.lowercased()
        if key.hasPrefix("spark.kubernetes.") { return "Kubernetes only" }
        if ["spark.master", "spark.submit.deployMode"].contains(key) { return "set by `pedregal local` (local[N], client mode)" }
        if key.hasPrefix("spark.executor.") || key.hasPrefix("spark.dynamicAllocation.") {
            return "executor pods: locally the driver runs every task"
        }
        if ["spark.driver.cores", "spark.driver.memory", "spark.driver.memoryOverhead"].contains(key) {
            return "pod resources: locally set by --driver-memory"
        }
        if key == "spark.connect.grpc.binding.port" || key == "spark.connect.grpc.binding.address" {
            return "set to the local port"
        }
        if key == "spark.eventLog.dir" { return "a cluster path: locally STATE/events" }
        if key.hasPrefix("spark.hadoop.fs.s3") { return "object-store access of the cluster" }
        for name in catalogs where key.hasPrefix("spark.sql.catalog.\(name)") {
            return "catalog '\(name)' is backed by a local warehouse (JDBC over Derby)"
        }
        if value.hasPrefix("env:") || ["credential", "secret", "password", "token"].contains(where: lowerKey.contains) {
            return "a credential: never passed locally"
        }
        return nil
    }
}

extension Substring {
    fileprivate var trimmingWhitespace: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
