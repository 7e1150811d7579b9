import PedregalLocal
import XCTest

final class SparkInstallationTests: XCTestCase {
    func locate(_ environment: [String: String], executables: Set<String>, pyspark: String? = nil) throws -> SparkInstallation {
        try SparkInstallation.locate(environment: environment, isExecutable: executables.contains, pysparkFolder: { pyspark })
    }

    func testSparkHomeComesFirstThenPysparkThenPath() throws {
        let all: Set = ["/spark/bin/spark-submit", "/venv/pyspark/bin/spark-submit", "/opt/spark/bin/spark-submit", "/usr/bin/java"]
        let path = "/opt/spark/bin:/usr/bin"
        XCTAssertEqual(
            try locate(["SPARK_HOME": "/spark", "PATH": path], executables: all, pyspark: "/venv/pyspark").sparkOrigin, "SPARK_HOME")
        let fromPyspark = try locate(["PATH": path], executables: all, pyspark: "/venv/pyspark")
        XCTAssertEqual(fromPyspark.sparkHome, "/venv/pyspark")
        XCTAssertEqual(fromPyspark.sparkSubmit, "/venv/pyspark/bin/spark-submit")
        XCTAssertEqual(try locate(["PATH": path], executables: all).sparkHome, "/opt/spark")
        XCTAssertEqual(try locate(["SPARK_HOME": "/missing", "PATH": path], executables: all).sparkOrigin, "PATH")
    }

    func testJavaHomeOrPath() throws {
        let spark: Set = ["/spark/bin/spark-submit"]
        XCTAssertEqual(
            try locate(["SPARK_HOME": "/spark", "JAVA_HOME": "/jdk"], executables: spark.union(["/jdk/bin/java"])).javaHome, "/jdk")
        XCTAssertNil(try locate(["SPARK_HOME": "/spark", "PATH": "/usr/bin"], executables: spark.union(["/usr/bin/java"])).javaHome)
    }

    func testMissingPiecesSayHowToInstallThem() {
        XCTAssertThrowsError(try locate(["PATH": "/usr/bin"], executables: ["/usr/bin/java"])) {
            XCTAssertEqual($0 as? SparkInstallationError, .sparkMissing)
            XCTAssertTrue("\($0)".contains("pip install 'pyspark[connect]==4.0.*'"))
        }
        XCTAssertThrowsError(try locate(["SPARK_HOME": "/spark", "PATH": "/usr/bin"], executables: ["/spark/bin/spark-submit"])) {
            XCTAssertEqual($0 as? SparkInstallationError, .javaMissing)
            XCTAssertTrue("\($0)".contains("apt install openjdk-17-jre-headless"))
        }
    }

    func testProbeOfAFreePortFindsItClosed() throws {
        let port = try XCTUnwrap(ConnectProbe.freePort())
        XCTAssertTrue((1024...65535).contains(port))
        XCTAssertEqual(ConnectProbe.probe(port: port, timeout: 1), .closed)
    }
}
