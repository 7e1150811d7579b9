import PedregalManifests
import PedregalResolver
import PedregalYAML

/// The Spark Gateway itself, per cluster, when templates/platform.yaml has a
/// `gateway` block: pedregal then owns the gateway namespace.
///
/// - the Namespace, enforcing Pod Security `restricted` (and, like team
///   namespaces, never pruned or deleted by Argo CD without confirmation);
/// - a ServiceAccount whose token is mounted only into the gateway's pods;
/// - least privilege, all namespaced: in the gateway namespace `list` on
///   ConfigMaps (the gateway polls its route ConfigMaps by label); in each
///   team namespace of the cluster that has a Spark Connect route,
///   `list` on EndpointSlices (the gateway polls the route Service's
///   endpoints). Nothing cluster-wide, no `get`/`watch` it does not use;
/// - the Deployment (`pedregal gateway --routes-from-cluster --in-cluster`,
///   TLS from the platform's Secret), a PodDisruptionBudget when it has more
///   than one replica; a default deny for the namespace and a NetworkPolicy
///   admitting Spark Connect from anywhere and the metrics port only from
///   the scrape namespace, and letting the gateway reach only the team
///   namespaces' Spark Connect port, DNS, and https outside the cluster;
/// - an in-cluster Service for metrics, apart from the client-facing one;
/// - the Service clients reach (a load balancer by default, published under
///   the region's gateway host by external-dns, which the team hosts' CNAMEs
///   name);
/// - in regions not on sk8, the backends file with the region's upstreams.
///
/// Team namespaces already admit the gateway namespace on the Spark Connect
/// port (`allow-spark-connect`).
public struct GatewayDeploymentRenderer: ClusterRenderer {
    public init() {}

    /// Selects the gateway's pods.
    static let selector = ["app.kubernetes.io/name": ObjectNames.gateway]

    public func render(settings: PlatformSettings, regions: [ResolvedRegion], rendered: [ObjectAddress]) -> [Manifest] {
        guard let gateway = settings.gateway else { return [] }
        // The namespaces whose Spark Connect services the gateway reaches:
        // those where GatewayEndpointsAccessRenderer let it list endpoints.
        var routedNamespaces: [String: Set<String>] = [:]
        for object in rendered
        where object.id.kind == "Role" && object.id.name == ObjectNames.gatewayEndpointsRole && object.id.namespace != nil {
            routedNamespaces[object.cluster, default: []].insert(object.id.namespace!)
        }
        return regions.flatMap { region in
            render(gateway, region: region, settings: settings, teamNamespaces: routedNamespaces[region.cluster] ?? [])
        }
    }

