import PedregalBasics
import PedregalManifests
import PedregalResolver

/// Runs every renderer over a resolved platform. Tenant renderers run per
/// team environment and region, in parallel; cluster renderers run once,
/// after them. The result is sorted by cluster and resource ID.
public struct Renderer: Sendable {
    public var tenantRenderers: [any TenantRenderer]
    public var clusterRenderers: [any ClusterRenderer]

    /// The renderers of every output kind.
    public static let standard = Renderer(
        tenantRenderers: [
            NamespaceRenderer(), QuotaRenderer(), NetworkPolicyRenderer(), RBACRenderer(), CatalogConfigRenderer(),
            JobRenderer(), SparkConnectRenderer(), DNSRenderer(), GatewayRouteRenderer(),
        ],
        // The gateway's objects come after the operator's watched namespaces (its
        // Namespace is not a team's) and before Argo CD, whose project admits their kinds.
        clusterRenderers: [OperatorConfigRenderer(), GatewayDeploymentRenderer(), ArgoCDRenderer()])

    public init(tenantRenderers: [any TenantRenderer], clusterRenderers: [any ClusterRenderer]) {
        self.tenantRenderers = tenantRenderers
        self.clusterRenderers = clusterRenderers
    }

    /// Every manifest for `platform`.
    public func render(_ platform: ResolvedPlatform) -> [Manifest] {
        let contexts = platform.teams.flatMap { team in
            team.environments.flatMap { environment in
                environment.regions.map { TenantContext(platform: platform.settings, team: team, environment: environment, region: $0) }
            }
        }
        let renderers = tenantRenderers
        let tenants = contexts.parallelMap { context in renderers.flatMap { $0.render(context) } }.flatMap { $0 }
        // Each cluster renderer sees everything rendered before it, so the
        // last (Argo CD) can admit exactly the kinds and namespaces emitted.
        var rendered = tenants
        for renderer in clusterRenderers { rendered += renderer.render(platform, rendered: rendered) }
        return rendered
    }
}
