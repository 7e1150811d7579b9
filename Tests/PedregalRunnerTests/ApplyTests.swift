import Foundation
import PedregalKubernetes
import PedregalManifests
import PedregalRunner
import PedregalTestSupport
import PedregalYAML
import Testing

/// `pedregal apply`: order, server-side apply details, per-object results,
/// dry runs and the cluster-name guard, against the fake API server.
@Suite struct ApplyTests {
    @Test func appliesInDependencyOrderWithServerSideApply() async throws {
        try await withCluster { cluster in
            let folder = try cluster.folder(Manifests.tenant())
            let captured = Captured()
            let status = await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(captured))
            #expect(status == .success, "\(captured.out)\(captured.err)")

            let patches = cluster.fake.requests.filter { $0.method == "PATCH" }
            #expect(
                patches.map(\.path) == [
                    "/api/v1/namespaces/sjns-alpha-dev",
                    "/api/v1/namespaces/sjns-alpha-dev/serviceaccounts/spark-driver",
                    "/apis/rbac.authorization.k8s.io/v1/namespaces/sjns-alpha-dev/roles/pedregal-member",
                    "/api/v1/namespaces/sjns-alpha-dev/configmaps/spark-defaults",
                    "/api/v1/namespaces/sjns-alpha-dev/services/sc-default",
                    "/apis/externaldns.k8s.io/v1alpha1/namespaces/sjns-alpha-dev/dnsendpoints/sc-default",
                    "/apis/spark.apache.org/v1/namespaces/sjns-alpha-dev/sparkapplications/sc-default-0",
                ])
            for patch in patches {
                #expect(patch.contentType == "application/apply-patch+yaml")
                #expect(patch.query == ["fieldManager": "pedregal", "force": "true"])
                #expect(patch.authorization == "Bearer test-token")
            }
            // The body is the manifest itself.
            let sent = try JSONReader.parse(patches[3].body)
            #expect(sent["data"]?["a"] == "1")
            #expect(sent["metadata"]?["labels"]?["app.kubernetes.io/managed-by"] == "pedregal")

