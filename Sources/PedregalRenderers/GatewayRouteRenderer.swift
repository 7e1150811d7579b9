import PedregalManifests
import PedregalResolver
import PedregalYAML

/// The Spark Gateway's routing table, one ConfigMap per cluster route in the
/// gateway namespace (one per route rather than one per cluster keeps each
/// far below the 1 MiB ConfigMap limit at thousands of teams, and lets the
/// gateway watch them by label). The route's format is `GatewayRoute`, which
/// the gateway decodes.
public struct GatewayRouteRenderer: TenantRenderer {
    public init() {}

    public func render(_ context: TenantContext) -> [Manifest] {
        let groups = (context.team.admins + context.team.members).map { context.platform.groupPrefix + $0 }
        return context.sparkConnectClusters.map { cluster in
            let hosts = cluster.hostnames(in: context.region, primary: cluster.isPrimary(context.region), domain: context.platform.domain)
            let route = GatewayRoute(
                hostnames: hosts, team: context.team.name, environment: context.environment.name, namespace: context.namespace,
                service: ObjectNames.sparkConnectService(cluster.name), port: context.platform.sparkConnectPort,
                backend: context.region.backend.rawValue, allowedGroups: groups, hotServers: context.runsSpark ? cluster.hotServers : 0,
                onDemandTemplate: context.runsSpark ? ObjectNames.sparkConnectTemplate(cluster.name) : nil, expiresAt: cluster.expiresAt)
            return context.builder.make(
                "v1", "ConfigMap", name: "route.\(context.namespace).\(cluster.name)",
                namespace: context.platform.gatewayNamespace,
                labels: [Vocabulary.sparkConnect: cluster.name, Vocabulary.component: SparkComponent.gatewayRoute],
                annotations: SparkConnectRenderer.annotations(cluster),
                ["data": [Vocabulary.routeKey: .string(route.text)]])
        }
    }
}
