import PedregalLocal
import XCTest

final class LocalSparkConfTests: XCTestCase {
    /// The shape of a compiled Spark Connect template's sparkConf.
    static let template: [(key: String, value: String)] = [
        ("spark.connect.grpc.binding.port", "15002"),
        ("spark.driver.cores", "1"),
        ("spark.driver.memory", "4g"),
        ("spark.eventLog.dir", "s3a://spark-events/us-west-2"),
        ("spark.eventLog.enabled", "true"),
        ("spark.executor.instances", "2"),
        ("spark.executor.memory", "8g"),
        ("spark.hadoop.fs.s3a.aws.credentials.provider", "com.amazonaws.auth.WebIdentityTokenCredentialsProvider"),
        ("spark.kubernetes.container.image", "registry.example.team/spark:3.5.3"),
        ("spark.kubernetes.driver.secretKeyRef.PEDREGAL_CATALOG_PEDREGAL_CREDENTIAL", "uc-credential:credential"),
        ("spark.master", "k8s://https://kubernetes.default.svc"),
        ("spark.metrics.namespace", "sc-default-0"),
        ("spark.scheduler.mode", "FAIR"),
        ("spark.sql.catalog.feature_store", "org.apache.iceberg.spark.SparkCatalog"),
        ("spark.sql.catalog.feature_store.uri", "https://uc.example.team"),
        ("spark.sql.catalog.pedregal", "org.apache.iceberg.spark.SparkCatalog"),
        ("spark.sql.catalog.pedregal.credential", "env:PEDREGAL_CATALOG_PEDREGAL_CREDENTIAL"),
        ("spark.sql.catalog.pedregal.type", "rest"),
        ("spark.sql.catalog.pedregal.warehouse", "pedregal-dev"),
        ("spark.sql.defaultCatalog", "pedregal"),
        ("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"),
        ("spark.team.token", "abc"),
    ]

    let conf = LocalSparkConf(template: template, port: 40123, stateDirectory: "/state/alpha")

    func testKubernetesExecutorAndClusterPathSettingsAreDropped() {
        for key in [
            "spark.master", "spark.driver.cores", "spark.driver.memory", "spark.executor.instances",
            "spark.executor.memory", "spark.hadoop.fs.s3a.aws.credentials.provider", "spark.sql.extensions",
        ] {
            XCTAssertNil(conf.settings[key], key)
            XCTAssertTrue(conf.dropped.contains { $0.key == key }, key)
        }
        XCTAssertFalse(conf.settings.keys.contains { $0.hasPrefix("spark.kubernetes.") })
        XCTAssertEqual(conf.dropped.map(\.key), conf.dropped.map(\.key).sorted())
    }

    func testCredentialsAreNeverPassed() {
        XCTAssertNil(conf.settings["spark.sql.catalog.pedregal.credential"])
        XCTAssertNil(conf.settings["spark.team.token"])
        XCTAssertEqual(conf.dropped.first { $0.key == "spark.team.token" }?.reason, "a credential: never passed locally")
        XCTAssertFalse(conf.arguments.contains { $0.contains("env:") || $0.contains("uc-credential") })
    }

    func testEveryCatalogIsALocalDerbyWarehouseAndTheDefaultStays() {
        XCTAssertEqual(conf.catalogs, ["feature_store", "pedregal"])
        XCTAssertEqual(conf.defaultCatalog, "pedregal")
        XCTAssertEqual(conf.settings["spark.sql.defaultCatalog"], "pedregal")
        for name in conf.catalogs {
            XCTAssertEqual(conf.settings["spark.sql.catalog.\(name)"], LocalSparkConf.catalogClass)
            XCTAssertEqual(conf.settings["spark.sql.catalog.\(name).driver"], LocalSparkConf.derbyDriver)
            XCTAssertEqual(conf.settings["spark.sql.catalog.\(name).url"], "jdbc:derby:/state/alpha/warehouse/\(name);create=true")
            XCTAssertEqual(conf.settings["spark.sql.catalog.\(name).pushDownPredicate"], "false")
        }
        XCTAssertNil(conf.settings["spark.sql.catalog.pedregal.type"])
        XCTAssertNil(conf.settings["spark.sql.catalog.feature_store.uri"])
        XCTAssertEqual(conf.settings["spark.sql.warehouse.dir"], "/state/alpha/warehouse/spark_catalog")
    }

    func testLocalPortEventLogAndKeptSettings() {
        XCTAssertEqual(conf.settings["spark.connect.grpc.binding.port"], "40123")
        XCTAssertEqual(conf.settings["spark.connect.grpc.binding.address"], "127.0.0.1")
        XCTAssertEqual(conf.settings["spark.eventLog.enabled"], "true")
        XCTAssertEqual(conf.settings["spark.eventLog.dir"], "file:///state/alpha/events")
        XCTAssertEqual(conf.settings["spark.scheduler.mode"], "FAIR")
        XCTAssertEqual(conf.settings["spark.metrics.namespace"], "sc-default-0")
        XCTAssertEqual(conf.settings["spark.driver.extraJavaOptions"], "-Dderby.system.home=/state/alpha")
    }

    func testArgumentsAreSortedConfPairs() {
        let pairs = stride(from: 0, to: conf.arguments.count, by: 2).map { conf.arguments[$0 + 1] }
        XCTAssertTrue(stride(from: 0, to: conf.arguments.count, by: 2).allSatisfy { conf.arguments[$0] == "--conf" })
        let keys = pairs.map { String($0.prefix { $0 != "=" }) }
        XCTAssertEqual(keys, conf.settings.keys.sorted())
    }

    func testNonIcebergExtensionsAreKept() {
        let conf = LocalSparkConf(
            template: [("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions, com.example.Ext")],
            port: 1, stateDirectory: "/s")
        XCTAssertEqual(conf.settings["spark.sql.extensions"], "com.example.Ext")
        XCTAssertNil(conf.defaultCatalog)
    }
}
