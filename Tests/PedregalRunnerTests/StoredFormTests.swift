import Foundation
import PedregalManifests
import PedregalRunner
import PedregalTestSupport
import Testing

/// What the API server does to manifests (canonical quantities, defaults):
/// once applied, a folder is in sync, and applying it again changes nothing.
@Suite struct StoredFormTests {
    /// A quota, limits, a Service and a CronJob written as people write them,
    /// not as the server stores them (as generated/ was before #8).
    static func handWritten(_ namespace: String = "sjns-alpha-dev") -> [String: String] {
        let metadata = { (kind: String, name: String) in
            Manifests.header + """
                apiVersion: \(kind == "CronJob" ? "batch/v1" : "v1")
                kind: \(kind)
                metadata:
                  name: \(name)
                  namespace: \(namespace)
                  labels:
                \(Manifests.labels())

                """
        }
        return [
            "\(namespace)/namespace-\(namespace).yaml": Manifests.namespace(namespace),
            "\(namespace)/resourcequota-quota.yaml": metadata("ResourceQuota", "quota") + """
                spec:
                  hard:
                    pods: "2000"
                    requests.cpu: "1000"
                    requests.memory: 2048Mi
                    limits.cpu: 64000m
                    services.nodeports: 0

                """,
            "\(namespace)/limitrange-limits.yaml": metadata("LimitRange", "limits") + """
                spec:
                  limits:
                  - type: Container
                    default:
                      memory: 1024Mi
                    defaultRequest:
                      cpu: "0.1"

                """,
            "\(namespace)/service-sc-default.yaml": metadata("Service", "sc-default") + """
                spec:
                  selector:
                    spark-role: driver
                  ports:
                  - name: grpc
                    port: 15002

                """,
            "\(namespace)/cronjob-daily.yaml": metadata("CronJob", "daily") + """
                spec:
                  schedule: "0 3 * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          restartPolicy: OnFailure
                          containers:
                          - name: submit
                            image: registry.example/pedregal:0.1.0
                            args: [submit, --scheduled-job, $(PEDREGAL_JOB_NAME)]
                            env:
                            - name: PEDREGAL_JOB_NAME
                              valueFrom:
                                fieldRef:
                                  fieldPath: "metadata.labels['batch.kubernetes.io/job-name']"
                            resources:
                              requests:
                                cpu: "0.05"
                                memory: 64Mi
                              limits:
                                memory: 0.125Gi

                """,
        ]
    }

    @Test func aFolderWrittenInAnotherSpellingIsInSyncOnceAppliedAndThenUnchanged() async throws {
        try await withCluster { cluster in
            let folder = try cluster.folder(Self.handWritten())
            let first = Captured()
            #expect(await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(first)) == .success)
            #expect(first.lines.last == "sk8-us-west-2: 5 objects, 5 created, 0 configured, 0 unchanged, 0 failed")

            // The server stored its own spelling, and its defaults.
            let quota = try #require(cluster.fake.object("v1", "ResourceQuota", namespace: "sjns-alpha-dev", name: "quota"))
            #expect(
                quota["spec"]?["hard"]
                    == [
                        "pods": "2k", "requests.cpu": "1k", "requests.memory": "2Gi", "limits.cpu": "64",
                        "services.nodeports": "0",
                    ])
            let limits = try #require(cluster.fake.object("v1", "LimitRange", namespace: "sjns-alpha-dev", name: "limits"))
            #expect(limits["spec"]?["limits"]?.listValue?.first?["defaultRequest"] == ["cpu": "100m", "memory": "1Gi"])

            let status = Captured()
            #expect(
                await Runner.status(folder: folder, wait: false, timeout: .seconds(1), context: cluster.context(status))
                    == .success, "\(status.out)")
            #expect(status.lines.last == "sk8-us-west-2: 5 objects, 5 ok, 0 missing, 0 drifted, 0 unhealthy")