    private func render(
        _ gateway: ResolvedGateway, region: ResolvedRegion, settings: PlatformSettings, teamNamespaces: Set<String>
    ) -> [Manifest] {
        let namespace = settings.gatewayNamespace
        let builder = ObjectBuilder(
            cluster: region.cluster, source: settings.source,
            labels: [Vocabulary.region: region.name, Vocabulary.backend: region.backend.rawValue])
        func object(
            _ apiVersion: String, _ kind: String, name: String = ObjectNames.gateway, annotations: [String: String] = [:],
            _ body: YAMLMap
        ) -> Manifest {
            builder.make(
                apiVersion, kind, name: name, namespace: namespace,
                labels: Self.selector.merging([Vocabulary.component: SparkComponent.gateway]) { _, new in new },
                annotations: annotations, body)
        }
        let rbac = "rbac.authorization.k8s.io/v1"
        let subject: YAMLValue = [["kind": "ServiceAccount", "name": .string(ObjectNames.gateway), "namespace": .string(namespace)]]
        var manifests = [
            builder.make(
                "v1", "Namespace", name: namespace, namespace: nil,
                labels: [
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/enforce-version": "latest",
                    "pod-security.kubernetes.io/audit": "restricted",
                    "pod-security.kubernetes.io/warn": "restricted",
                ],
                annotations: [Vocabulary.syncOptions: "Prune=confirm,Delete=confirm"]),
            // The token is mounted by the Deployment itself, only into the gateway container.
            object("v1", "ServiceAccount", ["automountServiceAccountToken": false]),
            object(rbac, "Role", ["rules": [RBACRenderer.rule("", ["configmaps"], ["list"])]]),
            object(
                rbac, "RoleBinding",
                [
                    "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": .string(ObjectNames.gateway)],
                    "subjects": subject,
                ]),
        ]
        let upstreams = gateway.upstreams[region.name] ?? []
        if !upstreams.isEmpty {
            let backends: YAMLValue = ["upstreams": [region.backend.rawValue: .list(upstreams.map(YAMLValue.string))]]
            manifests.append(
                object(
                    "v1", "ConfigMap", name: ObjectNames.gatewayBackends,
                    [
                        "data": [GatewayPodTemplate.backendsKey: .string(YAMLWriter.document(backends))]
                    ]))
        }
        manifests.append(
            object(
                "networking.k8s.io/v1", "NetworkPolicy", name: "default-deny",
                [
                    "spec": ["podSelector": [:], "policyTypes": ["Ingress", "Egress"]]
                ]))
        manifests.append(
            object(
                "networking.k8s.io/v1", "NetworkPolicy",
                Self.networkPolicy(
                    settings: settings, teamNamespaces: teamNamespaces.sorted(),
                    upstreamPorts: upstreams.compactMap { Self.port(of: $0) })))
        manifests.append(
            object(
                "v1", "Service",
                annotations: gateway.serviceType == .loadBalancer
                    ? ["external-dns.alpha.kubernetes.io/hostname": region.gateway] : [:],
                [
                    "spec": [
                        "type": .string(gateway.serviceType.rawValue),
                        "selector": .sortedStrings(Self.selector),
                        "ports": [["name": "grpc", "protocol": "TCP", "port": .int(gateway.port), "targetPort": "grpc"]],
                    ]
                ]))
        // Metrics and health on their own in-cluster Service, never behind the load balancer.
        manifests.append(
            object(
                "v1", "Service", name: ObjectNames.gatewayMetrics,
                [
                    "spec": [
                        "type": "ClusterIP",
                        "selector": .sortedStrings(Self.selector),
                        "ports": [["name": "metrics", "protocol": "TCP", "port": .int(ResolvedGateway.adminPort), "targetPort": "admin"]],
                    ]
                ]))
        if gateway.replicas > 1 {
            manifests.append(
                object(
                    "policy/v1", "PodDisruptionBudget",
                    [
                        "spec": ["maxUnavailable": 1, "selector": ["matchLabels": .sortedStrings(Self.selector)]]
                    ]))
        }
        let template = GatewayPodTemplate(gateway: gateway, settings: settings, region: region, hasBackends: !upstreams.isEmpty)
        // checkov (CKV_K8S_43) wants images pinned by digest; say why where it is a tag.
        let annotations =
            gateway.image.contains("@sha256:")
            ? [:]
            : [
                "checkov.io/skip1":
                    "CKV_K8S_43=the gateway image is pinned by the tag in templates/platform.yaml (gateway.image, else runnerImage) and pulled on every start; give an image@sha256 digest to pin it for good"
            ]
        manifests.append(
            object(
                "apps/v1", "Deployment", annotations: annotations,
                [
                    "spec": [
                        "replicas": .int(gateway.replicas),
                        "revisionHistoryLimit": 5,
                        "selector": ["matchLabels": .sortedStrings(Self.selector)],
                        // Never below the wanted replicas during a rollout: a new pod is ready before an old one drains.
                        "strategy": ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": 1, "maxUnavailable": 0]],
                        "template": template.value,
                    ]
                ]))
        return manifests
    }

    /// The gateway pods' allowances over the namespace's default deny.
    ///
    /// Ingress: Spark Connect from anywhere (clients come through the load
    /// balancer); the operations port (metrics, health, cordons) only from the
    /// namespace that scrapes metrics. The kubelet's probes are not subject to it.
    ///
    /// Egress: the Spark Connect port of the cluster's team namespaces, cluster
    /// DNS, and https (443, and 6443 where the API server listens on its own
    /// port) outside the cluster: the API server, whose address is not known
    /// here, and the issuer's JWKS. Plus the ports of the region's upstreams.
    /// Never the instance metadata service.
    static func networkPolicy(settings: PlatformSettings, teamNamespaces: [String], upstreamPorts: [Int]) -> YAMLMap {
        var ingress: [YAMLValue] = [["ports": [["protocol": "TCP", "port": .int(ResolvedGateway.listenPort)]]]]
        if let scraper = settings.observability?.scrapeNamespace {
            ingress.append([
                "from": [["namespaceSelector": ["matchLabels": ["kubernetes.io/metadata.name": .string(scraper)]]]],
                "ports": [["protocol": "TCP", "port": .int(ResolvedGateway.adminPort)]],
            ])
        }
        let outside: YAMLValue = [
            ["ipBlock": ["cidr": "0.0.0.0/0", "except": [.string(NetworkPolicyRenderer.metadataAddresses[0])]]],
            ["ipBlock": ["cidr": "::/0", "except": [.string(NetworkPolicyRenderer.metadataAddresses[1])]]],
        ]
        var egress: [YAMLValue] = []
        if !teamNamespaces.isEmpty {
            egress.append([
                "to": [
                    [
                        "namespaceSelector": [
                            "matchExpressions": [
                                [
                                    "key": "kubernetes.io/metadata.name", "operator": "In",
                                    "values": .list(Array(Set(teamNamespaces)).sorted().map(YAMLValue.string)),
                                ]
                            ]
                        ]
                    ]
                ],
                "ports": [["protocol": "TCP", "port": .int(settings.sparkConnectPort)]],
            ])
        }
        egress.append([
            "to": [
                [
                    "namespaceSelector": ["matchLabels": ["kubernetes.io/metadata.name": "kube-system"]],
                    "podSelector": ["matchLabels": ["k8s-app": "kube-dns"]],
                ]
            ],
            "ports": [["protocol": "UDP", "port": 53], ["protocol": "TCP", "port": 53]],
        ])
        let httpsPorts = Array(Set([443, 6443] + upstreamPorts)).sorted()
        egress.append(["to": outside, "ports": .list(httpsPorts.map { ["protocol": "TCP", "port": .int($0)] })])
        return [
            "spec": [
                "podSelector": ["matchLabels": .sortedStrings(selector)],
                "policyTypes": ["Ingress", "Egress"],
                "ingress": .list(ingress),
                "egress": .list(egress),
            ]
        ]
    }

    /// The port of a `host:port` address.
    static func port(of address: String) -> Int? {
        address.lastIndex(of: ":").flatMap { Int(address[address.index(after: $0)...]) }
    }
}
