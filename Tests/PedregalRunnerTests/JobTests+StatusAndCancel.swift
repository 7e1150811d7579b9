import Foundation
import PedregalManifests
import PedregalRunner
import PedregalTestSupport
import PedregalYAML
import Testing

/// Following and stopping runs: `job status` and `cancel`, on both operators.
extension JobTests {
    @Test func jobStatusReadsTheStateAndWaitsForTheOutcome() async throws {
        try await withJobs { cluster, generated in
            #expect(
                await Runner.submit(source(generated), token: "w", args: nil, context: cluster.context(Captured())) == .success)
            let run = "sjns-alpha-prod/daily-\(RunToken.hash("w"))"
            let name = "daily-\(RunToken.hash("w"))"
            let fake = cluster.fake
            func set(_ status: YAMLValue) {
                fake.setStatus("spark.apache.org/v1", "SparkApplication", namespace: "sjns-alpha-prod", name: name, status)
            }
            set(JobStateTests.apache("Failed", message: "exit 1", history: ["Submitted", "Failed:exit 1"]))
            let once = Captured()
            // Without --wait, reading any state is success.
            #expect(await Runner.jobStatus(run: run, wait: false, timeout: nil, context: cluster.context(once)) == .success)
            #expect(once.lines.first == "\(run): failed (Failed): exit 1")
            // A failed run says why as far as the cluster knows: here its pods are gone and its status says little.
            #expect(once.lines.dropFirst().first == "  why: unknown: nothing in the SparkApplication's status says why")
            #expect(
                once.lines.last
                    == "  evidence: SparkApplication status; not read: pods: none left (the operator deletes them after the run, or they never started); driver log: the driver pod is gone; event log: the run does not write one (spark.eventLog.enabled)"
            )

