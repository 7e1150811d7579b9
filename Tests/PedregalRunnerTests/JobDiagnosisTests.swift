import Foundation
import PedregalManifests
import PedregalRunner
import PedregalTestSupport
import PedregalYAML
import Testing

/// `job status` on a failed run: why it failed, from the run's status, its
/// pods, events and driver log, and what a retry would do within the quota.
@Suite struct JobDiagnosisTests {
    static let namespace = RetryChainTests.namespace
    static let executorLost = """
        26/06/01 00:03:12 ERROR TaskSchedulerImpl: Lost executor 2 on 10.0.3.4:
        The executor with id 2 exited with exit code 52(JVM OOM).



        The API gave the following container statuses:


        \t container name: spark-kubernetes-executor
        \t container image: apache/spark:4.0.1
        \t container state: terminated
        \t exit code: 52
        \t termination reason: Error

        26/06/01 00:03:12 WARN TaskSetManager: Lost task 7.0 in stage 2.0 (TID 31) (10.0.3.4 executor 2): ExecutorLostFailure (executor 2 exited caused by one of the running tasks) Reason:
        26/06/01 00:03:14 ERROR TaskSetManager: Task 7 in stage 2.0 failed 4 times; aborting job
        Traceback (most recent call last):
          File "/opt/jobs/daily.py", line 30, in <module>
        py4j.protocol.Py4JJavaError: An error occurred while calling o88.save.

        """

    /// A failed run of `daily` (token `token`) whose driver logged `log`.
    func failedRun(_ cluster: TestCluster, token: String, log: String) async throws -> String {
        FakeSparkOperator.install(on: cluster.fake) { _ in .driverFails(exitCode: 1, log: log) }
        let generated = try JobTests.writeGenerated(cluster.root)
        let source = JobSource.job(team: "alpha", job: "daily", environment: "prod", region: "us-west-2", generated: generated)
        #expect(await Runner.submit(source, token: token, args: nil, context: cluster.context(Captured())) == .success)
        return "\(Self.namespace)/daily-\(RunToken.hash(token))"
    }

