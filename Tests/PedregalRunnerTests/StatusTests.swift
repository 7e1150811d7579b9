import PedregalManifests
import PedregalRunner
import PedregalYAML
import Testing

/// `pedregal status`: presence, drift, health, waiting and timeouts.
@Suite struct StatusTests {
    @Test func driftComparesOnlyTheManifestsFieldsItemByItem() {
        let desired: YAMLValue = [
            "apiVersion": "v1", "kind": "Service",
            "metadata": ["name": "sc", "namespace": "ns", "labels": ["a": "1"], "resourceVersion": "1"],
            "spec": [
                "ports": [["port": 15002, "name": "grpc"]], "selector": [:], "sparkConf": ["spark.driver.cores": "4"],
                "tags": [],
            ],
        ]
        let live: YAMLValue = [
            "apiVersion": "v1", "kind": "Service",
            "metadata": [
                "name": "sc", "namespace": "ns", "labels": ["a": "1", "extra": "x"], "resourceVersion": "99", "uid": "u",
            ],
            "spec": [
                "ports": [["port": 15002, "name": "grpc", "protocol": "TCP"]], "clusterIP": "10.0.0.1",
                "sparkConf": ["spark.driver.cores": "4"],
            ],
            "status": ["loadBalancer": [:]],
        ]
        #expect(Drift.differences(desired: desired, live: live).isEmpty)

        var changed = live
        changed = .map(
            {
                var map = changed.mapValue!
                map["spec"] = [
                    "ports": [["port": 15003, "name": "grpc"], ["port": 1]], "sparkConf": ["spark.driver.cores": "8"],
                ]
                map["metadata"] = ["name": "sc", "namespace": "ns", "labels": ["a": "2"]]
                return map
            }())
        #expect(
            Drift.differences(desired: desired, live: changed).map(\.description) == [
                "metadata.labels.a: want \"1\", have \"2\"",
                "spec.ports: want [{\"port\":15002,\"name\":\"grpc\"}], have [{\"port\":15003,\"name\":\"grpc\"},{\"port\":1}]",
                "spec.sparkConf[\"spark.driver.cores\"]: want \"4\", have \"8\"",
            ])
        let sameLength: YAMLValue = ["spec": ["ports": [["port": 15003, "name": "grpc"]]]]
        #expect(
            Drift.differences(desired: ["spec": ["ports": [["port": 15002]]]], live: sameLength).map(\.description)
                == ["spec.ports[0].port: want 15002, have 15003"])
        // A whole missing mapping is one difference, not one per field.
        #expect(
            Drift.differences(desired: ["data": ["k": "v"]], live: [:]).map(\.description) == [
                "data: want {\"k\":\"v\"}, have nothing"
            ])
    }

    @Test func healthByKind() {
        #expect(Health.evaluate(["status": ["phase": "Active"]], group: "", kind: "Namespace").healthy)
        #expect(
            Health.evaluate(["status": ["phase": "Terminating"]], group: "", kind: "Namespace")
                == .init(healthy: false, detail: "Terminating"))
        let running: YAMLValue = ["status": ["currentState": ["currentStateSummary": "RunningHealthy"]]]
        #expect(
            Health.evaluate(running, group: "spark.apache.org", kind: "SparkApplication")
                == .init(healthy: true, detail: "RunningHealthy"))
        let starting: YAMLValue = [
            "status": ["currentState": ["currentStateSummary": "DriverRequested", "message": "waiting for a node"]]
        ]
        #expect(
            Health.evaluate(starting, group: "spark.apache.org", kind: "SparkApplication")
                == .init(healthy: false, detail: "DriverRequested: waiting for a node"))
        #expect(
            Health.evaluate([:], group: "spark.apache.org", kind: "SparkApplication")
                == .init(healthy: false, detail: "no state yet"))
        #expect(
            Health.evaluate(
                ["status": ["applicationState": ["state": "RUNNING"]]], group: "sparkoperator.k8s.io", kind: "SparkApplication"
            ).healthy)
        #expect(
            !Health.evaluate(
                ["status": ["applicationState": ["state": "FAILED", "errorMessage": "oom"]]], group: "sparkoperator.k8s.io",
                kind: "SparkApplication"
            ).healthy)
        #expect(
            !Health.evaluate(
                ["status": ["scheduleState": "FailedValidation"]], group: "sparkoperator.k8s.io",
                kind: "ScheduledSparkApplication"
            ).healthy)
        #expect(
            Health.evaluate(
                ["status": ["scheduleState": "Scheduled"]], group: "sparkoperator.k8s.io", kind: "ScheduledSparkApplication"
            ).healthy)
        #expect(Health.evaluate([:], group: "", kind: "ConfigMap") == .init(healthy: true, detail: nil))
    }

    @Test func reportsMissingDriftedUnhealthyAndOk() async throws {
        try await withCluster { cluster in
            let folder = try cluster.folder(Manifests.tenant())
            #expect(
                await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(Captured())) == .success)
            cluster.fake.remove("v1", "ServiceAccount", namespace: "sjns-alpha-dev", name: "spark-driver")
            cluster.fake.edit(
                "v1", "Service", namespace: "sjns-alpha-dev", name: "sc-default", path: ["spec", "ports"],
                to: [["name": "grpc", "port": 15003, "targetPort": 15002]], manager: "kubectl-edit")
            cluster.fake.setStatus(
                "spark.apache.org/v1", "SparkApplication", namespace: "sjns-alpha-dev", name: "sc-default-0",
                ["currentState": ["currentStateSummary": "DriverStarted"]])
            let captured = Captured()
            #expect(
                await Runner.status(folder: folder, wait: false, timeout: .seconds(1), context: cluster.context(captured))
                    == .failure)
            #expect(
                captured.lines == [
                    "ok         Namespace sjns-alpha-dev (Active)",
                    "missing    ServiceAccount sjns-alpha-dev/spark-driver",
                    "ok         Role sjns-alpha-dev/pedregal-member",
                    "ok         ConfigMap sjns-alpha-dev/spark-defaults",
                    "drifted    Service sjns-alpha-dev/sc-default (spec.ports[0].port: want 15002, have 15003)",
                    "ok         DNSEndpoint sjns-alpha-dev/sc-default",
                    "unhealthy  SparkApplication sjns-alpha-dev/sc-default-0 (DriverStarted)",
                    "sk8-us-west-2: 7 objects, 4 ok, 1 missing, 1 drifted, 1 unhealthy",
                ])
            // Only reads: status never writes.
            #expect(cluster.fake.requests.filter { $0.method != "GET" }.count == 7)
        }
    }

    @Test func allFineExitsZeroAndJSONHasEveryObject() async throws {
        try await withCluster { cluster in
            let folder = try cluster.folder(Manifests.tenant())
            #expect(
                await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(Captured())) == .success)
            cluster.fake.setStatus(
                "spark.apache.org/v1", "SparkApplication", namespace: "sjns-alpha-dev", name: "sc-default-0",
                ["currentState": ["currentStateSummary": "RunningHealthy"]])
            let captured = Captured()
            #expect(
                await Runner.status(
                    folder: folder, wait: false, timeout: .seconds(1), context: cluster.context(captured, format: .json))
                    == .success)
            let document = try captured.json()
            let objects = try #require(document["objects"]?.listValue)
            #expect(objects.count == 7)
            #expect(
                objects.allSatisfy {
                    $0["state"] == "ok" && $0["present"] == .bool(true) && $0["inSync"] == .bool(true)
                        && $0["healthy"] == .bool(true)
                })
            #expect(document["summary"] == "sk8-us-west-2: 7 objects, 7 ok, 0 missing, 0 drifted, 0 unhealthy")
        }
    }

    @Test func waitSucceedsOnceTheOperatorReportsRunning() async throws {
        try await withCluster { cluster in
            let folder = try cluster.folder(Manifests.tenant())
            #expect(
                await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(Captured())) == .success)
            let fake = cluster.fake
            let path = "/apis/spark.apache.org/v1/namespaces/sjns-alpha-dev/sparkapplications/sc-default-0"
            let seen = fake.reads(path)
            // Running only once the status check has seen it not running.
            let flip = Task {
                try await fake.waitForReads(path, count: seen + 1)
                fake.setStatus(
                    "spark.apache.org/v1", "SparkApplication", namespace: "sjns-alpha-dev", name: "sc-default-0",
                    ["currentState": ["currentStateSummary": "RunningHealthy"]])
            }
            let captured = Captured()
            let status = await Runner.status(
                folder: folder, wait: true, timeout: .seconds(10), context: cluster.context(captured))
            try await flip.value
            #expect(status == .success)
            #expect(captured.lines.first == "waiting for 1 of 7 objects: SparkApplication sjns-alpha-dev/sc-default-0 unhealthy")
            #expect(captured.lines.contains("ok         SparkApplication sjns-alpha-dev/sc-default-0 (RunningHealthy)"))
            #expect(captured.lines.last == "sk8-us-west-2: 7 objects, 7 ok, 0 missing, 0 drifted, 0 unhealthy")
        }
    }

    @Test func waitGivesUpAtTheTimeout() async throws {
        try await withCluster { cluster in
            let folder = try cluster.folder(Manifests.tenant())
            let captured = Captured()
            #expect(
                await Runner.status(folder: folder, wait: true, timeout: .milliseconds(300), context: cluster.context(captured))
                    == .failure)
            // How many rounds fit in the time depends on the machine's load; the
            // waiting line, when there was one, names what is missing.
            if let waiting = captured.lines.first(where: { $0.hasPrefix("waiting") }) {
                #expect(
                    waiting
                        == "waiting for 7 of 7 objects: Namespace sjns-alpha-dev missing, ServiceAccount sjns-alpha-dev/spark-driver missing, Role sjns-alpha-dev/pedregal-member missing, …"
                )
            }
            #expect(cluster.fake.reads("/api/v1/namespaces/sjns-alpha-dev") >= 1)
            #expect(captured.lines.last == "sk8-us-west-2: 7 objects, 0 ok, 7 missing, 0 drifted, 0 unhealthy; timed out waiting")
        }
    }

    @Test func kindsTheClusterDoesNotServeAreMissingAndForbiddenReadsRefused() async throws {
        try await withCluster(withoutGroups: ["externaldns.k8s.io"]) { cluster in
            let folder = try cluster.folder(Manifests.tenant())
            #expect(
                await Runner.apply(folder: folder, dryRun: false, prune: false, context: cluster.context(Captured())) == .failure)
            cluster.fake.forbid(method: "GET", pathPrefix: "/apis/rbac.authorization.k8s.io/v1/namespaces/sjns-alpha-dev/roles")
            let captured = Captured()
            #expect(
                await Runner.status(folder: folder, wait: false, timeout: .seconds(1), context: cluster.context(captured))
                    == .refused)
            #expect(
                captured.lines.contains(
                    "missing    DNSEndpoint sjns-alpha-dev/sc-default (the cluster does not serve DNSEndpoint in externaldns.k8s.io/v1alpha1)"
                ))
            #expect(captured.lines.contains { $0.hasPrefix("failed     Role sjns-alpha-dev/pedregal-member (403 Forbidden:") })
            #expect(captured.lines.last == "sk8-us-west-2: 7 objects, 4 ok, 1 missing, 0 drifted, 1 unhealthy, 1 not checked")
        }
    }
}
