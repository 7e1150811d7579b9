import PedregalKubernetes
import PedregalManifests
import PedregalRunner
import PedregalYAML
import Testing

/// The fake API server keeps the API's conventions, so tests against it mean
/// something: these check the fake itself, request by request.
@Suite struct FakeKubernetesTests {
    let fake = FakeKubernetes(token: "t")

    func send(
        _ method: String, _ path: String, query: [String: String] = [:], contentType: String? = nil, body: String = "",
        token: String? = "t"
    ) -> (status: Int, body: YAMLValue, headers: [(String, String)]) {
        var headers: [String: String] = [:]
        if let token { headers["authorization"] = "Bearer \(token)" }
        if let contentType { headers["content-type"] = contentType }
        guard
            case .response(let status, let replyHeaders, let text) = fake.handle(
                FakeKubernetes.Request(method: method, path: path, query: query, headers: headers, body: Array(body.utf8)))
        else { return (0, .null, []) }
        return (status, (try? JSONReader.parse(text)) ?? .null, replyHeaders)
    }

    func apply(_ path: String, _ yaml: String, manager: String? = "m", force: Bool = false, dryRun: Bool = false) -> (
        status: Int, body: YAMLValue
    ) {
        var query: [String: String] = [:]
        if let manager { query["fieldManager"] = manager }
        if force { query["force"] = "true" }
        if dryRun { query["dryRun"] = "All" }
        let result = send("PATCH", path, query: query, contentType: "application/apply-patch+yaml", body: yaml)
        return (result.status, result.body)
    }

