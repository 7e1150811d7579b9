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
                    "prune: deleting a namespace deletes everything in it (runs, secrets, volumes), so it is kept: "
                        + "sjns-old-dev; pass --prune-namespaces to delete it",
                    "deleted    DNSEndpoint sjns-alpha-dev/sc-gone",
                    "deleted    ConfigMap sjns-old-dev/stale",
                    "deleted    ConfigMap sjns-alpha-dev/old-route",
                    "skipped    Namespace sjns-old-dev (pass --prune-namespaces to delete it and everything in it)",
                    "sk8-us-west-2: 7 objects, 6 created, 0 configured, 1 unchanged, 0 failed; 3 pruned, 1 namespace kept",
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
                ])
            #expect(cluster.fake.object("v1", "Namespace", namespace: nil, name: "sjns-old-dev") != nil)
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
            #expect(
                captured.lines.contains(
                    "skipped    Namespace sjns-old-dev (dry run; pass --prune-namespaces to delete it and everything in it)"))
            let deletes = cluster.fake.requests.filter { $0.method == "DELETE" }
            #expect(deletes.count == 3)
            #expect(deletes.allSatisfy { $0.query["dryRun"] == "All" })
            #expect(cluster.fake.object("v1", "Namespace", namespace: nil, name: "sjns-old-dev") != nil)
            #expect(cluster.fake.object("v1", "ConfigMap", namespace: "sjns-old-dev", name: "stale") != nil)
        }
    }

    /// What an old namespace holds besides pedregal's own objects.
    func seedContents(_ fake: FakeKubernetes) {
        fake.seed("apiVersion: v1\nkind: Secret\nmetadata: { name: creds, namespace: sjns-old-dev }\nstringData: { k: v }\n")
        fake.seed(
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: data, namespace: sjns-old-dev }\n"
                + "spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 10Gi } } }\n")
        fake.seed(
            "apiVersion: v1\nkind: Pod\nmetadata: { name: driver, namespace: sjns-old-dev }\n"
                + "spec: { containers: [{ name: spark, image: spark:3.5.3 }] }\n")
        fake.seed(
            """
            apiVersion: spark.apache.org/v1
            kind: SparkApplication
            metadata:
              name: daily-5e884898da
              namespace: sjns-old-dev
              labels: { app.kubernetes.io/managed-by: pedregal, pedregal.io/run-token: 5e884898da }
            """)
        fake.seed(
            "apiVersion: v1\nkind: Event\nmetadata: { name: driver.1, namespace: sjns-old-dev }\n"
                + "involvedObject: { kind: Pod, name: driver }\nreason: Scheduled\n")
    }

    @Test func withPruneNamespacesEverythingANamespaceHoldsIsListedBeforeItIsDeleted() async throws {
        try await withCluster { cluster in
            seedLeftovers(cluster.fake)
            seedContents(cluster.fake)
            let folder = try cluster.folder(Manifests.tenant())
            let captured = Captured()
            #expect(
                await Runner.apply(
                    folder: folder, dryRun: false, prune: true, pruneNamespaces: true, context: cluster.context(captured))
                    == .success, "\(captured.out)\(captured.err)")
            let lines = Array(captured.lines.drop { !$0.hasPrefix("prune: deleting") })
            #expect(
                lines == [
                    "prune: deleting Namespace sjns-old-dev takes down everything in it: 5 objects",
                    "  Secret sjns-old-dev/creds",
                    "  ConfigMap sjns-old-dev/stale",
                    "  PersistentVolumeClaim sjns-old-dev/data",
                    "  Pod sjns-old-dev/driver",
                    "  SparkApplication sjns-old-dev/daily-5e884898da (a run)",
                    "deleted    DNSEndpoint sjns-alpha-dev/sc-gone",
                    "deleted    ConfigMap sjns-old-dev/stale",
                    "deleted    ConfigMap sjns-alpha-dev/old-route",
                    "deleted    Namespace sjns-old-dev",
                    "sk8-us-west-2: 7 objects, 6 created, 0 configured, 1 unchanged, 0 failed; 4 pruned",
                ])
            // Everything was listed before the first delete, by discovery of what namespaces can hold.
            let firstDelete = try #require(cluster.fake.requests.firstIndex { $0.method == "DELETE" })
            let listed = cluster.fake.requests[..<firstDelete].filter { $0.path.hasPrefix("/api/v1/namespaces/sjns-old-dev/") }
            #expect(
                Set(listed.map(\.path)).isSuperset(of: ["/api/v1/namespaces/sjns-old-dev/secrets", "/api/v1/namespaces/sjns-old-dev/pods"]))
            #expect(!listed.contains { $0.path.hasSuffix("/events") })
            #expect(cluster.fake.object("v1", "Namespace", namespace: nil, name: "sjns-old-dev") == nil)
            let document = Captured()
            _ = await Runner.apply(
                folder: folder, dryRun: true, prune: true, pruneNamespaces: true, context: cluster.context(document, format: .json))
            #expect(try document.json()["prune"]?["namespaces"] == .list([]))
        }
    }

    @Test func aNamespaceWhoseContentsCannotAllBeListedIsNotDeleted() async throws {
        try await withCluster { cluster in
            seedLeftovers(cluster.fake)
            cluster.fake.forbid(method: "GET", pathPrefix: "/api/v1/namespaces/sjns-old-dev/secrets")
            let folder = try cluster.folder(Manifests.tenant())
            let captured = Captured()
            #expect(
                await Runner.apply(
                    folder: folder, dryRun: false, prune: true, pruneNamespaces: true, context: cluster.context(captured))
                    == .failure)
            #expect(captured.lines.contains { $0.hasPrefix("failed     cannot list Secret in v1: 403 Forbidden:") })
            #expect(
                captured.lines.contains {
                    $0.hasPrefix(
                        "failed     Namespace sjns-old-dev: not deleted: what it holds could not all be listed (cannot list Secret in v1")
                })
            #expect(cluster.fake.object("v1", "Namespace", namespace: nil, name: "sjns-old-dev") != nil)
            #expect(!cluster.fake.requests.contains { $0.method == "DELETE" && $0.path == "/api/v1/namespaces/sjns-old-dev" })
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
