import PedregalManifests
import PedregalYAML

/// What a real API server does to an object of a built-in kind before it
/// stores it, for the kinds pedregal emits: every Quantity in canonical form
/// (`StoredForm`) and the defaults of kubernetes' pkg/apis/*/v1/defaults.go
/// (core, apps, batch, networking, rbac). Custom resources are stored as sent.
///
/// Defaulting runs on every write, as the server decodes every write anew;
/// it is idempotent, so an apply that changes nothing stores the same object
/// and keeps its resourceVersion.
enum FakeDefaults {
    static func apply(_ object: YAMLValue, _ resource: FakeResource) -> YAMLValue {
        guard resource.builtIn, case .map(var map) = StoredForm.canonicalizingQuantities(object) else { return object }
        switch (resource.group, resource.kind) {
        case ("", "Namespace"):
            let name = map["metadata"]?["name"]
            edit(&map, ["metadata", "labels"], creating: true) { $0["kubernetes.io/metadata.name"] = name }
            edit(&map, ["spec"], creating: true) { $0["finalizers"] = $0["finalizers"] ?? ["kubernetes"] }
        case ("", "Service"):
            edit(&map, ["spec"]) { service(&$0) }
        case ("", "Secret"):
            map["type"] = map["type"] ?? "Opaque"
        case ("", "LimitRange"):
            edit(&map, ["spec"]) { spec in spec["limits"] = spec["limits"]?.listValue.map { .list($0.map(limitRangeItem)) } }
        case ("", "PersistentVolumeClaim"):
            edit(&map, ["spec"]) { $0["volumeMode"] = $0["volumeMode"] ?? "Filesystem" }
        case ("", "Pod"):
            edit(&map, ["spec"]) { spec in
                podSpec(&spec)
                spec["enableServiceLinks"] = spec["enableServiceLinks"] ?? true
            }
        case ("batch", "CronJob"):
            edit(&map, ["spec"]) { spec in
                spec["concurrencyPolicy"] = spec["concurrencyPolicy"] ?? "Allow"
                spec["suspend"] = spec["suspend"] ?? false
                spec["successfulJobsHistoryLimit"] = spec["successfulJobsHistoryLimit"] ?? 3
                spec["failedJobsHistoryLimit"] = spec["failedJobsHistoryLimit"] ?? 1
            }
            // Only the pod template inside the job template is defaulted: the
            // Job defaults (backoffLimit, completions) belong to Job objects.
            edit(&map, ["spec", "jobTemplate", "spec", "template", "spec"]) { podSpec(&$0) }
        case ("apps", "Deployment"):
            // pkg/apis/apps/v1/defaults.go SetDefaults_Deployment.
            edit(&map, ["spec"]) { spec in
                spec["replicas"] = spec["replicas"] ?? 1
                spec["revisionHistoryLimit"] = spec["revisionHistoryLimit"] ?? 10
                spec["progressDeadlineSeconds"] = spec["progressDeadlineSeconds"] ?? 600
                var strategy = spec["strategy"]?.mapValue ?? [:]
                strategy["type"] = strategy["type"] ?? "RollingUpdate"
                if strategy["type"]?.string == "RollingUpdate" {
                    var rolling = strategy["rollingUpdate"]?.mapValue ?? [:]
                    rolling["maxUnavailable"] = rolling["maxUnavailable"] ?? "25%"
                    rolling["maxSurge"] = rolling["maxSurge"] ?? "25%"
                    strategy["rollingUpdate"] = .map(rolling)
                }
                spec["strategy"] = .map(strategy)
            }
            edit(&map, ["spec", "template", "spec"]) { podSpec(&$0) }
        case ("batch", "Job"):
            edit(&map, ["spec"]) { spec in
                if spec["completions"] == nil && spec["parallelism"] == nil { spec["completions"] = 1 }
                spec["parallelism"] = spec["parallelism"] ?? 1
                spec["backoffLimit"] = spec["backoffLimit"] ?? 6
                spec["completionMode"] = spec["completionMode"] ?? "NonIndexed"
                spec["suspend"] = spec["suspend"] ?? false
            }
            edit(&map, ["spec", "template", "spec"]) { podSpec(&$0) }
        case ("networking.k8s.io", "NetworkPolicy"):
            edit(&map, ["spec"]) { spec in
                for direction in ["ingress", "egress"] {
                    spec[direction] = spec[direction]?.listValue.map { rules in
                        .list(rules.map { rule in updating(rule) { $0["ports"] = defaultingProtocol($0["ports"]) } })
                    }
                }
                if spec["policyTypes"]?.listValue?.isEmpty ?? true {
                    let egress = !(spec["egress"]?.listValue?.isEmpty ?? true)
                    spec["policyTypes"] = egress ? ["Ingress", "Egress"] : ["Ingress"]
                }
            }
        case ("rbac.authorization.k8s.io", "RoleBinding"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"):
            edit(&map, ["roleRef"]) { $0["apiGroup"] = $0["apiGroup"] ?? "rbac.authorization.k8s.io" }
            map["subjects"] = map["subjects"]?.listValue.map { subjects in
                .list(
                    subjects.map { subject in
                        updating(subject) { subject in
                            let kind = subject["kind"]?.string
                            if subject["apiGroup"] == nil, kind == "User" || kind == "Group" {
                                subject["apiGroup"] = "rbac.authorization.k8s.io"
                            }
                        }
                    })
            }
        default:
            break
        }
        return .map(map)
    }

    /// `SetDefaults_Service`, and what the Service registry allocates.
    private static func service(_ spec: inout YAMLMap) {
        let type = spec["type"]?.string ?? "ClusterIP"
        spec["type"] = .string(type)
        spec["sessionAffinity"] = spec["sessionAffinity"] ?? "None"
        spec["ports"] = spec["ports"]?.listValue.map { ports in
            .list(
                ports.map { port in
                    updating(port) { port in
                        port["protocol"] = port["protocol"] ?? "TCP"
                        if port["targetPort"] == nil || port["targetPort"] == 0 || port["targetPort"] == "" {
                            port["targetPort"] = port["port"]
                        }
                    }
                })
        }
        guard type != "ExternalName" else { return }
        if ["ClusterIP", "NodePort", "LoadBalancer"].contains(type) {
            spec["internalTrafficPolicy"] = spec["internalTrafficPolicy"] ?? "Cluster"
        }
        if let clusterIP = spec["clusterIP"], spec["clusterIPs"] == nil { spec["clusterIPs"] = [clusterIP] }
        spec["ipFamilies"] = spec["ipFamilies"] ?? ["IPv4"]
        spec["ipFamilyPolicy"] = spec["ipFamilyPolicy"] ?? "SingleStack"
    }

    /// `SetDefaults_LimitRangeItem`: for containers, the default limit comes
    /// from max, the default request from the default limit, then from min.
    private static func limitRangeItem(_ item: YAMLValue) -> YAMLValue {
        updating(item) { item in
            guard item["type"]?.string == "Container" else { return }
            var limits = item["default"]?.mapValue ?? YAMLMap()
            var requests = item["defaultRequest"]?.mapValue ?? YAMLMap()
            for entry in item["max"]?.mapValue?.entries ?? [] where limits[entry.key] == nil { limits[entry.key] = entry.value }
            for entry in limits.entries where requests[entry.key] == nil { requests[entry.key] = entry.value }
            for entry in item["min"]?.mapValue?.entries ?? [] where requests[entry.key] == nil { requests[entry.key] = entry.value }
            // Empty maps are omitted when the server encodes the object.
            item["default"] = limits.isEmpty ? nil : .map(limits)
            item["defaultRequest"] = requests.isEmpty ? nil : .map(requests)
        }
    }

    /// `SetDefaults_PodSpec`, `SetDefaults_Container` and the volume defaults.
    private static func podSpec(_ spec: inout YAMLMap) {
        spec["dnsPolicy"] = spec["dnsPolicy"] ?? "ClusterFirst"
        spec["restartPolicy"] = spec["restartPolicy"] ?? "Always"
        spec["securityContext"] = spec["securityContext"] ?? .map(YAMLMap())
        spec["terminationGracePeriodSeconds"] = spec["terminationGracePeriodSeconds"] ?? 30
        spec["schedulerName"] = spec["schedulerName"] ?? "default-scheduler"
        for key in ["containers", "initContainers"] {
            spec[key] = spec[key]?.listValue.map { .list($0.map(container)) }
        }
        spec["volumes"] = spec["volumes"]?.listValue.map { volumes in
            .list(
                volumes.map { volume in
                    updating(volume) { volume in
                        for source in ["configMap", "secret", "downwardAPI", "projected"] where volume[source] != nil {
                            volume[source] = updating(volume[source]!) { $0["defaultMode"] = $0["defaultMode"] ?? 420 }
                        }
                    }
                })
        }
    }

    private static func container(_ container: YAMLValue) -> YAMLValue {
        updating(container) { container in
            if container["imagePullPolicy"] == nil {
                container["imagePullPolicy"] = isLatest(container["image"]?.string ?? "") ? "Always" : "IfNotPresent"
            }
            container["terminationMessagePath"] = container["terminationMessagePath"] ?? "/dev/termination-log"
            container["terminationMessagePolicy"] = container["terminationMessagePolicy"] ?? "File"
            container["ports"] = defaultingProtocol(container["ports"])
            container["env"] = container["env"]?.listValue.map { variables in
                .list(
                    variables.map { variable in
                        guard let fieldRef = variable["valueFrom"]?["fieldRef"] else { return variable }
                        let defaulted = updating(fieldRef) { $0["apiVersion"] = $0["apiVersion"] ?? "v1" }
                        return updating(variable) { variable in
                            variable["valueFrom"] = updating(variable["valueFrom"]!) { $0["fieldRef"] = defaulted }
                        }
                    })
            }
        }
    }

    /// The pull policy follows the tag: `latest`, or no tag and no digest,
    /// pulls always (`parsers.ParseImageName`).
    static func isLatest(_ image: String) -> Bool {
        let parts = image.split(separator: "@", maxSplits: 1)
        let last = (parts.first ?? "").split(separator: "/").last ?? ""
        guard let colon = last.lastIndex(of: ":") else { return parts.count < 2 }
        return last[last.index(after: colon)...] == "latest"
    }

    private static func defaultingProtocol(_ ports: YAMLValue?) -> YAMLValue? {
        ports?.listValue.map { .list($0.map { port in updating(port) { $0["protocol"] = $0["protocol"] ?? "TCP" } }) }
    }

    private static func updating(_ value: YAMLValue, _ body: (inout YAMLMap) -> Void) -> YAMLValue {
        guard case .map(var map) = value else { return value }
        body(&map)
        return .map(map)
    }

    /// Runs `body` on the mapping at `path`, when there is one (or, with
    /// `creating`, on a new one put there).
    private static func edit(_ map: inout YAMLMap, _ path: [String], creating: Bool = false, _ body: (inout YAMLMap) -> Void) {
        guard let key = path.first else {
            body(&map)
            return
        }
        var child: YAMLMap
        switch map[key] {
        case .map(let existing)?: child = existing
        case nil where creating, .null? where creating: child = YAMLMap()
        default: return
        }
        edit(&child, Array(path.dropFirst()), creating: creating, body)
        map[key] = .map(child)
    }
}
