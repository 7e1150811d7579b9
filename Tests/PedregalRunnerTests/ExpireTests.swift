import PedregalManifests
import PedregalRunner
import Testing

/// `pedregal expire`: only Spark Connect servers past their expiry go.
@Suite struct ExpireTests {
    func seed(_ fake: FakeKubernetes) {
        fake.seed(Manifests.namespace("sjns-ml-stg"))
        fake.seed(Manifests.connectServer("sc-eval-0", namespace: "sjns-ml-stg", expiresAt: "2026-12-31T00:00:00Z"))
        fake.seed(Manifests.connectServer("sc-eval-1", namespace: "sjns-ml-stg", expiresAt: "2026-12-31T00:00:00Z"))
        fake.seed(Manifests.connectServer("sc-later-0", namespace: "sjns-ml-stg", expiresAt: "2027-06-30T00:00:00Z"))
        fake.seed(Manifests.connectServer("sc-default-0", namespace: "sjns-ml-stg"))
        fake.seed(
            Manifests.connectServer(
                "sc-kf-0", namespace: "sjns-ml-stg", apiVersion: "sparkoperator.k8s.io/v1beta2",
                expiresAt: "2026-01-01T00:00:00+01:00"))
        // A batch run with an expiry annotation is not a Connect server.
        fake.seed(
            """
            apiVersion: spark.apache.org/v1
            kind: SparkApplication
            metadata:
              name: job-run
              namespace: sjns-ml-stg
              labels: { app.kubernetes.io/managed-by: pedregal, pedregal.io/component: spark-job }
              annotations: { pedregal.io/expires-at: "2020-01-01T00:00:00Z" }
            """)
    }

    func names(_ fake: FakeKubernetes) -> [String] {
        (fake.objects(group: "spark.apache.org", kind: "SparkApplication")
            + fake.objects(group: "sparkoperator.k8s.io", kind: "SparkApplication"))
            .compactMap { $0["metadata"]?["name"]?.string }
    }

