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
            JobRenderer(), SparkConnectRenderer(), DNSRenderer(), GatewayRouteRenderer(), GatewayEndpointsAccessRenderer(),
        ],
        // The gateway's objects come after the operator's watched namespaces (its
        // Namespace is not a team's) and before Argo CD, whose project admits their kinds.
        clusterRenderers: [OperatorConfigRenderer(), GatewayDeploymentRenderer(), ArgoCDRenderer()])

    public init(tenantRenderers: [any TenantRenderer], clusterRenderers: [any ClusterRenderer]) {
        self.tenantRenderers = tenantRenderers
        self.clusterRenderers = clusterRenderers
    }

    /// Names the renderers, in order: part of what an incremental compile's
    /// cached results depend on.
    public var signature: String {
        (tenantRenderers.map { "\(type(of: $0))" } + ["|"] + clusterRenderers.map { "\(type(of: $0))" }).joined(separator: ",")
    }

    /// Every manifest for `platform`: each team's objects in team order,
    /// then the per-cluster objects.
    public func render(_ platform: ResolvedPlatform) -> [Manifest] {
        let tenants = platform.teams.parallelMap { render($0, settings: platform.settings) }.flatMap { $0 }
        return tenants + renderClusters(settings: platform.settings, regions: platform.regions, rendered: tenants.map(\.address))
    }

    /// One team's objects, for every environment and region. A team's
    /// objects depend on nothing but the team and the platform settings.
    public func render(_ team: ResolvedTeam, settings: PlatformSettings) -> [Manifest] {
        var manifests: [Manifest] = []
        for environment in team.environments {
            for region in environment.regions {
                let context = TenantContext(platform: settings, team: team, environment: environment, region: region)
                for renderer in tenantRenderers { manifests += renderer.render(context) }
            }
        }
        return manifests
    }

    /// The per-cluster objects, given the address of every team object.
    /// Each cluster renderer sees everything rendered before it, so the
    /// last (Argo CD) can admit exactly the kinds and namespaces emitted.
    public func renderClusters(settings: PlatformSettings, regions: [ResolvedRegion], rendered: [ObjectAddress]) -> [Manifest] {
        var addresses = rendered
        var made: [Manifest] = []
        for renderer in clusterRenderers {
            let objects = renderer.render(settings: settings, regions: regions, rendered: addresses)
            made += objects
            addresses += objects.map(\.address)
        }
        return made
    }
}