            set(JobStateTests.apache("DriverRequested"))
            let path = "/apis/spark.apache.org/v1/namespaces/sjns-alpha-prod/sparkapplications/\(name)"
            let seen = fake.reads(path)
            // Each state changes only after the waiting command has read the one before.
            let flip = Task {
                try await fake.waitForReads(path, count: seen + 1)
                set(JobStateTests.apache("RunningHealthy"))
                try await fake.waitForReads(path, count: seen + 2)
                set(
                    JobStateTests.apache(
                        "ResourceReleased", history: ["Submitted", "RunningHealthy", "Succeeded", "ResourceReleased"]))
            }
            let waited = Captured()
            #expect(
                await Runner.jobStatus(
                    run: run, wait: true, timeout: .seconds(10), context: cluster.context(waited, format: .text)) == .success)
            try await flip.value
            #expect(waited.lines.first == "\(run): pending (DriverRequested)")
            #expect(waited.lines.contains("\(run): running (RunningHealthy)"))
            #expect(waited.lines.last == "\(run): succeeded (ResourceReleased)")

            set(
                JobStateTests.apache(
                    "ResourceReleased", history: ["Submitted", "SchedulingFailure:no nodes", "ResourceReleased"]))
            let failed = Captured()
            #expect(
                await Runner.jobStatus(
                    run: run, wait: true, timeout: .seconds(10), context: cluster.context(failed, format: .json)) == .failure)
            let document = try failed.json()
            #expect(document["phase"] == "failed")
            #expect(document["state"]?["reason"] == "no nodes")
            #expect(document["exitStatus"] == .int(1))

            set(JobStateTests.apache("RunningHealthy"))
            let timedOut = Captured()
            #expect(
                await Runner.jobStatus(run: run, wait: true, timeout: .milliseconds(100), context: cluster.context(timedOut))
                    == .failure)
            #expect(timedOut.lines.last == "\(run): running (RunningHealthy); timed out waiting")

            let before = fake.reads(path)
            let removal = Task {
                try await fake.waitForReads(path, count: before + 1)
                fake.remove("spark.apache.org/v1", "SparkApplication", namespace: "sjns-alpha-prod", name: name)
            }
            let removed = Captured()
            #expect(
                await Runner.jobStatus(run: run, wait: true, timeout: .seconds(10), context: cluster.context(removed)) == .failure
            )
            try await removal.value
            #expect(removed.lines.last == "\(run): finished (object removed)")

            let missing = Captured()
            #expect(await Runner.jobStatus(run: run, wait: false, timeout: nil, context: cluster.context(missing)) == .failure)
            #expect(missing.err == "pedregal: error: run \(run) not found\n")
            let malformed = Captured()
            #expect(
                await Runner.jobStatus(run: "no-slash", wait: false, timeout: nil, context: cluster.context(malformed)) == .usage)
        }
    }

    @Test func kubeflowRunsAreFoundAndMapped() async throws {
        try await withJobs(withoutGroups: ["spark.apache.org"]) { cluster, generated in
            #expect(
                await Runner.submit(
                    source(generated, job: "rollup", region: nil), token: "k", args: ["--full"],
                    context: cluster.context(Captured())) == .success)
            let name = "rollup-\(RunToken.hash("k"))"
            let stored = try #require(
                cluster.fake.object("sparkoperator.k8s.io/v1beta2", "SparkApplication", namespace: "sjns-alpha-prod", name: name))
            #expect(stored["spec"]?["arguments"] == ["--full"])
            cluster.fake.setStatus(
                "sparkoperator.k8s.io/v1beta2", "SparkApplication", namespace: "sjns-alpha-prod", name: name,
                ["applicationState": ["state": "COMPLETED"]])
            let captured = Captured()
            #expect(
                await Runner.jobStatus(
                    run: "sjns-alpha-prod/\(name)", wait: true, timeout: .seconds(5), context: cluster.context(captured))
                    == .success)
            #expect(captured.lines == ["sjns-alpha-prod/\(name): succeeded (COMPLETED)"])
        }
    }

    @Test func noSparkOperatorIsAClearFailure() async throws {
        try await withJobs(withoutGroups: ["spark.apache.org", "sparkoperator.k8s.io"]) { cluster, _ in
            let captured = Captured()
            #expect(
                await Runner.jobStatus(run: "ns/x", wait: false, timeout: nil, context: cluster.context(captured)) == .failure)
            #expect(captured.err.contains("the cluster serves no SparkApplication API"))
        }
    }

    @Test func cancelDeletesRunsOnly() async throws {
        try await withJobs { cluster, generated in
            #expect(
                await Runner.submit(source(generated), token: "c", args: nil, context: cluster.context(Captured())) == .success)
            let name = "daily-\(RunToken.hash("c"))"
            let captured = Captured()
            #expect(await Runner.cancel(run: "sjns-alpha-prod/\(name)", context: cluster.context(captured)) == .success)
            #expect(captured.lines == ["cancelled sjns-alpha-prod/\(name); it was pending"])
            #expect(cluster.fake.requests.last?.method == "DELETE")
            #expect(
                cluster.fake.requests.last?.path
                    == "/apis/spark.apache.org/v1/namespaces/sjns-alpha-prod/sparkapplications/\(name)")
            #expect(
                cluster.fake.object("spark.apache.org/v1", "SparkApplication", namespace: "sjns-alpha-prod", name: name) == nil)

            let again = Captured()
            #expect(await Runner.cancel(run: "sjns-alpha-prod/\(name)", context: cluster.context(again)) == .failure)
            #expect(again.err == "pedregal: error: run sjns-alpha-prod/\(name) not found\n")

            cluster.fake.seed(Manifests.connectServer("sc-default-0", namespace: "sjns-alpha-prod"))
            let server = Captured()
            #expect(await Runner.cancel(run: "sjns-alpha-prod/sc-default-0", context: cluster.context(server)) == .usage)
            #expect(server.err.contains("is not a run made by `pedregal submit`"))
            #expect(
                cluster.fake.object("spark.apache.org/v1", "SparkApplication", namespace: "sjns-alpha-prod", name: "sc-default-0")
                    != nil)
        }
    }
}