    @Test func deletesOnlyExpiredServersAtTheGivenTime() async throws {
        try await withCluster { cluster in
            seed(cluster.fake)
            let folder = try cluster.folder(["sjns-ml-stg/namespace-sjns-ml-stg.yaml": Manifests.namespace("sjns-ml-stg")])
            let captured = Captured()
            #expect(
                await Runner.expire(
                    folder: folder, now: "2027-01-01T00:00:00Z", dryRun: false, context: cluster.context(captured)) == .success)
            #expect(
                captured.lines == [
                    "deleted    SparkApplication sjns-ml-stg/sc-eval-0 (expired at 2026-12-31T00:00:00Z)",
                    "deleted    SparkApplication sjns-ml-stg/sc-eval-1 (expired at 2026-12-31T00:00:00Z)",
                    "deleted    SparkApplication sjns-ml-stg/sc-kf-0 (expired at 2026-01-01T00:00:00+01:00)",
                    "sk8-us-west-2 at 2027-01-01T00:00:00Z: 3 expired Spark Connect servers deleted, 0 failed, 1 not yet expired",
                ])
            #expect(names(cluster.fake) == ["job-run", "sc-default-0", "sc-later-0"])
            let lists = cluster.fake.requests.filter { $0.query["labelSelector"] != nil }
            #expect(
                lists.allSatisfy {
                    $0.query["labelSelector"]
                        == "app.kubernetes.io/managed-by=pedregal,pedregal.io/cluster=sk8-us-west-2,"
                        + "pedregal.io/component=spark-connect-server"
                })
        }
    }

    @Test func beforeTheExpiryNothingGoesAndDryRunChangesNothing() async throws {
        try await withCluster { cluster in
            seed(cluster.fake)
            let folder = try cluster.folder(["sjns-ml-stg/namespace-sjns-ml-stg.yaml": Manifests.namespace("sjns-ml-stg")])
            let early = Captured()
            #expect(
                await Runner.expire(folder: folder, now: "2025-12-31T22:59:59Z", dryRun: false, context: cluster.context(early))
                    == .success)
            #expect(
                early.lines == [
                    "sk8-us-west-2 at 2025-12-31T22:59:59Z: 0 expired Spark Connect servers deleted, 0 failed, 4 not yet expired"
                ])
            // Exactly at the expiry it has passed; the default time is the context's clock.
            let dry = Captured()
            #expect(
                await Runner.expire(
                    folder: folder, now: nil, dryRun: true, context: cluster.context(dry, now: "2026-12-31T00:00:00Z"))
                    == .success)
            #expect(
                dry.lines.first == "deleted    SparkApplication sjns-ml-stg/sc-eval-0 (dry run; expired at 2026-12-31T00:00:00Z)")
            #expect(cluster.fake.requests.filter { $0.method == "DELETE" }.allSatisfy { $0.query["dryRun"] == "All" })
            #expect(names(cluster.fake).count == 6)
        }
    }

    @Test func badTimesAreReported() async throws {
        try await withCluster { cluster in
            seed(cluster.fake)
            cluster.fake.seed(Manifests.connectServer("sc-typo-0", namespace: "sjns-ml-stg", expiresAt: "next tuesday"))
            let folder = try cluster.folder(["sjns-ml-stg/namespace-sjns-ml-stg.yaml": Manifests.namespace("sjns-ml-stg")])
            let usage = Captured()
            #expect(await Runner.expire(folder: folder, now: "soon", dryRun: false, context: cluster.context(usage)) == .usage)
            #expect(usage.err == "pedregal: error: --now 'soon' is not an RFC 3339 time such as 2026-12-31T00:00:00Z\n")
            let captured = Captured()
            #expect(
                await Runner.expire(
                    folder: folder, now: "2000-01-01T00:00:00Z", dryRun: false, context: cluster.context(captured)) == .failure)
            #expect(
                captured.lines.first
                    == "failed     SparkApplication sjns-ml-stg/sc-typo-0: pedregal.io/expires-at 'next tuesday' is not an RFC 3339 time"
            )
        }
    }

    @Test func onlyTheFoldersClusterIsExpiredAsPruneIsScoped() async throws {
        try await withCluster { cluster in
            seed(cluster.fake)
            // Another folder applied to the same cluster (sk8-eu-west-1's, say) has its own servers.
            cluster.fake.seed(
                Manifests.labelled(
                    ["x": Manifests.connectServer("sc-theirs-0", namespace: "sjns-ml-stg", expiresAt: "2026-01-01T00:00:00Z")],
                    cluster: "sk8-eu-west-1")["x"]!)
            let folder = try cluster.folder(["sjns-ml-stg/namespace-sjns-ml-stg.yaml": Manifests.namespace("sjns-ml-stg")])
            let captured = Captured()
            #expect(
                await Runner.expire(
                    folder: folder, now: "2027-01-01T00:00:00Z", dryRun: false, context: cluster.context(captured)) == .success)
            #expect(!captured.lines.contains { $0.contains("sc-theirs-0") })
            #expect(names(cluster.fake).contains("sc-theirs-0"))
            #expect(!names(cluster.fake).contains("sc-eval-0"))
        }
    }

    @Test func expireChecksTheCluster() async throws {
        try await withCluster { cluster in
            seed(cluster.fake)
            let folder = try cluster.folder(
                ["sjns-ml-stg/namespace-sjns-ml-stg.yaml": Manifests.namespace("sjns-ml-stg")], cluster: "sk8-eu-west-1")
            #expect(
                await Runner.expire(
                    folder: folder, now: "2030-01-01T00:00:00Z", dryRun: false, context: cluster.context(Captured())) == .refused)
            #expect(cluster.fake.requests.isEmpty)
        }
    }

    /// An expired server stays in generated/ (the compiler never reads the
    /// clock); `apply` must not bring it back, and `status` must not miss it.
    @Test func applyLeavesExpiredServersOutAndStatusDoesNotExpectThem() async throws {
        try await withCluster { cluster in
            let folder = try cluster.folder([
                "sjns-ml-stg/namespace-sjns-ml-stg.yaml": Manifests.namespace("sjns-ml-stg"),
                "sjns-ml-stg/sparkapplication-sc-eval-0.yaml": Manifests.connectServer(
                    "sc-eval-0", namespace: "sjns-ml-stg", expiresAt: "2026-12-31T00:00:00Z"),
                "sjns-ml-stg/sparkapplication-sc-later-0.yaml": Manifests.connectServer(
                    "sc-later-0", namespace: "sjns-ml-stg", expiresAt: "2027-06-30T00:00:00Z"),
            ])
            let captured = Captured()
            #expect(
                await Runner.apply(
                    folder: folder, dryRun: false, prune: false, context: cluster.context(captured, now: "2027-01-01T00:00:00Z"))
                    == .success)
            #expect(
                captured.lines.contains(
                    "expired    SparkApplication sjns-ml-stg/sc-eval-0 (expired at 2026-12-31T00:00:00Z; `pedregal expire` removes it)"))
            #expect(
                captured.lines.last == "sk8-us-west-2: 3 objects, 2 created, 0 configured, 0 unchanged, 0 failed, 1 expired (not applied)")
            #expect(names(cluster.fake) == ["sc-later-0"])
            #expect(!cluster.fake.requests.contains { $0.path.hasSuffix("/sc-eval-0") })

            let status = Captured()
            cluster.fake.setStatus(
                "spark.apache.org/v1", "SparkApplication", namespace: "sjns-ml-stg", name: "sc-later-0",
                ["currentState": ["currentStateSummary": "RunningHealthy"]])
            _ = await Runner.status(
                folder: folder, wait: false, timeout: .seconds(1), context: cluster.context(status, now: "2027-01-01T00:00:00Z"))
            #expect(status.lines.contains { $0.hasPrefix("expired    SparkApplication sjns-ml-stg/sc-eval-0") })
        }
    }
}
