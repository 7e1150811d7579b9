/// Default-deny ingress, then the allowances: pods of the namespace talk to
/// each other (driver ↔ executors), and Spark Connect servers accept their
/// port from the gateway namespace and the team's `sparkConnectFrom`.
public struct NetworkPolicyRenderer: TenantRenderer {
    public init() {}

    public func render(_ context: TenantContext) -> [Manifest] {
        let denyAll = context.object("networking.k8s.io/v1", "NetworkPolicy", name: "default-deny-ingress", [
            "spec": ["podSelector": [:], "policyTypes": ["Ingress"]],
        ])
        let sameNamespace = context.object("networking.k8s.io/v1", "NetworkPolicy", name: "allow-same-namespace", [
            "spec": [
                "podSelector": [:],
                "policyTypes": ["Ingress"],
                "ingress": [["from": [["podSelector": [:]]]]],
            ],
        ])
        let sources = [context.platform.gatewayNamespace] + context.environment.sparkConnectFrom
            .filter { $0 != context.platform.gatewayNamespace }
        let sparkConnect = context.object("networking.k8s.io/v1", "NetworkPolicy", name: "allow-spark-connect", [
            "spec": [
                "podSelector": ["matchLabels": .sortedStrings([Vocabulary.component: SparkComponent.connectServer])],
                "policyTypes": ["Ingress"],
                "ingress": [[
                    "from": [[
                        "namespaceSelector": [
                            "matchExpressions": [[
                                "key": "kubernetes.io/metadata.name",
                                "operator": "In",
                                "values": .list(sources.map(YAMLValue.string)),
                            ]],
                        ],
                    ]],
                    "ports": [["protocol": "TCP", "port": .int(context.platform.sparkConnectPort)]],
                ]],
            ],
        ])
        return [denyAll, sameNamespace, sparkConnect]
    }
}