    static let namespaceYAML =
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n  labels: { app.kubernetes.io/managed-by: pedregal }\n"
    static func configMapYAML(
        _ name: String, _ value: String = "1", labels: String = "{ app.kubernetes.io/managed-by: pedregal }"
    ) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\n  namespace: ns\n  labels: \(labels)\ndata:\n  a: \"\(value)\"\n"
    }

    @Test func discoveryDocumentsAndUnknownPaths() {
        #expect(send("GET", "/api").body["versions"] == ["v1"])
        let groups = send("GET", "/apis").body["groups"]?.listValue ?? []
        #expect(groups.contains { $0["name"] == "spark.apache.org" && $0["preferredVersion"]?["version"] == "v1" })
        let core = send("GET", "/api/v1").body
        #expect(core["kind"] == "APIResourceList")
        #expect(core["resources"]?.listValue?.contains { $0["name"] == "namespaces" && $0["namespaced"] == .bool(false) } == true)
        #expect(core["resources"]?.listValue?.contains { $0["name"] == "configmaps/status" } == true)
        let missing = send("GET", "/apis/monitoring.coreos.com/v1")
        #expect(missing.status == 404)
        #expect(missing.body["kind"] == "Status")
        #expect(missing.body["reason"] == "NotFound")
        #expect(missing.body["code"] == .int(404))
    }

    @Test func authenticationAndStatusBodies() {
        let anonymous = send("GET", "/api/v1/namespaces", token: nil)
        #expect(anonymous.status == 401)
        #expect(
            anonymous.body
                == .object([
                    "kind": "Status", "apiVersion": "v1", "metadata": .map(YAMLMap()), "status": "Failure",
                    "message": "Unauthorized",
                    "reason": "Unauthorized", "details": .map(YAMLMap()), "code": 401,
                ]))
        #expect(send("GET", "/api/v1/namespaces", token: "wrong").status == 401)
        fake.forbid(method: "DELETE", pathPrefix: "/api/v1/namespaces/")
        #expect(send("DELETE", "/api/v1/namespaces/x").body["reason"] == "Forbidden")
    }

    @Test func applyNeedsItsContentTypeAFieldManagerAndAMatchingName() {
        let wrongType = send(
            "PATCH", "/api/v1/namespaces/ns", query: ["fieldManager": "m"], contentType: "application/merge-patch+json",
            body: Self.namespaceYAML)
        #expect(wrongType.status == 415)
        #expect(wrongType.body["reason"] == "UnsupportedMediaType")
        let noManager = apply("/api/v1/namespaces/ns", Self.namespaceYAML, manager: nil)
        #expect(noManager.status == 400)
        #expect(noManager.body["message"]?.string?.contains("fieldManager is required") == true)
        #expect(apply("/api/v1/namespaces/other", Self.namespaceYAML).status == 400)
        #expect(
            apply("/api/v1/namespaces/ns/configmaps/c", Self.configMapYAML("c")).body["message"] == "namespaces \"ns\" not found")
        #expect(apply("/apis/rbac.authorization.k8s.io/v1/namespaces/ns/roles/c", Self.configMapYAML("c")).status == 400)
    }

    @Test func applyCreatesThenMergesAndVersionsOnlyRealChanges() {
        let created = apply("/api/v1/namespaces/ns", Self.namespaceYAML)
        #expect(created.status == 201)
        #expect(created.body["status"]?["phase"] == "Active")
        #expect(created.body["metadata"]?["uid"]?.string?.isEmpty == false)
        #expect(apply("/api/v1/namespaces/ns/configmaps/c", Self.configMapYAML("c")).status == 201)
        let version = fake.object("v1", "ConfigMap", namespace: "ns", name: "c")?["metadata"]?["resourceVersion"]
        let same = apply("/api/v1/namespaces/ns/configmaps/c", Self.configMapYAML("c"))
        #expect(same.status == 200)
        #expect(same.body["metadata"]?["resourceVersion"] == version)
        let changed = apply("/api/v1/namespaces/ns/configmaps/c", Self.configMapYAML("c", "2"))
        #expect(changed.body["data"]?["a"] == "2")
        #expect(changed.body["metadata"]?["resourceVersion"] != version)
        // A field the manager stops applying goes away.
        let fewer = apply(
            "/api/v1/namespaces/ns/configmaps/c", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: ns }\n")
        #expect(fewer.body["data"]?["a"] == nil)
        #expect(fewer.body["metadata"]?["labels"] == nil)
    }

    @Test func quantitiesAreStoredCanonicalAndDefaultsFilledInAsTheAPIServerDoes() {
        _ = apply("/api/v1/namespaces/ns", Self.namespaceYAML)
        let namespace = fake.object("v1", "Namespace", namespace: nil, name: "ns")
        #expect(namespace?["metadata"]?["labels"]?["kubernetes.io/metadata.name"] == "ns")
        #expect(namespace?["spec"]?["finalizers"] == ["kubernetes"])
        let quota = apply(
            "/api/v1/namespaces/ns/resourcequotas/q",
            "apiVersion: v1\nkind: ResourceQuota\nmetadata: { name: q, namespace: ns }\n"
                + "spec: { hard: { pods: \"2000\", requests.cpu: \"1000\", requests.memory: 2048Mi, limits.cpu: 0.5 } }\n")
        #expect(quota.body["spec"]?["hard"] == ["pods": "2k", "requests.cpu": "1k", "requests.memory": "2Gi", "limits.cpu": "500m"])
        let version = quota.body["metadata"]?["resourceVersion"]
        // The same request again stores the same object: the version stays.
        let again = apply(
            "/api/v1/namespaces/ns/resourcequotas/q",
            "apiVersion: v1\nkind: ResourceQuota\nmetadata: { name: q, namespace: ns }\n"
                + "spec: { hard: { pods: \"2000\", requests.cpu: \"1000\", requests.memory: 2048Mi, limits.cpu: 0.5 } }\n")
        #expect(again.body["metadata"]?["resourceVersion"] == version)

        let service = apply(
            "/api/v1/namespaces/ns/services/s",
            "apiVersion: v1\nkind: Service\nmetadata: { name: s, namespace: ns }\nspec: { ports: [{ name: grpc, port: 15002 }] }\n")
        let spec = service.body["spec"]
        #expect(spec?["type"] == "ClusterIP")
        #expect(spec?["sessionAffinity"] == "None")
        #expect(spec?["ports"] == [["name": "grpc", "port": 15002, "protocol": "TCP", "targetPort": 15002]])
        #expect(spec?["internalTrafficPolicy"] == "Cluster")
        #expect(spec?["ipFamilyPolicy"] == "SingleStack")
        #expect(spec?["ipFamilies"] == ["IPv4"])
        #expect(spec?["clusterIP"]?.string?.hasPrefix("10.96.") == true)
        #expect(spec?["clusterIPs"] == .list([spec!["clusterIP"]!]))

        let policy = apply(
            "/apis/networking.k8s.io/v1/namespaces/ns/networkpolicies/p",
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: p, namespace: ns }\n"
                + "spec: { podSelector: {}, egress: [{ ports: [{ port: 443 }] }] }\n")
        #expect(policy.body["spec"]?["policyTypes"] == ["Ingress", "Egress"])
        #expect(policy.body["spec"]?["egress"] == [["ports": [["port": 443, "protocol": "TCP"]]]])
        #expect(policy.body["metadata"]?["generation"] == 1)

        let binding = apply(
            "/apis/rbac.authorization.k8s.io/v1/namespaces/ns/rolebindings/b",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: { name: b, namespace: ns }\n"
                + "roleRef: { kind: Role, name: r }\nsubjects: [{ kind: Group, name: g }, { kind: ServiceAccount, name: sa }]\n")
        #expect(binding.body["roleRef"]?["apiGroup"] == "rbac.authorization.k8s.io")
        #expect(
            binding.body["subjects"] == [
                ["kind": "Group", "name": "g", "apiGroup": "rbac.authorization.k8s.io"], ["kind": "ServiceAccount", "name": "sa"],
            ])

        let limits = apply(
            "/api/v1/namespaces/ns/limitranges/l",
            "apiVersion: v1\nkind: LimitRange\nmetadata: { name: l, namespace: ns }\n"
                + "spec: { limits: [{ type: Container, max: { cpu: \"4\" }, default: { memory: 1Gi }, min: { memory: 64Mi } }] }\n")
        let item = limits.body["spec"]?["limits"]?.listValue?.first
        #expect(item?["default"] == ["memory": "1Gi", "cpu": "4"])
        #expect(item?["defaultRequest"] == ["memory": "1Gi", "cpu": "4"])

        let cronJob = apply(
            "/apis/batch/v1/namespaces/ns/cronjobs/c",
            """
            apiVersion: batch/v1
            kind: CronJob
            metadata: { name: c, namespace: ns }
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers:
                      - name: a
                        image: registry.example/a:1.0
                        env: [{ name: J, valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }]
                        resources: { requests: { cpu: "0.05" } }
                      - { name: b, image: registry.example/b }
                      volumes: [{ name: t, configMap: { name: t } }]
            """)
        #expect(cronJob.body["spec"]?["concurrencyPolicy"] == "Allow")
        #expect(cronJob.body["spec"]?["suspend"] == .bool(false))
        #expect(cronJob.body["spec"]?["successfulJobsHistoryLimit"] == 3)
        #expect(cronJob.body["spec"]?["failedJobsHistoryLimit"] == 1)
        #expect(cronJob.body["spec"]?["jobTemplate"]?["spec"]?["backoffLimit"] == nil)
        let pod = cronJob.body["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"]
        #expect(pod?["restartPolicy"] == "OnFailure")
        #expect(pod?["dnsPolicy"] == "ClusterFirst")
        #expect(pod?["schedulerName"] == "default-scheduler")
        #expect(pod?["terminationGracePeriodSeconds"] == 30)
        #expect(pod?["securityContext"] == .map(YAMLMap()))
        #expect(pod?["volumes"] == [["name": "t", "configMap": ["name": "t", "defaultMode": 420]]])
        let containers = pod?["containers"]?.listValue ?? []
        #expect(containers.first?["imagePullPolicy"] == "IfNotPresent")
        #expect(containers.last?["imagePullPolicy"] == "Always")
        #expect(containers.first?["terminationMessagePath"] == "/dev/termination-log")
        #expect(containers.first?["terminationMessagePolicy"] == "File")
        #expect(containers.first?["env"]?.listValue?.first?["valueFrom"]?["fieldRef"]?["apiVersion"] == "v1")
        #expect(containers.first?["resources"]?["requests"]?["cpu"] == "50m")
        #expect(FakeDefaults.isLatest("registry.example/b:latest"))
        #expect(!FakeDefaults.isLatest("registry.example:5000/b@sha256:abc"))
        #expect(FakeDefaults.isLatest("registry.example:5000/b"))
    }

    @Test func aDryRunAnswersWithWhatWouldBeStoredUnderTheOldVersion() {
        _ = apply("/api/v1/namespaces/ns", Self.namespaceYAML)
        _ = apply("/api/v1/namespaces/ns/configmaps/c", Self.configMapYAML("c", "1"))
        let version = fake.object("v1", "ConfigMap", namespace: "ns", name: "c")?["metadata"]?["resourceVersion"]
        let dry = apply("/api/v1/namespaces/ns/configmaps/c", Self.configMapYAML("c", "2"), dryRun: true)
        #expect(dry.body["data"]?["a"] == "2")
        #expect(dry.body["metadata"]?["resourceVersion"] == version)
    }

    @Test func conflictsBetweenManagersAndDryRuns() {
        _ = apply("/api/v1/namespaces/ns", Self.namespaceYAML)
        _ = apply("/api/v1/namespaces/ns/configmaps/c", Self.configMapYAML("c", "1"), manager: "helm")
        let conflict = apply("/api/v1/namespaces/ns/configmaps/c", Self.configMapYAML("c", "2"), manager: "pedregal")
        #expect(conflict.status == 409)
        #expect(conflict.body["reason"] == "Conflict")
        #expect(conflict.body["message"] == "Apply failed with 1 conflict: conflict with \"helm\": .data.a")
        // The same value is shared ownership, not a conflict.
        #expect(apply("/api/v1/namespaces/ns/configmaps/c", Self.configMapYAML("c", "1"), manager: "pedregal").status == 200)
        let dry = apply(
            "/api/v1/namespaces/ns/configmaps/c", Self.configMapYAML("c", "3"), manager: "pedregal", force: true, dryRun: true)
        #expect(dry.body["data"]?["a"] == "3")
        #expect(fake.object("v1", "ConfigMap", namespace: "ns", name: "c")?["data"]?["a"] == "1")
        #expect(
            apply("/api/v1/namespaces/ns/configmaps/c", Self.configMapYAML("c", "3"), manager: "pedregal", force: true).status
                == 200)
        #expect(fake.object("v1", "ConfigMap", namespace: "ns", name: "c")?["data"]?["a"] == "3")
    }

    @Test func createListWithSelectorsAndDelete() {
        _ = apply("/api/v1/namespaces/ns", Self.namespaceYAML)
        let post = { (yaml: String, dryRun: Bool) in
            self.send(
                "POST", "/api/v1/namespaces/ns/configmaps", query: dryRun ? ["dryRun": "All"] : [:],
                contentType: "application/json",
                body: JSONWriter.string(YAMLParser().parse(Array(yaml.utf8), file: "x").documents[0].value))
        }
        #expect(post(Self.configMapYAML("a"), false).status == 201)
        #expect(
            post(Self.configMapYAML("b", labels: "{ app.kubernetes.io/managed-by: pedregal, pedregal.io/run-token: x }"), false)
                .status == 201)
        #expect(post(Self.configMapYAML("c", labels: "{ team: beta }"), false).status == 201)
        #expect(post(Self.configMapYAML("d"), true).status == 201)
        #expect(fake.object("v1", "ConfigMap", namespace: "ns", name: "d") == nil)
        let exists = post(Self.configMapYAML("a"), false)
        #expect(exists.status == 409)
        #expect(exists.body["reason"] == "AlreadyExists")
        #expect(exists.body["message"] == "configmaps \"a\" already exists")
        #expect(exists.body["details"]?["name"] == "a")

        func names(_ selector: String) -> [String] {
            (send("GET", "/api/v1/configmaps", query: ["labelSelector": selector]).body["items"]?.listValue ?? [])
                .compactMap { $0["metadata"]?["name"]?.string }
        }
        #expect(names("app.kubernetes.io/managed-by=pedregal") == ["a", "b"])
        #expect(names("app.kubernetes.io/managed-by==pedregal,!pedregal.io/run-token") == ["a"])
        #expect(names("pedregal.io/run-token") == ["b"])
        #expect(names("team!=beta") == ["a", "b"])
        #expect(send("GET", "/api/v1/configmaps", query: ["labelSelector": "a,,b"]).status == 400)
        let list = send("GET", "/api/v1/namespaces/ns/configmaps").body
        #expect(list["kind"] == "ConfigMapList")
        #expect(list["items"]?.listValue?.first?["kind"] == nil)

        let deleted = send("DELETE", "/api/v1/namespaces/ns/configmaps/a")
        #expect(deleted.status == 200)
        #expect(deleted.body["status"] == "Success")
        let again = send("DELETE", "/api/v1/namespaces/ns/configmaps/a")
        #expect(again.status == 404)
        #expect(again.body["message"] == "configmaps \"a\" not found")
        #expect(send("DELETE", "/api/v1/namespaces/ns", query: ["dryRun": "All"]).status == 200)
        #expect(fake.object("v1", "Namespace", namespace: nil, name: "ns") != nil)
    }

    @Test func injectedFailuresComeFirstAndRunOut() {
        fake.inject(.status(429, retryAfter: 3), count: 1, method: "GET", path: "/api/v1")
        let limited = send("GET", "/api/v1")
        #expect(limited.status == 429)
        #expect(limited.headers.contains { $0.0 == "Retry-After" && $0.1 == "3" })
        #expect(send("GET", "/api/v1").status == 200)
        fake.inject(.drop, path: "/api")
        guard case .drop = fake.handle(FakeKubernetes.Request(method: "GET", path: "/api", query: [:], headers: [:], body: []))
        else {
            Issue.record("expected the connection to be dropped")
            return
        }
        #expect(fake.requests.count == 3)
    }
}
