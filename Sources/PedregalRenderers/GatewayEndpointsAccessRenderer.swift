import PedregalManifests
import PedregalResolver
import PedregalYAML

/// When the platform deploys the Spark Gateway, a Role and RoleBinding in
/// each team namespace that runs Spark Connect in the region, letting the
/// gateway's ServiceAccount list the namespace's EndpointSlices (how it
/// finds the servers behind a route) and nothing else.
///
/// These live in the team's namespace and depend only on the team and the
/// platform settings, so they are tenant objects; the gateway's own
/// NetworkPolicy finds the namespaces it may reach from them.
public struct GatewayEndpointsAccessRenderer: TenantRenderer {
    public init() {}

    public func render(_ context: TenantContext) -> [Manifest] {
        guard context.platform.gateway != nil, context.runsSpark, !context.sparkConnectClusters.isEmpty else { return [] }
        let rbac = "rbac.authorization.k8s.io/v1"
        let labels = [Vocabulary.component: SparkComponent.gateway]
        let subject: YAMLValue = [
            [
                "kind": "ServiceAccount", "name": .string(ObjectNames.gateway),
                "namespace": .string(context.platform.gatewayNamespace),
            ]
        ]
        return [
            context.object(
                rbac, "Role", name: ObjectNames.gatewayEndpointsRole, labels: labels,
                ["rules": [RBACRenderer.rule("discovery.k8s.io", ["endpointslices"], ["list"])]]),
            context.object(
                rbac, "RoleBinding", name: ObjectNames.gatewayEndpointsRole, labels: labels,
                [
                    "roleRef": [
                        "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": .string(ObjectNames.gatewayEndpointsRole),
                    ],
                    "subjects": subject,
                ]),
        ]
    }
}
