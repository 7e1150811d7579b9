import Foundation
import PedregalConsole
import PedregalManifests
import PedregalRunner
import PedregalTestSupport
import PedregalYAML
import Testing

/// `submit` for scheduled runs: the job's concurrency policy for Spark runs
/// (not only for the CronJob's submit pod), and a logical date that is always
/// stated, never guessed from a token.
@Suite struct SubmitPolicyTests {
    /// A started fake with the tenant's namespace and a raw template of `policy`.
    func withTemplate(policy: String?, _ body: (TestCluster, JobSource) async throws -> Void) async throws {
        try await withCluster { cluster in
            cluster.fake.seed(Manifests.namespace("sjns-alpha-prod"))
            try Paths.write(
                ["generated/sk8-us-west-2/sjns-alpha-prod/configmap-job-daily.yaml": JobTests.templateFile(policy: policy)],
                to: cluster.root)
            let template = try JobTemplates.find(
                generated: cluster.root.appendingPathComponent("generated").path, team: "alpha", job: "daily", environment: "prod",
                region: nil)
            let file = cluster.root.appendingPathComponent("sparkapplication.yaml")
            try YAMLWriter.document(template.object).write(to: file, atomically: true, encoding: .utf8)
            try await body(cluster, .template(file.path))
        }
    }

    func runs(_ fake: FakeKubernetes) -> [String] {
        fake.objects(group: "spark.apache.org", kind: "SparkApplication").compactMap { $0["metadata"]?["name"]?.string }
    }

    func submit(_ cluster: TestCluster, _ source: JobSource, token: String?, timing: RunTiming = .now) async -> (
        PedregalConsole.ExitStatus, Captured
    ) {
        let captured = Captured()
        let status = await Runner.submit(
            source, token: token, args: nil, timing: timing, context: cluster.context(captured, cluster: "sk8-us-west-2"))
        return (status, captured)
    }

    func running(_ cluster: TestCluster, _ name: String) {
        cluster.fake.setStatus(
            "spark.apache.org/v1", "SparkApplication", namespace: "sjns-alpha-prod", name: name,
            ["currentState": ["currentStateSummary": "RunningHealthy"]])
    }

    @Test func forbidStartsNothingWhileARunIsActiveAndSucceeds() async throws {
        try await withTemplate(policy: nil) { cluster, source in
            #expect(await submit(cluster, source, token: "daily-29012345").0 == .success)
            let first = RunToken.runName(job: "daily", token: "daily-29012345")
            running(cluster, first)
            let (status, captured) = await submit(cluster, source, token: "daily-29012405")
            #expect(status == .success)
            #expect(
                captured.lines.last
                    == "not submitted: a previous run of this job is still active (sjns-alpha-prod/\(first) running (RunningHealthy)) "
                    + "and its concurrency policy is Forbid; token daily-29012405 started nothing")
            #expect(runs(cluster.fake) == [first])
            let list = try #require(cluster.fake.requests.last { $0.query["labelSelector"] != nil })
            #expect(list.path == "/apis/spark.apache.org/v1/namespaces/sjns-alpha-prod/sparkapplications")
            #expect(list.query["labelSelector"] == "pedregal.io/job=daily,pedregal.io/run-token")

            // The same token again is the same run, active or not.
            let (again, same) = await submit(cluster, source, token: "daily-29012345")
            #expect(again == .success)
            #expect(
                same.lines.last == "already submitted: sjns-alpha-prod/\(first) exists for token daily-29012345 (running (RunningHealthy))")

