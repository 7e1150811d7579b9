import PedregalManifests
import PedregalResolver
import PedregalYAML

/// The pod of the gateway's Deployment: `pedregal gateway` in cluster mode,
/// reading routes and endpoints through the API server with its own
/// ServiceAccount, serving TLS from the platform's Secret, and passing Pod
/// Security `restricted`.
struct GatewayPodTemplate {
    var gateway: ResolvedGateway
    var settings: PlatformSettings
    var region: ResolvedRegion
    /// Whether the region has upstreams, mounted as the backends file.
    var hasBackends: Bool

    /// Where the TLS Secret is mounted.
    static let tlsPath = "/etc/pedregal-gateway/tls"
    /// Where the backends ConfigMap is mounted.
    static let backendsPath = "/etc/pedregal-gateway/backends"
    /// The backends file's key in its ConfigMap.
    static let backendsKey = "backends.yaml"
    /// How long a stopping replica waits for running calls (`--drain-timeout`).
    static let drainSeconds = 30
    /// How long a stopping replica keeps serving after it leaves the
    /// endpoints, so load balancers stop sending it new connections first.
    static let preStopSeconds = 5

    /// The ServiceAccount token, CA and namespace, mounted explicitly so that
    /// only this container gets them. The client re-reads the token file, which
    /// the kubelet refreshes before it expires.
    static let serviceAccountTokenVolume = JobRenderer.serviceAccountTokenVolume(expirationSeconds: 3600)

    /// `pedregal gateway`'s arguments.
    var arguments: [String] {
        var args = [
            "gateway", "--routes-from-cluster", "--in-cluster", "--namespace", settings.gatewayNamespace,
            "--listen", "0.0.0.0:\(ResolvedGateway.listenPort)",
            "--tls-certificate", "\(Self.tlsPath)/tls.crt", "--tls-key", "\(Self.tlsPath)/tls.key",
            "--admin-listen", "0.0.0.0:\(ResolvedGateway.adminPort)",
            "--issuer", gateway.issuer, "--audience", gateway.audience, "--jwks", gateway.jwksURL,
            "--groups-claim", gateway.groupsClaim,
            // Routes list allowedGroups with the platform's prefix (RBAC Group subjects).
            "--group-prefix", settings.groupPrefix,
            "--threads", String(gateway.threads), "--drain-timeout", String(Self.drainSeconds),
        ]
        for group in gateway.adminGroups { args += ["--admin-group", group] }
        if hasBackends { args += ["--backends", "\(Self.backendsPath)/\(Self.backendsKey)"] }
        return args
    }

    /// The pod template.
    var value: YAMLValue {
        let resources: YAMLValue = [
            "cpu": .string(gateway.cpu.text), "memory": .string(gateway.memory.text),
        ]
        let probe = { (path: String, period: Int, failures: Int) -> YAMLValue in
            [
                "httpGet": ["path": .string(path), "port": "admin"],
                "periodSeconds": .int(period), "timeoutSeconds": 2, "failureThreshold": .int(failures),
            ]
        }
        var mounts: [YAMLValue] = [
            ["name": "tls", "mountPath": .string(Self.tlsPath), "readOnly": true],
            ["name": "kube-api-access", "mountPath": .string(JobRenderer.serviceAccountPath), "readOnly": true],
        ]
        var volumes: [YAMLValue] = [
            ["name": "tls", "secret": ["secretName": .string(gateway.tlsSecret), "defaultMode": 0o440]],
            Self.serviceAccountTokenVolume,
        ]
        if hasBackends {
            mounts.append(["name": "backends", "mountPath": .string(Self.backendsPath), "readOnly": true])
            volumes.append(["name": "backends", "configMap": ["name": .string(ObjectNames.gatewayBackends)]])
        }
        let container: YAMLValue = [
            "name": "gateway",
            "image": .string(gateway.image),
            // A tag can be moved: pull on every start to run what it names now. With a digest
            // this only asks the registry (layers stay cached), and checks the node may pull it.
            "imagePullPolicy": "Always",
            "args": .list(arguments.map(YAMLValue.string)),
            "ports": [
                ["name": "grpc", "containerPort": .int(ResolvedGateway.listenPort), "protocol": "TCP"],
                ["name": "admin", "containerPort": .int(ResolvedGateway.adminPort), "protocol": "TCP"],
            ],
            "readinessProbe": probe("/readyz", 5, 2),
            "livenessProbe": probe("/healthz", 10, 3),
            "lifecycle": ["preStop": ["sleep": ["seconds": .int(Self.preStopSeconds)]]],
            // Requests equal limits: a latency-sensitive proxy gets Guaranteed QoS.
            "resources": ["requests": resources, "limits": resources],
            "securityContext": [
                "allowPrivilegeEscalation": false, "capabilities": ["drop": ["ALL"]], "readOnlyRootFilesystem": true,
            ],
            "volumeMounts": .list(mounts),
        ]
        let labels = GatewayDeploymentRenderer.selector.merging([
            Vocabulary.component: SparkComponent.gateway, Vocabulary.cluster: region.cluster, Vocabulary.region: region.name,
        ]) { _, new in new }
        return [
            "metadata": [
                "labels": .sortedStrings(labels),
                "annotations": .sortedStrings([
                    "prometheus.io/scrape": "true", "prometheus.io/port": String(ResolvedGateway.adminPort),
                    "prometheus.io/path": "/metrics",
                ]),
            ],
            "spec": [
                "serviceAccountName": .string(ObjectNames.gateway),
                "automountServiceAccountToken": false,
                "terminationGracePeriodSeconds": .int(Self.preStopSeconds + Self.drainSeconds + 10),
                "securityContext": [
                    "runAsNonRoot": true, "runAsUser": 65532, "runAsGroup": 65532, "fsGroup": 65532,
                    "seccompProfile": ["type": "RuntimeDefault"],
                ],
                // Replicas on different nodes where possible, so one node does not take the region's gateway down.
                "topologySpreadConstraints": [
                    [
                        "maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway",
                        "labelSelector": ["matchLabels": .sortedStrings(GatewayDeploymentRenderer.selector)],
                    ]
                ],
                "containers": [container],
                "volumes": .list(volumes),
            ],
        ]
    }
}
