import Foundation
import PedregalManifests
import PedregalRunner
import PedregalTestSupport
import PedregalYAML
import Testing

/// A streaming job with `retry: {policy: auto}` on redeploy: `apply` finds
/// it failing, redeploys it with the remedy, keeps the remedy on later
/// applies (no drift for `status`), and lets the team file win.
@Suite struct StreamingRemedyTests {
    static let namespace = "sjns-alpha-prod"

    static func streaming(overhead: String? = nil) -> String {
        Manifests.header + """
            apiVersion: spark.apache.org/v1
            kind: SparkApplication
            metadata:
              name: orders
              namespace: \(namespace)
              labels:
            \(Manifests.labels(["pedregal.io/job": "orders", "pedregal.io/component": "spark-job"]))
              annotations:
                pedregal.io/max-attempts: "3"
                pedregal.io/retry-policy: auto
            spec:
              mainClass: com.example.Orders
              jars: s3://alpha/orders.jar
              sparkConf:
                spark.driver.memory: 2g
            \(overhead.map { "    spark.driver.memoryOverhead: \($0)" } ?? "")
                spark.executor.instances: "2"
                spark.executor.memory: 4g

            """
    }

    @Test func aFailingStreamingJobIsRedeployedWithItsRemedyWhichLaterAppliesKeep() async throws {
        try await withCluster { cluster in
            // The driver needs more than Spark's 384m of overhead for a 2g JVM driver.
            FakeSparkOperator.install(on: cluster.fake) { application in
                application["spec"]?["sparkConf"]?["spark.driver.memoryOverhead"] == nil ? .driverOOMKilled(log: "") : .running
            }
            var files = [
                "\(Self.namespace)/namespace-\(Self.namespace).yaml": Manifests.namespace(Self.namespace),
                "\(Self.namespace)/sparkapplication-orders.yaml": Self.streaming(),
            ]
            let folder = try cluster.folder(files)
            #expect(await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(Captured())) == .success)

            let dry = Captured()
            #expect(await Runner.apply(folder: folder, dryRun: true, prune: false, context: cluster.context(dry)) == .success)
            let line =
                "SparkApplication \(Self.namespace)/orders (dry run; redeployed as attempt 2 after container-memory: spark.driver.memoryOverhead 384m → 576m (1.5× its first value))"
            #expect(dry.lines.contains("redeployed " + line))

            let captured = Captured()
            #expect(await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(captured)) == .success)
            #expect(captured.lines.contains("redeployed " + line.replacingOccurrences(of: "dry run; ", with: "")))
            #expect(
                captured.lines.last
                    == "sk8-us-west-2: 2 objects, 0 created, 0 configured, 1 unchanged, 0 failed, 1 redeployed with a remedy")
            var live = try #require(
                cluster.fake.object("spark.apache.org/v1", "SparkApplication", namespace: Self.namespace, name: "orders"))
            #expect(live["spec"]?["sparkConf"]?["spark.driver.memoryOverhead"] == "576m")
            #expect(live["metadata"]?["annotations"]?["pedregal.io/attempt"] == "2")
            #expect(live["status"]?["currentState"]?["currentStateSummary"] == "RunningHealthy")

            // The remedy stays: applying the same folder changes nothing, and status sees no drift.
            let again = Captured()
            #expect(await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(again)) == .success)
            #expect(again.lines.last == "sk8-us-west-2: 2 objects, 0 created, 0 configured, 2 unchanged, 0 failed")
            let status = Captured()
            #expect(await Runner.status(folder: folder, wait: false, timeout: .seconds(1), context: cluster.context(status)) == .success)
            #expect(
                status.lines.contains(
                    "ok         SparkApplication \(Self.namespace)/orders (RunningHealthy: Application is running healthy.)"))

            // A team that sets the property itself wins over the remedy.
            files["\(Self.namespace)/sparkapplication-orders.yaml"] = Self.streaming(overhead: "1g")
            let edited = try cluster.folder(files)
            #expect(await Runner.apply(folder: edited, dryRun: false, prune: false, context: cluster.context(Captured())) == .success)
            live = try #require(cluster.fake.object("spark.apache.org/v1", "SparkApplication", namespace: Self.namespace, name: "orders"))
            #expect(live["spec"]?["sparkConf"]?["spark.driver.memoryOverhead"] == "1g")
            #expect(live["metadata"]?["annotations"]?["pedregal.io/remedy"] == nil)
        }
    }
}