            // Finished, failed or being deleted: no longer active.
            cluster.fake.setStatus(
                "spark.apache.org/v1", "SparkApplication", namespace: "sjns-alpha-prod", name: first,
                JobStateTests.apache("ResourceReleased", history: ["Submitted", "Failed:oom", "ResourceReleased"]))
            #expect(await submit(cluster, source, token: "daily-29012405").0 == .success)
            #expect(runs(cluster.fake).count == 2)
        }
    }

    @Test func allowStartsAnotherAndReplaceDeletesTheActiveRunsFirst() async throws {
        try await withTemplate(policy: "Allow") { cluster, source in
            #expect(await submit(cluster, source, token: "a").0 == .success)
            running(cluster, RunToken.runName(job: "daily", token: "a"))
            #expect(await submit(cluster, source, token: "b").0 == .success)
            #expect(runs(cluster.fake).count == 2)
            #expect(!cluster.fake.requests.contains { $0.query["labelSelector"] != nil })
        }
        try await withTemplate(policy: "Replace") { cluster, source in
            #expect(await submit(cluster, source, token: "a").0 == .success)
            let old = RunToken.runName(job: "daily", token: "a")
            running(cluster, old)
            let (status, captured) = await submit(cluster, source, token: "b")
            #expect(status == .success)
            #expect(
                captured.lines.contains(
                    "replaced sjns-alpha-prod/\(old) (running (RunningHealthy)): deleted, as the job's concurrency policy Replace asks"))
            #expect(runs(cluster.fake) == [RunToken.runName(job: "daily", token: "b")])
            let delete = try #require(cluster.fake.requests.firstIndex { $0.method == "DELETE" })
            let create = try #require(cluster.fake.requests.firstIndex { $0.method == "POST" && $0.body.contains("\"b\"") })
            #expect(delete < create)
        }
        try await withTemplate(policy: "Sometimes") { cluster, source in
            let (status, captured) = await submit(cluster, source, token: "a")
            #expect(status == .usage)
            #expect(
                captured.err.contains(
                    "the template's pedregal.io/concurrency-policy is 'Sometimes'; it must be one of Forbid, Allow, Replace"))
            #expect(!cluster.fake.requests.contains { $0.method == "POST" })
        }
    }

    @Test func theLogicalDateIsGivenNeverGuessedFromTheToken() async throws {
        try await withTemplate(policy: "Allow") { cluster, source in
            // Before #8, `--token backfill-20250115` gave ds 2008-07-02.
            let (status, captured) = await submit(cluster, source, token: "backfill-20250115", timing: .logicalDate("2025-01-15"))
            #expect(status == .success)
            #expect(captured.lines.first == "logical time 2025-01-15T00:00:00Z (--logical-date 2025-01-15)")
            let run = try #require(
                cluster.fake.object(
                    "spark.apache.org/v1", "SparkApplication", namespace: "sjns-alpha-prod",
                    name: RunToken.runName(job: "daily", token: "backfill-20250115")))
            #expect(run["spec"]?["driverArgs"] == ["--date", "2025-01-15"])

            let (time, _) = await submit(cluster, source, token: "t", timing: .logicalDate("2025-01-15T23:30:00-02:00"))
            #expect(time == .success)
            #expect(
                cluster.fake.object(
                    "spark.apache.org/v1", "SparkApplication", namespace: "sjns-alpha-prod",
                    name: RunToken.runName(job: "daily", token: "t")
                )?["spec"]?["driverArgs"] == ["--date", "2025-01-16"])

            // Without any, the current time, said so.
            let (now, nowOutput) = await submit(cluster, source, token: "backfill-20240101")
            #expect(now == .success)
            #expect(nowOutput.lines.first == "logical time 2026-06-01T00:00:00Z (the current time; --logical-date sets another)")
            #expect(
                cluster.fake.object(
                    "spark.apache.org/v1", "SparkApplication", namespace: "sjns-alpha-prod",
                    name: RunToken.runName(job: "daily", token: "backfill-20240101"))?["spec"]?["driverArgs"] == ["--date", "2026-06-01"])

            for bad in ["2025-1-15", "15/01/2025", "2025-02-30", "yesterday"] {
                let (usage, message) = await submit(cluster, source, token: "x", timing: .logicalDate(bad))
                #expect(usage == .usage, "\(bad)")
                #expect(message.err.contains("--logical-date '\(bad)' is neither a date such as 2025-01-15 nor an RFC 3339 time"))
            }
        }
    }

    @Test func aScheduledSubmitReadsItsJobsScheduledTimeAndUsesItsNameAsTheToken() async throws {
        try await withTemplate(policy: "Allow") { cluster, source in
            // The CronJob controller's Job: named <cronjob>-<minutes since 1970>, annotated in the CronJob's time zone.
            cluster.fake.seed(
                """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: daily-28948530
                  namespace: sjns-alpha-prod
                  annotations: { batch.kubernetes.io/cronjob-scheduled-timestamp: "2025-01-14T19:30:00-08:00" }
                spec:
                  template:
                    spec: { restartPolicy: OnFailure, containers: [{ name: submit, image: pedregal:0.1.0 }] }
                """)
            let (status, captured) = await submit(cluster, source, token: nil, timing: .scheduledJob("daily-28948530"))
            #expect(status == .success, "\(captured.err)")
            #expect(
                captured.lines.first
                    == "logical time 2025-01-15T03:30:00Z (the scheduled time of Job sjns-alpha-prod/daily-28948530 "
                    + "(batch.kubernetes.io/cronjob-scheduled-timestamp))")
            let name = RunToken.runName(job: "daily", token: "daily-28948530")
            #expect(captured.lines.last == "submitted sjns-alpha-prod/\(name) (spark.apache.org/v1 SparkApplication, token daily-28948530)")
            let run = try #require(cluster.fake.object("spark.apache.org/v1", "SparkApplication", namespace: "sjns-alpha-prod", name: name))
            #expect(run["spec"]?["driverArgs"] == ["--date", "2025-01-15"])
            #expect(
                cluster.fake.requests.contains {
                    $0.method == "GET" && $0.path == "/apis/batch/v1/namespaces/sjns-alpha-prod/jobs/daily-28948530"
                })

            // Without the annotation (before Kubernetes 1.28), from the minute in the Job's name, and said so.
            cluster.fake.seed(
                """
                apiVersion: batch/v1
                kind: Job
                metadata: { name: daily-28949970, namespace: sjns-alpha-prod }
                spec:
                  template:
                    spec: { restartPolicy: OnFailure, containers: [{ name: submit, image: pedregal:0.1.0 }] }
                """)
            let (older, olderOutput) = await submit(cluster, source, token: nil, timing: .scheduledJob("daily-28949970"))
            #expect(older == .success)
            #expect(
                olderOutput.lines.first?.hasPrefix(
                    "logical time 2025-01-16T03:30:00Z (the scheduled time in the name of Job sjns-alpha-prod/daily-28949970 (minutes since 1970"
                ) == true)
            #expect(olderOutput.lines.first?.contains("the Job has no batch.kubernetes.io/cronjob-scheduled-timestamp annotation") == true)

            let (missing, missingOutput) = await submit(cluster, source, token: nil, timing: .scheduledJob("daily-1"))
            #expect(missing == .failure)
            #expect(missingOutput.err.contains("Job sjns-alpha-prod/daily-1 not found: --scheduled-job names the Job this submit runs in"))
            let (both, bothOutput) = await submit(cluster, source, token: "t", timing: .scheduledJob("daily-28949970"))
            #expect(both == .usage)
            #expect(bothOutput.err.contains("--scheduled-job makes the Job's name the token; drop --token"))
        }
    }
}