    @Test func aFailedRunSaysWhyWhatARetryWouldDoAndTheLinesThatProveIt() async throws {
        try await withCluster { cluster in
            cluster.fake.seed(Manifests.namespace(Self.namespace))
            cluster.fake.seedWithStatus(
                """
                apiVersion: v1
                kind: ResourceQuota
                metadata: {name: quota, namespace: \(Self.namespace)}
                spec: {hard: {requests.memory: 64Gi}}
                status: {hard: {requests.memory: 64Gi}, used: {requests.memory: 12Gi}}
                """)
            let run = try await failedRun(cluster, token: "s1", log: Self.executorLost)
            let text = Captured()
            #expect(await Runner.jobStatus(run: run, wait: false, timeout: nil, context: cluster.context(text)) == .success)
            let driver = "\(run)-0-driver"
            #expect(
                text.lines == [
                    "\(run): failed (TerminatedWithoutReleaseResources): \(FakeSparkOperator.failedMessage)",
                    "  why: executor-out-of-memory: an executor JVM exited with Spark's out-of-memory code 52",
                    "  retryable: yes; retry with spark.executor.memory 1.5×, then 2×, within the quota; to keep it, set executor.memory in teams/<team>.yaml, or give each task less data (more partitions: spark.sql.shuffle.partitions)",
                    "  a retry would run: spark.executor.memory 1g → 1536m (1.5× its first value; needs 5.6Gi of the quota's 64Gi)",
                    "  proof:",
                    "    driver log (pod \(driver)): The executor with id 2 exited with exit code 52(JVM OOM).",
                    "  also seen: user-code",
                    "  evidence: SparkApplication status, 1 pod, driver log (19 lines); not read: event log: the run does not write one (spark.eventLog.enabled)",
                ])

            let json = Captured()
            #expect(await Runner.jobStatus(run: run, wait: false, timeout: nil, context: cluster.context(json, format: .json)) == .success)
            let failure = try #require(try json.json()["failure"])
            #expect(failure["class"] == "executor-out-of-memory")
            #expect(failure["role"] == "executor")
            #expect(failure["retryable"] == .bool(true))
            #expect(failure["retry"]?["decision"] == "retry")
            #expect(failure["retry"]?["changes"] == [["key": "spark.executor.memory", "from": "1g", "to": "1536m"]])
            #expect(failure["evidence"]?["unread"] == ["event log: the run does not write one (spark.eventLog.enabled)"])
        }
    }

    @Test func evidenceTheRunnerMayNotReadIsNotedAndTheRestStillClassifies() async throws {
        try await withCluster { cluster in
            cluster.fake.seed(Manifests.namespace(Self.namespace))
            let run = try await failedRun(cluster, token: "s2", log: Self.executorLost)
            cluster.fake.forbid(method: "GET", pathPrefix: "/api/v1/namespaces/\(Self.namespace)/pods/")
            cluster.fake.forbid(method: "GET", pathPrefix: "/api/v1/namespaces/\(Self.namespace)/resourcequotas")
            let json = Captured()
            #expect(await Runner.jobStatus(run: run, wait: false, timeout: nil, context: cluster.context(json, format: .json)) == .success)
            let failure = try #require(try json.json()["failure"])
            // Without the log, the driver's exit code alone says little: the operator's status is all there is.
            #expect(failure["class"] == "unknown")
            let unread = failure["evidence"]?["unread"]?.listValue?.compactMap(\.string) ?? []
            #expect(unread.contains { $0.hasPrefix("driver log of daily-\(RunToken.hash("s2"))-0-driver: 403 Forbidden") })
        }
    }

    @Test func theEventLogIsReadFromTheRunsLocalEventLogFolder() async throws {
        try await withCluster { cluster in
            cluster.fake.seed(Manifests.namespace(Self.namespace))
            // The real executor-oom log, named for this run's application id (`<name>-<attempt>`, as the Apache operator names it).
            let folder = cluster.root.appendingPathComponent("spark-events")
            let app = "nightly-0"
            let source = URL(fileURLWithPath: SavedLogClassificationTests.fixtures).appendingPathComponent("eventlogs/executor-oom")
            let original = try #require(try FileManager.default.contentsOfDirectory(atPath: source.path).first)
            let id = String(original.dropFirst("eventlog_v2_".count))
            let target = folder.appendingPathComponent("eventlog_v2_\(app)")
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            for file in try FileManager.default.contentsOfDirectory(atPath: source.appendingPathComponent(original).path) {
                try FileManager.default.copyItem(
                    at: source.appendingPathComponent(original).appendingPathComponent(file),
                    to: target.appendingPathComponent(file.replacingOccurrences(of: id, with: app)))
            }
            cluster.fake.seedWithStatus(
                """
                apiVersion: spark.apache.org/v1
                kind: SparkApplication
                metadata: {name: nightly, namespace: \(Self.namespace)}
                spec:
                  pyFiles: s3://alpha/nightly.py
                  sparkConf: {spark.eventLog.enabled: "true", spark.eventLog.dir: "file://\(folder.path)", spark.executor.memory: 2g}
                status:
                  currentState: {currentStateSummary: ResourceReleased, message: Spark application resources released.}
                  stateTransitionHistory:
                    "0": {currentStateSummary: Submitted}
                    "1": {currentStateSummary: Failed, message: "Driver has one or more failed critical container(s)."}
                    "2": {currentStateSummary: ResourceReleased}
                  currentAttemptSummary: {attemptInfo: {id: 0}}
                """, manager: "spark-operator")
            let json = Captured()
            let status = await Runner.jobStatus(
                run: "\(Self.namespace)/nightly", wait: false, timeout: nil, context: cluster.context(json, format: .json))
            #expect(status == .success)
            let failure = try #require(try json.json()["failure"])
            #expect(failure["class"] == "executor-out-of-memory")
            #expect(failure["evidence"]?["read"] == ["SparkApplication status", "event log"])
            #expect(failure["retry"]?["changes"] == [["key": "spark.executor.memory", "from": "2g", "to": "3g"]])
        }
    }
}
