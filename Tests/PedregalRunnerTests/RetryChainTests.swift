import Foundation
import PedregalConsole
import PedregalManifests
import PedregalRunner
import PedregalTestSupport
import PedregalYAML
import Testing

/// `submit --retry auto` end to end against the fake API server, with a
/// stand-in operator that fails or succeeds each run from what it asks for.
@Suite struct RetryChainTests {
    static let namespace = "sjns-alpha-prod"
    static let oomLog = """
        26/06/01 00:00:01 INFO SparkContext: Running Spark version 4.0.1
        26/06/01 00:00:09 INFO DAGScheduler: Submitting ResultStage 3 (MapPartitionsRDD[12] at toPandas at /opt/jobs/daily.py:41)
        26/06/01 00:01:44 INFO TaskSetManager: Finished task 199.0 in stage 3.0 (TID 812) in 951 ms on 10.0.3.4 (executor 2) (200/200)

        """
    static let userErrorLog = """
        26/06/01 00:00:01 INFO SparkContext: Running Spark version 4.0.1
        Traceback (most recent call last):
          File "/opt/jobs/daily.py", line 12, in <module>
            region = row["region"]
        KeyError: 'region'
        26/06/01 00:00:03 INFO SparkContext: SparkContext is stopping with exitCode 0.

        """

    func withChain(
        _ outcome: @escaping @Sendable (YAMLValue) -> FakeSparkOperator.Outcome, _ body: (TestCluster, JobSource) async throws -> Void
    )
        async throws
    {
        try await withCluster { cluster in
            cluster.fake.seed(Manifests.namespace(Self.namespace))
            FakeSparkOperator.install(on: cluster.fake, outcome)
            let generated = try JobTests.writeGenerated(cluster.root)
            try await body(cluster, .job(team: "alpha", job: "daily", environment: "prod", region: "us-west-2", generated: generated))
        }
    }

    static func conf(_ application: YAMLValue, _ key: String) -> String? { application["spec"]?["sparkConf"]?[key]?.string }

    static let options = RetryOptions(maxAttempts: 3, backoff: .zero, pollInterval: .milliseconds(20))

    /// The driver needs more overhead than Spark gives a 1g Python driver (409m): it is killed until it has it.
    @Sendable static func oomUnlessOverhead(_ application: YAMLValue) -> FakeSparkOperator.Outcome {
        conf(application, "spark.driver.memoryOverhead") == nil ? .driverOOMKilled(log: oomLog) : .succeeded
    }

    @Sendable static func userError(_ application: YAMLValue) -> FakeSparkOperator.Outcome {
        .driverFails(exitCode: 1, log: userErrorLog)
    }

    @Sendable static func alwaysOOMKilled(_ application: YAMLValue) -> FakeSparkOperator.Outcome { .driverOOMKilled(log: oomLog) }

    /// The catalog cannot be resolved for the first attempt only.
    @Sendable static func transientThenSucceeds(_ application: YAMLValue) -> FakeSparkOperator.Outcome {
        guard !(application["metadata"]?["name"]?.string ?? "").hasSuffix("-2") else { return .succeeded }
        return .driverFails(
            exitCode: 1,
            log:
                "py4j.protocol.Py4JJavaError: An error occurred while calling o61.load.\n: java.net.UnknownHostException: catalog.lake.svc.cluster.local\n"
        )
    }

    func runs(_ cluster: TestCluster) -> [YAMLValue] { cluster.fake.objects(group: "spark.apache.org", kind: "SparkApplication") }

    @Test func anOOMKilledDriverIsRetriedWithMoreMemoryAndSucceeds() async throws {
        try await withChain(Self.oomUnlessOverhead) { cluster, source in
            let captured = Captured()
            let status = await Runner.submit(source, token: "t1", args: nil, retry: Self.options, context: cluster.context(captured))
            #expect(status == .success, "\(captured.out)\(captured.err)")
            let first = "daily-\(RunToken.hash("t1"))"
            let lines = captured.lines
            #expect(lines.contains("submitted \(Self.namespace)/\(first) (spark.apache.org/v1 SparkApplication, token t1)"))
            #expect(
                lines.contains(
                    "  why: container-memory: the driver container went past its memory limit and was OOMKilled"))
            #expect(
                lines.contains(
                    "retrying: attempt 2 of 3 as \(Self.namespace)/\(first)-2, spark.driver.memoryOverhead 409m → 614m (1.5× its first value)"
                ))
            #expect(lines.last == "\(Self.namespace)/\(first)-2: succeeded (ResourceReleased)")

