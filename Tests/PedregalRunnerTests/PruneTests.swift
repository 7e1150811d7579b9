import PedregalManifests
import PedregalRunner
import Testing

/// `apply --prune`: what counts as a candidate, the listing before the
/// deletes, reverse order, and dry runs.
@Suite struct PruneTests {
    /// A cluster holding the tenant plus leftovers of several kinds.
    func seedLeftovers(_ fake: FakeKubernetes) {
        fake.seed(Manifests.namespace("sjns-alpha-dev"))
        fake.seed(Manifests.namespace("sjns-old-dev"))
        fake.seed(Manifests.configMap("stale", namespace: "sjns-old-dev"))
        fake.seed(Manifests.configMap("old-route", namespace: "sjns-alpha-dev"))
        fake.seed(Manifests.dnsEndpoint("sc-gone", namespace: "sjns-alpha-dev"))
        // Not candidates: a run, an object the operator owns, and one pedregal does not manage.
        fake.seed(Manifests.configMap("run-config", namespace: "sjns-alpha-dev", extraLabels: ["pedregal.io/run-token": "abc"]))
        fake.seed(
            """
            apiVersion: spark.apache.org/v1
            kind: SparkApplication
            metadata:
              name: daily-5e884898da
              namespace: sjns-alpha-dev
              labels: { app.kubernetes.io/managed-by: pedregal, pedregal.io/run-token: 5e884898da }
            """)
        fake.seed(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: spark-drv-conf
              namespace: sjns-alpha-dev
              labels: { app.kubernetes.io/managed-by: pedregal }
              ownerReferences: [{ apiVersion: v1, kind: Pod, name: driver, uid: "1" }]
            """)
        fake.seed("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: someone-elses\n  namespace: sjns-alpha-dev\n")
        // Another folder's object on the same cluster.
        fake.seed(Manifests.configMap("argocd-app", namespace: "sjns-alpha-dev", extraLabels: ["pedregal.io/cluster": "argocd"]))
    }

    @Test func listsThenDeletesOnlyManagedObjectsTheFolderNoLongerHolds() async throws {
        try await withCluster { cluster in
            seedLeftovers(cluster.fake)
            let folder = try cluster.folder(Manifests.tenant())
            let captured = Captured()
            #expect(
                await Runner.apply(folder: folder, dryRun: false, prune: true, context: cluster.context(captured)) == .success)
            let lines = Array(captured.lines.drop { !$0.hasPrefix("prune:") })
            #expect(
                lines == [
                    "prune: 4 objects in sk8-us-west-2 no longer in \(folder):",
                    "  DNSEndpoint sjns-alpha-dev/sc-gone",
                    "  ConfigMap sjns-old-dev/stale",
                    "  ConfigMap sjns-alpha-dev/old-route",
                    "  Namespace sjns-old-dev",
                    "deleted    DNSEndpoint sjns-alpha-dev/sc-gone",
                    "deleted    ConfigMap sjns-old-dev/stale",
                    "deleted    ConfigMap sjns-alpha-dev/old-route",
                    "deleted    Namespace sjns-old-dev",
                    "sk8-us-west-2: 7 objects, 6 created, 0 configured, 1 unchanged, 0 failed; 4 pruned",
                ])
            let lists = cluster.fake.requests.filter { $0.method == "GET" && $0.query["labelSelector"] != nil }
            #expect(
                lists.allSatisfy {
                    $0.query["labelSelector"]
                        == "app.kubernetes.io/managed-by=pedregal,pedregal.io/cluster=sk8-us-west-2,!pedregal.io/run-token"
                })
            #expect(
                Set(lists.map(\.path)).isSuperset(of: [
                    "/api/v1/namespaces", "/api/v1/configmaps", "/apis/batch/v1/cronjobs",
                    "/apis/sparkoperator.k8s.io/v1beta2/scheduledsparkapplications",
                ]))
            let deletes = cluster.fake.requests.filter { $0.method == "DELETE" }
            #expect(
                deletes.map(\.path) == [
                    "/apis/externaldns.k8s.io/v1alpha1/namespaces/sjns-alpha-dev/dnsendpoints/sc-gone",
                    "/api/v1/namespaces/sjns-old-dev/configmaps/stale",
                    "/api/v1/namespaces/sjns-alpha-dev/configmaps/old-route",
                    "/api/v1/namespaces/sjns-old-dev",
                ])
            let remaining = cluster.fake.objects(group: "", kind: "ConfigMap").compactMap { $0["metadata"]?["name"]?.string }
            #expect(remaining == ["argocd-app", "run-config", "someone-elses", "spark-defaults", "spark-drv-conf"])
            #expect(cluster.fake.objects(group: "spark.apache.org", kind: "SparkApplication").count == 2)
        }
    }

    @Test func dryRunListsAndSendsDryRunDeletesButDeletesNothing() async throws {
        try await withCluster { cluster in
            seedLeftovers(cluster.fake)
            let folder = try cluster.folder(Manifests.tenant())
            let captured = Captured()
            #expect(await Runner.apply(folder: folder, dryRun: true, prune: true, context: cluster.context(captured)) == .success)
            #expect(captured.lines.contains("prune: 4 objects in sk8-us-west-2 no longer in \(folder):"))
            #expect(captured.lines.contains("deleted    Namespace sjns-old-dev (dry run)"))
            let deletes = cluster.fake.requests.filter { $0.method == "DELETE" }
            #expect(deletes.count == 4)
            #expect(deletes.allSatisfy { $0.query["dryRun"] == "All" })
            #expect(cluster.fake.object("v1", "Namespace", namespace: nil, name: "sjns-old-dev") != nil)
            #expect(cluster.fake.object("v1", "ConfigMap", namespace: "sjns-old-dev", name: "stale") != nil)
        }
    }

    @Test func nothingToPruneSaysSo() async throws {
        try await withCluster { cluster in
            let folder = try cluster.folder(Manifests.tenant())
            let captured = Captured()
            #expect(
                await Runner.apply(folder: folder, dryRun: false, prune: true, context: cluster.context(captured)) == .success)
            #expect(captured.lines.contains("prune: nothing in sk8-us-west-2 is missing from \(folder)"))
            #expect(!cluster.fake.requests.contains { $0.method == "DELETE" })
        }
    }

    @Test func kindsTheClusterCannotListAreReportedAndRefused() async throws {
        try await withCluster { cluster in
            cluster.fake.forbid(method: "GET", pathPrefix: "/apis/batch/v1/cronjobs")
            let folder = try cluster.folder(Manifests.tenant())
            let captured = Captured()
            #expect(
                await Runner.apply(folder: folder, dryRun: false, prune: true, context: cluster.context(captured)) == .refused)
            #expect(captured.lines.contains { $0.hasPrefix("failed     cannot list CronJob in batch/v1: 403 Forbidden:") })
        }
    }

    @Test func anEmptyFolderIsNeverPruned() async throws {
        try await withCluster { cluster in
            seedLeftovers(cluster.fake)
            let folder = try cluster.folder(["README.md": "nothing here"])
            let captured = Captured()
            #expect(await Runner.apply(folder: folder, dryRun: false, prune: true, context: cluster.context(captured)) == .usage)
            #expect(captured.err.contains("holds no manifests; refusing to prune everything pedregal manages"))
            #expect(cluster.fake.requests.isEmpty)
        }
    }
}
