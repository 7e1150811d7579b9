import PedregalManifests
import PedregalResolver

/// The environment's catalog settings as a spark-defaults file, for clients
/// and notebooks in the namespace (jobs and servers carry the same
/// properties in their own sparkConf).
public struct CatalogConfigRenderer: TenantRenderer {
    public init() {}

    public func render(_ context: TenantContext) -> [Manifest] {
        let conf = SparkConfiguration.catalogs(context.environment.catalogs)
        let text = conf.map { "\($0.0) \($0.1)\n" }.joined()
        return [
            context.object(
                "v1", "ConfigMap", name: ObjectNames.catalogConfigMap,
                [
                    "data": ["spark-defaults.conf": .string(text)]
                ])
        ]
    }
}

/// Spark properties pedregal derives.
public enum SparkConfiguration {
    /// Catalog properties, Iceberg extensions and the default catalog (the
    /// first listed), in a stable order.
    public static func catalogs(_ catalogs: [ResolvedCatalog]) -> [(String, String)] {
        guard let first = catalogs.first else { return [] }
        var conf: [(String, String)] = [
            ("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"),
            ("spark.sql.defaultCatalog", first.name),
        ]
        for catalog in catalogs { conf += catalog.sparkConf }
        return conf
    }
}