            #expect(
                captured.lines == [
                    "created    Namespace sjns-alpha-dev",
                    "created    ServiceAccount sjns-alpha-dev/spark-driver",
                    "created    Role sjns-alpha-dev/pedregal-member",
                    "created    ConfigMap sjns-alpha-dev/spark-defaults",
                    "created    Service sjns-alpha-dev/sc-default",
                    "created    DNSEndpoint sjns-alpha-dev/sc-default",
                    "created    SparkApplication sjns-alpha-dev/sc-default-0",
                    "sk8-us-west-2: 7 objects, 7 created, 0 configured, 0 unchanged, 0 failed",
                ])
            let stored = try #require(cluster.fake.object("v1", "ConfigMap", namespace: "sjns-alpha-dev", name: "spark-defaults"))
            #expect(stored["metadata"]?["managedFields"]?.listValue?.first?["manager"] == "pedregal")
            #expect(stored["metadata"]?["managedFields"]?.listValue?.first?["operation"] == "Apply")
        }
    }

    @Test func secondApplyIsUnchangedAndAnEditIsConfiguredBack() async throws {
        try await withCluster { cluster in
            let folder = try cluster.folder(Manifests.tenant())
            #expect(
                await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(Captured())) == .success)
            let before = cluster.fake.object("v1", "ConfigMap", namespace: "sjns-alpha-dev", name: "spark-defaults")?[
                "metadata"]?["resourceVersion"]

            cluster.fake.edit(
                "v1", "ConfigMap", namespace: "sjns-alpha-dev", name: "spark-defaults", path: ["data", "a"], to: "2",
                manager: "kubectl-edit")
            let captured = Captured()
            #expect(
                await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(captured)) == .success)
            #expect(captured.lines.contains("configured ConfigMap sjns-alpha-dev/spark-defaults"))
            #expect(captured.lines.filter { $0.hasPrefix("unchanged") }.count == 6)
            #expect(captured.lines.last == "sk8-us-west-2: 7 objects, 0 created, 1 configured, 6 unchanged, 0 failed")

            // Forced apply took the field back from the other manager.
            let stored = try #require(cluster.fake.object("v1", "ConfigMap", namespace: "sjns-alpha-dev", name: "spark-defaults"))
            #expect(stored["data"]?["a"] == "1")
            #expect(stored["metadata"]?["resourceVersion"] != before)
            let managers = stored["metadata"]?["managedFields"]?.listValue?.compactMap { $0["manager"]?.string }
            #expect(managers == ["pedregal"])
        }
    }

    @Test func aFieldConflictIsRefusedWithoutForceAndTakenWithIt() async throws {
        try await withCluster { cluster in
            cluster.fake.seed(Manifests.namespace("sjns-alpha-dev"))
            cluster.fake.seed(
                Manifests.configMap("spark-defaults", namespace: "sjns-alpha-dev", data: ["a": "9"]), manager: "helm")
            let client = try cluster.client()
            let path = "/api/v1/namespaces/sjns-alpha-dev/configmaps/spark-defaults"
            let manifest = YAMLParser().parse(
                Array(Manifests.configMap("spark-defaults", namespace: "sjns-alpha-dev").utf8), file: "x"
            ).documents[0].value
            let conflict = await #expect(throws: APIError.self) {
                try await client.apply(path, object: manifest, fieldManager: "pedregal", force: false, dryRun: false)
            }
            #expect(conflict?.code == 409)
            #expect(conflict?.reason == "Conflict")
            #expect(conflict?.message.contains("conflict with \"helm\": .data.a") == true)
            let applied = try await client.apply(path, object: manifest, fieldManager: "pedregal", force: true, dryRun: false)
            #expect(!applied.created)
            #expect(applied.object["data"]?["a"] == "1")
            try await client.shutdown()
        }
    }

    @Test func dryRunSendsDryRunAllAndChangesNothing() async throws {
        try await withCluster { cluster in
            cluster.fake.seed(Manifests.namespace("sjns-alpha-dev"))
            cluster.fake.seed(Manifests.configMap("spark-defaults", namespace: "sjns-alpha-dev", data: ["a": "0"]))
            let folder = try cluster.folder(
                Manifests.tenant().merging([
                    "sjns-beta-dev/namespace-sjns-beta-dev.yaml": Manifests.namespace("sjns-beta-dev"),
                    "sjns-beta-dev/configmap-x.yaml": Manifests.configMap("x", namespace: "sjns-beta-dev"),
                ]) { _, new in new })
            let captured = Captured()
            let status = await Runner.apply(folder: folder, dryRun: true, prune: false, context: cluster.context(captured))
            #expect(status == .success, "\(captured.out)\(captured.err)")
            for patch in cluster.fake.requests where patch.method == "PATCH" {
                #expect(patch.query["dryRun"] == "All")
            }
            #expect(cluster.fake.requests.filter { $0.method != "GET" && $0.method != "PATCH" }.isEmpty)
            #expect(cluster.fake.object("v1", "Namespace", namespace: nil, name: "sjns-beta-dev") == nil)
            #expect(
                cluster.fake.object("v1", "ConfigMap", namespace: "sjns-alpha-dev", name: "spark-defaults")?["data"]?["a"] == "0")
            #expect(captured.lines.contains("configured ConfigMap sjns-alpha-dev/spark-defaults (dry run)"))
            #expect(captured.lines.contains("unchanged  Namespace sjns-alpha-dev (dry run)"))
            #expect(captured.lines.contains("created    Namespace sjns-beta-dev (dry run)"))
            // Objects in a namespace the dry run would create cannot be checked by the server.
            #expect(
                captured.lines.contains(
                    "created    ConfigMap sjns-beta-dev/x (dry run; namespace sjns-beta-dev is new, so the server could not check it)"
                ))
            #expect(!cluster.fake.requests.contains { $0.path.contains("sjns-beta-dev/configmaps") })
            #expect(
                captured.lines.last
                    == "sk8-us-west-2 (dry run, nothing changed): 9 objects, 7 created, 1 configured, 1 unchanged, 0 failed")
        }
    }

    @Test func perObjectFailuresAreReportedAndTheRestIsApplied() async throws {
        try await withCluster(withoutGroups: ["externaldns.k8s.io"]) { cluster in
            let folder = try cluster.folder(
                Manifests.tenant().merging([
                    "no-such-namespace/configmap-orphan.yaml": Manifests.configMap("orphan", namespace: "no-such-namespace")
                ]) { _, new in new })
            let captured = Captured()
            let status = await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(captured))
            #expect(status == .failure)
            #expect(
                captured.lines.contains(
                    "failed     DNSEndpoint sjns-alpha-dev/sc-default: the cluster does not serve DNSEndpoint in externaldns.k8s.io/v1alpha1; is its CustomResourceDefinition installed?"
                ))
            #expect(
                captured.lines.contains(
                    "failed     ConfigMap no-such-namespace/orphan: namespace no-such-namespace does not exist, and this folder "
                        + "does not create it: install the component that owns it (or create it) first"))
            #expect(captured.lines.contains("created    SparkApplication sjns-alpha-dev/sc-default-0"))
            #expect(captured.lines.last == "sk8-us-west-2: 8 objects, 6 created, 0 configured, 0 unchanged, 2 failed")
        }
    }

    @Test func forbiddenIsRefusedAndUnauthorizedStopsTheRun() async throws {
        try await withCluster { cluster in
            cluster.fake.forbid(method: "PATCH", pathPrefix: "/apis/rbac.authorization.k8s.io/")
            let folder = try cluster.folder(Manifests.tenant())
            let captured = Captured()
            #expect(
                await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(captured)) == .refused)
            #expect(captured.lines.contains { $0.hasPrefix("failed     Role sjns-alpha-dev/pedregal-member: 403 Forbidden:") })
            #expect(captured.lines.contains("created    SparkApplication sjns-alpha-dev/sc-default-0"))
        }
        try await withCluster { cluster in
            let folder = try cluster.folder(Manifests.tenant())
            try Paths.write(
                [
                    "kubeconfig": TestCluster.kubeconfig(
                        server: "http://127.0.0.1:\(cluster.server.port)", cluster: TestCluster.name, token: "wrong")
                ], to: cluster.root)
            let captured = Captured()
            #expect(
                await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(captured)) == .refused)
            #expect(captured.err == "pedregal: error: 401 Unauthorized: Unauthorized\n")
            #expect(
                captured.lines.last
                    == "sk8-us-west-2: 7 objects, 0 created, 0 configured, 0 unchanged, 1 failed; stopped early, 6 not tried")
            #expect(cluster.fake.requests.count == 1)
        }
    }

    @Test func theClusterGuardRefusesBeforeAnyRequest() async throws {
        try await withCluster { cluster in
            let folder = try cluster.folder(Manifests.tenant(), cluster: "sk8-eu-west-1")
            let captured = Captured()
            #expect(
                await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(captured)) == .refused)
            #expect(
                captured.err == """
                    pedregal: error: refusing to act on '\(folder)', which is for cluster 'sk8-eu-west-1': \
                    context 'test' (cluster 'sk8-us-west-2') is cluster 'sk8-us-west-2'; pass --cluster sk8-eu-west-1 if this really is that cluster

                    """)
            #expect(cluster.fake.requests.isEmpty)

            // --cluster states which cluster this is: then it goes ahead.
            let overridden = Captured()
            let status = await Runner.apply(
                folder: folder, dryRun: false, prune: false, context: cluster.context(overridden, cluster: "sk8-eu-west-1"))
            #expect(status == .success)
            #expect(overridden.lines.last == "sk8-eu-west-1: 7 objects, 7 created, 0 configured, 0 unchanged, 0 failed")
        }
    }

    @Test func aMissingFolderExitsSeventyFour() async throws {
        try await withCluster { cluster in
            let captured = Captured()
            let missing = cluster.root.appendingPathComponent("generated/nope").path
            #expect(
                await Runner.apply(folder: missing, dryRun: false, prune: false, context: cluster.context(captured)) == .ioError)
            #expect(captured.err.contains("'\(missing)' is not a folder"))
            #expect(cluster.fake.requests.isEmpty)
        }
    }

    @Test func aFailingAdmissionWebhookFailsItsObjectNotTheRun() async throws {
        try await withCluster { cluster in
            let folder = try cluster.folder(Manifests.tenant())
            let webhook =
                "Internal error occurred: failed calling webhook \"validate.kyverno.svc-fail\": failed to call webhook: "
                + "Post \"https://kyverno-svc.kyverno.svc:443/validate/fail?timeout=10s\": context deadline exceeded"
            cluster.fake.inject(
                .status(500, retryAfter: nil, message: webhook), count: 5, method: "PATCH",
                path: "/api/v1/namespaces/sjns-alpha-dev/configmaps/spark-defaults")
            let captured = Captured()
            #expect(await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(captured)) == .failure)
            #expect(captured.lines.contains("failed     ConfigMap sjns-alpha-dev/spark-defaults: 500 InternalError: \(webhook)"))
            #expect(captured.lines.contains("created    SparkApplication sjns-alpha-dev/sc-default-0"))
            #expect(captured.lines.last == "sk8-us-west-2: 7 objects, 6 created, 0 configured, 0 unchanged, 1 failed")
            #expect(captured.err.isEmpty)
            // It was retried first: the webhook may have been restarting.
            #expect(cluster.sleeps.sleeps.count == 4)
        }
        // Something in front of the API server (no Status body) that keeps failing is still an unreachable cluster.
        try await withCluster { cluster in
            let folder = try cluster.folder(Manifests.tenant())
            cluster.fake.inject(.plain(502, "<html>Bad Gateway</html>"), count: 5, path: "/api/v1")
            let captured = Captured()
            #expect(await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(captured)) == .unavailable)
            #expect(captured.err.hasPrefix("pedregal: error: the cluster is unreachable after 5 attempts"))
        }
    }

    @Test func aMissingPlatformNamespaceNamesTheComponentToInstall() async throws {
        try await withCluster { cluster in
            let operatorConfig =
                Manifests.header + """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: spark-kubernetes-operator-dynamic-configuration
                      namespace: spark-operator
                      labels:
                    \(Manifests.labels(["app.kubernetes.io/name": "spark-kubernetes-operator"]))
                    data:
                      spark.kubernetes.operator.watchedNamespaces: sjns-alpha-dev

                    """
            let route = Manifests.configMap(
                "route.sjns-alpha-dev.default", namespace: "spark-gateway", extraLabels: ["pedregal.io/component": "gateway-route"])
            let folder = try cluster.folder(
                Manifests.tenant().merging([
                    "spark-operator/configmap-spark-kubernetes-operator-dynamic-configuration.yaml": operatorConfig,
                    "spark-gateway/configmap-route.sjns-alpha-dev.default.yaml": route,
                ]) { _, new in new })
            let captured = Captured()
            #expect(await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(captured)) == .failure)
            #expect(
                captured.lines.contains(
                    "failed     ConfigMap spark-operator/spark-kubernetes-operator-dynamic-configuration: namespace spark-operator "
                        + "does not exist: install the Apache Spark Kubernetes operator first (this folder does not create its namespace)"))
            #expect(
                captured.lines.contains(
                    "failed     ConfigMap spark-gateway/route.sjns-alpha-dev.default: namespace spark-gateway does not exist: "
                        + "install the Spark Connect gateway first (this folder does not create its namespace)"))
            #expect(captured.lines.last == "sk8-us-west-2: 9 objects, 7 created, 0 configured, 0 unchanged, 2 failed")
        }
    }

    @Test func jsonOutputIsOneDocument() async throws {
        try await withCluster { cluster in
            let folder = try cluster.folder(Manifests.tenant())
            let captured = Captured()
            #expect(
                await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(captured, format: .json))
                    == .success)
            let document = try captured.json()
            #expect(document["cluster"] == "sk8-us-west-2")
            #expect(document["dryRun"] == .bool(false))
            #expect(document["exitStatus"] == .int(0))
            let objects = try #require(document["objects"]?.listValue)
            #expect(objects.count == 7)
            #expect(objects[0]["kind"] == "Namespace")
            #expect(objects[0]["action"] == "created")
            #expect(objects[1]["namespace"] == "sjns-alpha-dev")
        }
    }
}
