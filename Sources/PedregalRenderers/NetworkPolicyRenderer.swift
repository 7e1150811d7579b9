import PedregalManifests
import PedregalResolver
import PedregalYAML

/// Default-deny ingress, then the allowances: pods of the namespace talk to
/// each other (driver ↔ executors), and Spark Connect servers accept their
/// port from the gateway namespace and the team's `sparkConnectFrom`.
///
/// Egress is limited too: pods reach each other, cluster DNS, and addresses
/// outside the cluster (object stores, catalogs, the API server), but never
/// the cloud instance metadata service, whose node credentials a Spark job
/// must not borrow.
public struct NetworkPolicyRenderer: TenantRenderer {
    public init() {}

    /// Instance metadata endpoints (AWS, GCP, Azure use 169.254.169.254;
    /// AWS also fd00:ec2::254 over IPv6).
    static let metadataAddresses = ["169.254.169.254/32", "fd00:ec2::254/128"]

    public func render(_ context: TenantContext) -> [Manifest] {
        let denyAll = context.object(
            "networking.k8s.io/v1", "NetworkPolicy", name: "default-deny-ingress",
            [
                "spec": ["podSelector": [:], "policyTypes": ["Ingress"]]
            ])
        let sameNamespace = context.object(
            "networking.k8s.io/v1", "NetworkPolicy", name: "allow-same-namespace",
            [
                "spec": [
                    "podSelector": [:],
                    "policyTypes": ["Ingress"],
                    "ingress": [["from": [["podSelector": [:]]]]],
                ]
            ])
        let sources =
            [context.platform.gatewayNamespace]
            + context.environment.sparkConnectFrom
            .filter { $0 != context.platform.gatewayNamespace }
        let sparkConnect = context.object(
            "networking.k8s.io/v1", "NetworkPolicy", name: "allow-spark-connect",
            [
                "spec": [
                    "podSelector": ["matchLabels": .sortedStrings([Vocabulary.component: SparkComponent.connectServer])],
                    "policyTypes": ["Ingress"],
                    "ingress": [
                        [
                            "from": [
                                [
                                    "namespaceSelector": [
                                        "matchExpressions": [
                                            [
                                                "key": "kubernetes.io/metadata.name",
                                                "operator": "In",
                                                "values": .list(sources.map(YAMLValue.string)),
                                            ]
                                        ]
                                    ]
                                ]
                            ],
                            "ports": [["protocol": "TCP", "port": .int(context.platform.sparkConnectPort)]],
                        ]
                    ],
                ]
            ])
        let egress = context.object(
            "networking.k8s.io/v1", "NetworkPolicy", name: "restrict-egress",
            [
                "spec": [
                    "podSelector": [:],
                    "policyTypes": ["Egress"],
                    "egress": [
                        ["to": [["podSelector": [:]]]],
                        [
                            "to": [
                                [
                                    "namespaceSelector": ["matchLabels": ["kubernetes.io/metadata.name": "kube-system"]],
                                    "podSelector": ["matchLabels": ["k8s-app": "kube-dns"]],
                                ]
                            ],
                            "ports": [["protocol": "UDP", "port": 53], ["protocol": "TCP", "port": 53]],
                        ],
                        [
                            "to": [
                                ["ipBlock": ["cidr": "0.0.0.0/0", "except": [.string(Self.metadataAddresses[0])]]],
                                ["ipBlock": ["cidr": "::/0", "except": [.string(Self.metadataAddresses[1])]]],
                            ]
                        ],
                    ],
                ]
            ])
        var policies = [denyAll, sameNamespace, sparkConnect, egress]
        if context.runsSpark, let observability = context.platform.observability, observability.prometheus,
            let scraper = observability.scrapeNamespace
        {
            // Spark labels every driver pod `spark-role: driver`; only the
            // driver serves metrics (executors report through it).
            policies.append(
                context.object(
                    "networking.k8s.io/v1", "NetworkPolicy", name: "allow-metrics-scrape",
                    [
                        "spec": [
                            "podSelector": ["matchLabels": ["spark-role": "driver"]],
                            "policyTypes": ["Ingress"],
                            "ingress": [
                                [
                                    "from": [["namespaceSelector": ["matchLabels": ["kubernetes.io/metadata.name": .string(scraper)]]]],
                                    "ports": [["protocol": "TCP", "port": .int(ResolvedObservability.uiPort)]],
                                ]
                            ],
                        ]
                    ]))
        }
        return policies
    }
}