            let again = Captured()
            #expect(await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(again)) == .success)
            #expect(again.lines.last == "sk8-us-west-2: 5 objects, 0 created, 0 configured, 5 unchanged, 0 failed")
            let dry = Captured()
            #expect(await Runner.apply(folder: folder, dryRun: true, prune: false, context: cluster.context(dry)) == .success)
            #expect(
                dry.lines.last == "sk8-us-west-2 (dry run, nothing changed): 5 objects, 0 created, 0 configured, 5 unchanged, 0 failed")
        }
    }

    @Test func createdConfiguredAndUnchangedComeFromTheServersResourceVersion() async throws {
        try await withCluster { cluster in
            var files = Manifests.tenant()
            files["sjns-alpha-dev/configmap-spark-defaults.yaml"] = Manifests.configMap(
                "spark-defaults", namespace: "sjns-alpha-dev", data: ["a": "1", "b": "2"])
            let folder = try cluster.folder(files)
            #expect(await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(Captured())) == .success)

            // The folder stops setting data.b: the server removes it, though
            // what is left is a subset of the live object.
            try cluster.folder([
                "sjns-alpha-dev/configmap-spark-defaults.yaml": Manifests.configMap("spark-defaults", namespace: "sjns-alpha-dev")
            ])
            // A controller writing status between the runner's read and its
            // apply is no change of the folder's.
            let server = "/apis/spark.apache.org/v1/namespaces/sjns-alpha-dev/sparkapplications/sc-default-0"
            cluster.fake.interleave(before: "PATCH", path: server) { fake in
                fake.setStatusLocked(
                    "spark.apache.org/v1", "SparkApplication", namespace: "sjns-alpha-dev", name: "sc-default-0",
                    ["currentState": ["currentStateSummary": "RunningHealthy"]])
            }
            let captured = Captured()
            #expect(await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(captured)) == .success)
            #expect(captured.lines.contains("configured ConfigMap sjns-alpha-dev/spark-defaults"))
            #expect(captured.lines.contains("unchanged  SparkApplication sjns-alpha-dev/sc-default-0"))
            #expect(captured.lines.last == "sk8-us-west-2: 7 objects, 0 created, 1 configured, 6 unchanged, 0 failed")
            #expect(cluster.fake.object("v1", "ConfigMap", namespace: "sjns-alpha-dev", name: "spark-defaults")?["data"] == ["a": "1"])
        }
    }

    /// Every cluster folder of the repository's generated/: applied to a
    /// cluster that stores objects as a real one does, it is in sync, healthy
    /// once its servers run, and a second apply changes nothing.
    @Test(arguments: ["sk8-us-west-2", "sk8-eu-west-1", "emr-ap-southeast-2", "argocd"])
    func theRepositorysGeneratedFolderIsInSyncAfterApplyAndThenUnchanged(_ name: String) async throws {
        let path = Paths.packageRoot.appendingPathComponent("generated/\(name)").path
        guard FileManager.default.fileExists(atPath: path) else { return }
        let folder = try ManifestFolder.load(path)
        try await withCluster { cluster in
            cluster.fake.seedPlatformNamespaces(of: folder)
            let context = { (captured: Captured) in cluster.context(captured, cluster: folder.cluster) }
            let first = Captured()
            #expect(await Runner.apply(folder: path, dryRun: false, prune: true, context: context(first)) == .success, "\(first.out)")
            let total = folder.manifests.count
            #expect(
                first.lines.last == "\(folder.cluster): \(total) objects, \(total) created, 0 configured, 0 unchanged, 0 failed; 0 pruned")

            cluster.fake.runEverySparkApplication()
            let status = Captured()
            #expect(
                await Runner.status(folder: path, wait: false, timeout: .seconds(1), context: context(status)) == .success,
                "\(status.out)")
            #expect(status.lines.last == "\(folder.cluster): \(total) objects, \(total) ok, 0 missing, 0 drifted, 0 unhealthy")

            let again = Captured()
            #expect(await Runner.apply(folder: path, dryRun: false, prune: true, context: context(again)) == .success)
            #expect(
                again.lines.last == "\(folder.cluster): \(total) objects, 0 created, 0 configured, \(total) unchanged, 0 failed; 0 pruned")
        }
    }

    @Test func aCopyOfAClusterFolderUnderAnotherNameIsForTheClusterItsLabelsName() async throws {
        let generated = Paths.packageRoot.appendingPathComponent("generated/sk8-us-west-2")
        try await withCluster { cluster in
            let copy = cluster.root.appendingPathComponent("whatever")
            try FileManager.default.copyItem(at: generated, to: copy)
            let folder = try ManifestFolder.load(copy.path)
            #expect(folder.cluster == "sk8-us-west-2")
            cluster.fake.seedPlatformNamespaces(of: folder)
            let captured = Captured()
            #expect(await Runner.apply(folder: copy.path, dryRun: true, prune: false, context: cluster.context(captured)) == .success)
            #expect(captured.lines.last?.hasPrefix("sk8-us-west-2 (dry run, nothing changed): ") == true)

            // Named after another cluster, it is still for the one its labels name.
            let misnamed = cluster.root.appendingPathComponent("sk8-eu-west-1")
            try FileManager.default.moveItem(at: copy, to: misnamed)
            #expect(try ManifestFolder.load(misnamed.path).cluster == "sk8-us-west-2")
        }
    }
}

extension FakeKubernetes {
    /// Creates the namespaces the folder's objects go into but the folder
    /// does not create (the operator's, the gateway's, Argo CD's), as their
    /// own installs would.
    func seedPlatformNamespaces(of folder: ManifestFolder) {
        let needed = Set(folder.manifests.compactMap(\.id.namespace)).subtracting(folder.namespaces)
        for namespace in needed.sorted() { seed("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: \(namespace)\n") }
    }

    /// Marks every SparkApplication running, as the operators would.
    func runEverySparkApplication() {
        for object in objects(group: JobState.apacheGroup, kind: "SparkApplication") {
            let metadata = object["metadata"]
            setStatus(
                "spark.apache.org/v1", "SparkApplication", namespace: metadata?["namespace"]?.string, name: metadata?["name"]?.string ?? "",
                ["currentState": ["currentStateSummary": "RunningHealthy"]])
        }
        for object in objects(group: JobState.kubeflowGroup, kind: "SparkApplication") {
            let metadata = object["metadata"]
            setStatus(
                "sparkoperator.k8s.io/v1beta2", "SparkApplication", namespace: metadata?["namespace"]?.string,
                name: metadata?["name"]?.string ?? "", ["applicationState": ["state": "RUNNING"]])
        }
    }
}
