import PedregalManifests
import PedregalResolver
import PedregalYAML

/// The Spark Gateway's routing table, one ConfigMap per cluster route in the
/// gateway namespace (one per route rather than one per cluster keeps each
/// far below the 1 MiB ConfigMap limit at thousands of teams, and lets the
/// gateway watch them by label).
public struct GatewayRouteRenderer: TenantRenderer {
    public init() {}

    public func render(_ context: TenantContext) -> [Manifest] {
        let groups = (context.team.admins + context.team.members).map { context.platform.groupPrefix + $0 }
        return context.sparkConnectClusters.map { cluster in
            let hosts = cluster.hostnames(in: context.region, primary: cluster.isPrimary(context.region), domain: context.platform.domain)
            let route: YAMLValue = [
                "hostnames": .list(hosts.map(YAMLValue.string)),
                "team": .string(context.team.name),
                "environment": .string(context.environment.name),
                "namespace": .string(context.namespace),
                "service": .string(ObjectNames.sparkConnectService(cluster.name)),
                "port": .int(context.platform.sparkConnectPort),
                "backend": .string(context.region.backend.rawValue),
                "allowedGroups": .list(groups.map(YAMLValue.string)),
                "hotServers": .int(context.runsSpark ? cluster.hotServers : 0),
                "onDemandTemplate": context.runsSpark ? .string(ObjectNames.sparkConnectTemplate(cluster.name)) : .null,
                "expiresAt": .optional(cluster.expiresAt),
            ]
            return context.builder.make(
                "v1", "ConfigMap", name: "route.\(context.namespace).\(cluster.name)",
                namespace: context.platform.gatewayNamespace,
                labels: [Vocabulary.sparkConnect: cluster.name, Vocabulary.component: SparkComponent.gatewayRoute],
                annotations: SparkConnectRenderer.annotations(cluster),
                ["data": [Vocabulary.routeKey: .string(YAMLWriter.document(route))]])
        }
    }
}
