import Foundation
import PedregalManifests
import PedregalRunner
import PedregalTestSupport
import PedregalYAML
import Testing

/// A job's history in the cluster (runs found by the platform's labels) and
/// `sizing: auto` at submit, against the fake API server and the real event
/// log of an over-provisioned local-cluster run (6 one-core executors,
/// stages of 2 to 4 tasks).
@Suite struct SizingTests {
    static let realLog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(
            "PedregalEventLogTests/Fixtures/rolling-zstd-overprovisioned/eventlog_v2_app-20261207010329-0000/events_1_app-20261207010329-0000.zstd"
        )

    /// A folder holding the real log as the rolling log of application `appID`.
    static func logFolder(_ root: URL, appIDs: [String]) throws -> URL {
        let folder = root.appendingPathComponent("events")
        for appID in appIDs {
            let log = folder.appendingPathComponent("eventlog_v2_\(appID)")
            try FileManager.default.createDirectory(at: log, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: realLog, to: log.appendingPathComponent("events_1_\(appID).zstd"))
            _ = FileManager.default.createFile(atPath: log.appendingPathComponent("appstatus_\(appID)").path, contents: Data())
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func run(_ name: String, job: String, eventLogDir: String) -> String {
        """
        apiVersion: spark.apache.org/v1
        kind: SparkApplication
        metadata:
          name: \(name)
          namespace: sjns-alpha-prod
          labels: { pedregal.io/team: alpha, pedregal.io/job: \(job), pedregal.io/run-token: \(name.suffix(4)) }
          annotations: { pedregal.io/history-server: "https://history.invalid" }
        spec:
          pyFiles: s3://alpha/daily.py
          sparkConf: { spark.eventLog.dir: "file://\(eventLogDir)", spark.executor.instances: "6" }

        """
    }

    func succeeded(_ cluster: TestCluster, _ name: String, state: String = "Succeeded") {
        var status = JobStateTests.apache(state).mapValue!
        status["currentAttemptSummary"] = ["attemptInfo": ["id": 0]]
        cluster.fake.setStatus("spark.apache.org/v1", "SparkApplication", namespace: "sjns-alpha-prod", name: name, .map(status))
    }

    @Test func pastRunsAreFoundByTheirLabelsAndReadWhereTheyLogged() async throws {
        try await withCluster { cluster in
            let events = try Self.logFolder(cluster.root, appIDs: ["daily-aaaa-0", "daily-bbbb-0", "other-cccc-0"])
            cluster.fake.seed(Manifests.namespace("sjns-alpha-prod"))
            for (name, job) in [("daily-aaaa", "daily"), ("daily-bbbb", "daily"), ("other-cccc", "other")] {
                cluster.fake.seed(Self.run(name, job: job, eventLogDir: events.path))
                succeeded(cluster, name)
            }
            // A failed run is not learnt from.
            succeeded(cluster, "daily-bbbb", state: "Failed")
            let found = try await Runner.pastRunLogs(
                team: "alpha", job: "daily", namespace: "sjns-alpha-prod", limit: 5, history: HistorySource(),
                context: cluster.context(Captured()))
            #expect(found.runs.count == 1)
            #expect(found.runs.first?.name == "nightly-report")
            #expect(found.described.contains("2 runs in the cluster"))
            let list = try #require(cluster.fake.requests.last { $0.query["labelSelector"] != nil })
            #expect(list.query["labelSelector"] == "pedregal.io/team=alpha,pedregal.io/job=daily,pedregal.io/run-token")
        }
    }

    /// The raw template of job `daily` with sizing auto and its bounds, written to a file.
    static func template(_ root: URL, bounds: String) throws -> JobSource {
        let application: YAMLValue = [
            "apiVersion": "spark.apache.org/v1", "kind": "SparkApplication",
            "metadata": [
                "name": "daily", "namespace": "sjns-alpha-prod",
                "labels": ["pedregal.io/team": "alpha", "pedregal.io/job": "daily", "app.kubernetes.io/managed-by": "pedregal"],
                "annotations": ["pedregal.io/sizing": "auto", "pedregal.io/sizing-bounds": .string(bounds)],
            ],
            "spec": [
                "pyFiles": "s3://alpha/daily.py",
                "sparkConf": [
                    "spark.executor.instances": "6", "spark.executor.cores": "1", "spark.executor.memory": "512m",
                    "spark.driver.memory": "1g", "spark.driver.cores": "1",
                ],
            ],
        ]
        let file = root.appendingPathComponent("sparkapplication.yaml")
        try YAMLWriter.document(application).write(to: file, atomically: true, encoding: .utf8)
        return .template(file.path)
    }

    static let bounds =
        #"{"driverMemoryMiB":{"max":2048,"min":512},"executorInstances":{"max":12,"min":1},"executorMemoryMiB":{"max":1024,"min":512},"runs":5,"shufflePartitions":{"max":100000,"min":1}}"#

    @Test func submitSizesTheRunFromItsHistoryAndJobStatusShowsIt() async throws {
        try await withCluster { cluster in
            cluster.fake.seed(Manifests.namespace("sjns-alpha-prod"))
            let events = try Self.logFolder(cluster.root, appIDs: ["daily-0123456789-0"])
            let source = try Self.template(cluster.root, bounds: Self.bounds)
            let captured = Captured()
            let status = await Runner.submit(
                source, token: "t1", args: nil, history: HistorySource(eventLogFolder: events.path),
                context: cluster.context(captured, cluster: "sk8-us-west-2"))
            #expect(status == .success, "\(captured.lines)")
            let run = try #require(cluster.fake.objects(group: "spark.apache.org", kind: "SparkApplication").first)
            let instances = Int(run["spec"]?["sparkConf"]?["spark.executor.instances"]?.string ?? "") ?? 0
            #expect((1..<6).contains(instances))
            let applied = try #require(run["metadata"]?["annotations"]?["pedregal.io/sizing-applied"]?.string)
            #expect(applied.contains("spark.executor.instances=\(instances) (written 6)"))
            let reason = try #require(run["metadata"]?["annotations"]?["pedregal.io/sizing-reason"]?.string)
            #expect(reason.contains("from 1 run (app-20261207010329-0000)"))
            #expect(captured.lines.contains { $0.hasPrefix("sizing: spark.executor.instances=\(instances) (written 6)") })

            let name = try #require(run["metadata"]?["name"]?.string)
            let statusLines = Captured()
            _ = await Runner.jobStatus(
                run: "sjns-alpha-prod/\(name)", wait: false, timeout: nil, context: cluster.context(statusLines))
            #expect(statusLines.lines.joined(separator: "\n").contains("sizing: spark.executor.instances=\(instances) (written 6)"))
        }
    }

    @Test func withoutHistoryTheRunKeepsTheWrittenValuesAndSaysSo() async throws {
        try await withCluster { cluster in
            cluster.fake.seed(Manifests.namespace("sjns-alpha-prod"))
            let empty = cluster.root.appendingPathComponent("no-events")
            try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
            let source = try Self.template(cluster.root, bounds: Self.bounds)
            let status = await Runner.submit(
                source, token: "t2", args: nil, history: HistorySource(eventLogFolder: empty.path),
                context: cluster.context(Captured(), cluster: "sk8-us-west-2"))
            #expect(status == .success)
            let run = try #require(cluster.fake.objects(group: "spark.apache.org", kind: "SparkApplication").first)
            #expect(run["spec"]?["sparkConf"]?["spark.executor.instances"]?.string == "6")
            #expect(
                run["metadata"]?["annotations"]?["pedregal.io/sizing-applied"]?.string?.hasPrefix(
                    "written values (no finished run of daily") == true)
        }
    }
}