            let runs = runs(cluster)
            #expect(runs.map { $0["metadata"]?["name"]?.string } == [first, "\(first)-2"])
            let retry = runs[1]
            #expect(Self.conf(retry, "spark.driver.memoryOverhead") == "614m")
            let annotations = retry["metadata"]?["annotations"]
            #expect(annotations?["pedregal.io/attempt"] == "2")
            #expect(annotations?["pedregal.io/retry-of"] == .string(first))
            #expect(annotations?["pedregal.io/remedy"] == "spark.driver.memoryOverhead=614m")
            #expect(annotations?["pedregal.io/remedy-baseline"] == "spark.driver.memoryOverhead=409m")
            #expect(annotations?["pedregal.io/run-token"] == "t1")
            #expect(retry["metadata"]?["labels"]?["pedregal.io/run"] == .string("\(first)-2"))
            #expect(
                retry["spec"]?["driverSpec"]?["podTemplateSpec"]?["metadata"]?["labels"]?["pedregal.io/run"] == .string("\(first)-2"))
            // Every attempt is the same run to the job: the macros see the first attempt's name and date.
            #expect(retry["spec"]?["driverArgs"] == runs[0]["spec"]?["driverArgs"])

            // job status shows the chain, from either attempt.
            let shown = Captured()
            #expect(
                await Runner.jobStatus(run: "\(Self.namespace)/\(first)", wait: false, timeout: nil, context: cluster.context(shown))
                    == .success)
            #expect(shown.lines.contains("  retry chain:"))
            #expect(
                shown.lines.contains(
                    "    1 \(Self.namespace)/\(first): failed (TerminatedWithoutReleaseResources): \(FakeSparkOperator.failedMessage)"))
            #expect(
                shown.lines.contains(
                    "    2 \(Self.namespace)/\(first)-2: succeeded (ResourceReleased); with spark.driver.memoryOverhead=614m; retried after container memory overhead: the driver container went past its memory limit and was OOMKilled"
                ))

            // Submitting the token again follows the finished chain; it starts nothing.
            let again = Captured()
            #expect(await Runner.submit(source, token: "t1", args: nil, retry: Self.options, context: cluster.context(again)) == .success)
            #expect(
                again.lines.contains("following attempt 2 of the chain: \(Self.namespace)/\(first)-2 (an earlier runner retried already)"))
            #expect(self.runs(cluster).count == 2)
        }
    }

    @Test func aUserErrorIsNeverRetried() async throws {
        try await withChain(Self.userError) { cluster, source in
            let captured = Captured()
            let status = await Runner.submit(
                source, token: "t2", args: nil, retry: Self.options, context: cluster.context(captured, format: .json))
            #expect(status == .failure)
            #expect(runs(cluster).count == 1)
            let document = try captured.json()
            #expect(document["outcome"] == "failed")
            let failure = document["attempts"]?.listValue?.first?["failure"]
            #expect(failure?["class"] == "user-code")
            #expect(failure?["retryable"] == .bool(false))
            #expect(failure?["proof"]?.listValue?.first?["line"] == "KeyError: 'region'")
            #expect(failure?["retry"]?["decision"] == "stop")
            #expect(document["stopReason"]?.string?.hasPrefix("not retried: a user code error does not go away on a retry") == true)
            // The log was read as the API serves it: the driver's container, its last lines.
            let log = try #require(cluster.fake.requests.first { $0.path.hasSuffix("/log") })
            #expect(log.path == "/api/v1/namespaces/\(Self.namespace)/pods/daily-\(RunToken.hash("t2"))-0-driver/log")
            #expect(log.query == ["container": "spark-kubernetes-driver", "tailLines": "1000"])
        }
    }

    @Test func aQuotaThatCannotHoldTheRemedyStopsTheChainAndSaysSo() async throws {
        try await withChain(Self.alwaysOOMKilled) { cluster, source in
            // The first attempt (driver 1g + 409m, 2 executors alike: 4.2Gi) fits; 614m of driver overhead does not.
            cluster.fake.seedWithStatus(
                """
                apiVersion: v1
                kind: ResourceQuota
                metadata: {name: quota, namespace: \(Self.namespace)}
                spec: {hard: {requests.memory: 4400Mi, limits.memory: 4400Mi}}
                status:
                  hard: {requests.memory: 4400Mi, limits.memory: 4400Mi}
                  used: {requests.memory: "0", limits.memory: "0"}
                """)
            let captured = Captured()
            #expect(
                await Runner.submit(source, token: "t3", args: nil, retry: Self.options, context: cluster.context(captured)) == .failure)
            #expect(runs(cluster).count == 1)
            let first = "daily-\(RunToken.hash("t3"))"
            #expect(
                captured.lines.last
                    == "\(Self.namespace)/\(first): not retried: the remedy (spark.driver.memoryOverhead 409m → 614m) needs 4.4Gi of memory (driver 1.6Gi + 2 executors × 1.4Gi, overhead included) but requests.memory of quota \(Self.namespace)/quota is 4.3Gi; raise the environment's quota in teams/<team>.yaml, or lower executor.instances"
            )
        }
    }

    @Test func transientFailuresAreRetriedUnchangedAfterABackoff() async throws {
        try await withChain(Self.transientThenSucceeds) { cluster, source in
            let captured = Captured()
            #expect(
                await Runner.submit(source, token: "t4", args: nil, retry: Self.options, context: cluster.context(captured)) == .success)
            let first = "daily-\(RunToken.hash("t4"))"
            #expect(captured.lines.contains("  next attempt: unchanged (at once)"))
            #expect(captured.lines.contains("retrying: attempt 2 of 3 as \(Self.namespace)/\(first)-2, unchanged (at once)"))
            let runs = runs(cluster)
            #expect(runs.count == 2)
            #expect(runs[1]["metadata"]?["annotations"]?["pedregal.io/remedy"] == nil)
            #expect(runs[1]["spec"]?["sparkConf"] == runs[0]["spec"]?["sparkConf"])
        }
    }

    @Test func racingRunnersFollowOneChainAndNeverDoubleSubmit() async throws {
        try await withChain(Self.oomUnlessOverhead) { cluster, source in
            let statuses = await withTaskGroup(of: ExitStatus.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        await Runner.submit(source, token: "t5", args: nil, retry: Self.options, context: cluster.context(Captured()))
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == [.success, .success, .success])
            let names = runs(cluster).compactMap { $0["metadata"]?["name"]?.string }
            let first = "daily-\(RunToken.hash("t5"))"
            #expect(names == [first, "\(first)-2"])
        }
    }

    @Test func aRunningAttemptIsFollowedUntilTheOperatorIsDoneWithIt() async throws {
        let stillRunning: @Sendable (YAMLValue) -> FakeSparkOperator.Outcome = { _ in .running }
        try await withChain(stillRunning) { cluster, source in
            let name = "daily-\(RunToken.hash("t6"))"
            let path = "/apis/spark.apache.org/v1/namespaces/\(Self.namespace)/sparkapplications/\(name)"
            // The run ends just before the runner's third read of it (two saw it running). The
            // fake writes it in the request itself, so nothing here depends on timing (a task
            // counting reads and then writing raced the runner's polls on a loaded machine).
            let readsOfTheRun = ReadCount()
            for _ in 0..<50 {
                cluster.fake.interleave(before: "GET", path: path) { fake in
                    guard fake.existsLocked("spark.apache.org/v1", "SparkApplication", namespace: Self.namespace, name: name) else {
                        return
                    }
                    readsOfTheRun.value += 1
                    guard readsOfTheRun.value == 3 else { return }
                    fake.setStatusLocked(
                        "spark.apache.org/v1", "SparkApplication", namespace: Self.namespace, name: name,
                        JobStateTests.apache("ResourceReleased", history: ["Submitted", "RunningHealthy", "Succeeded", "ResourceReleased"]))
                }
            }
            let captured = Captured()
            #expect(
                await Runner.submit(source, token: "t6", args: nil, retry: Self.options, context: cluster.context(captured)) == .success)
            #expect(
                captured.lines.suffix(2) == [
                    "\(Self.namespace)/\(name): running (RunningHealthy): Application is running healthy.",
                    "\(Self.namespace)/\(name): succeeded (ResourceReleased)",
                ])
            #expect(readsOfTheRun.value == 3)
            #expect(runs(cluster).count == 1)
        }
    }
}

/// Reads counted by the fake's hooks, which run one at a time under its lock.
private final class ReadCount: @unchecked Sendable {
    var value = 0
}
