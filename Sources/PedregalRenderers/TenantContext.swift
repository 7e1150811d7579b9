import PedregalManifests
import PedregalResolver
import PedregalYAML

/// One team environment placed in one region: everything a tenant renderer
/// needs to know, and the builder that stamps standard metadata.
public struct TenantContext: Sendable {
    public let platform: PlatformSettings
    public let team: ResolvedTeam
    public let environment: ResolvedEnvironment
    public let region: ResolvedRegion
    /// Whether `region` is the environment's primary region.
    public let isPrimary: Bool
    public let builder: ObjectBuilder

    public init(platform: PlatformSettings, team: ResolvedTeam, environment: ResolvedEnvironment, region: ResolvedRegion) {
        self.platform = platform
        self.team = team
        self.environment = environment
        self.region = region
        self.isPrimary = environment.primaryRegion == region
        self.builder = ObjectBuilder(
            cluster: region.cluster, source: team.source,
            labels: [
                Vocabulary.team: team.name,
                Vocabulary.environment: environment.name,
                Vocabulary.region: region.name,
                Vocabulary.backend: region.backend.rawValue,
            ])
    }

    public var namespace: String { environment.namespace }

    /// The Spark Connect clusters that run in this region.
    public var sparkConnectClusters: [ResolvedSparkConnect] {
        environment.sparkConnect.filter { $0.runs(in: region) }
    }

    /// Whether Spark workloads run in this region (not on the EMR fallback).
    public var runsSpark: Bool { region.backend == .sk8 }

    /// RBAC Group subjects for Okta groups.
    public func groupSubjects(_ groups: [String]) -> YAMLValue {
        .list(groups.map { ["kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": .string(platform.groupPrefix + $0)] })
    }

    /// The manifest for a namespaced object in the team namespace.
    public func object(
        _ apiVersion: String, _ kind: String, name: String, labels: [String: String] = [:],
        annotations: [String: String] = [:], _ body: YAMLMap = [:]
    ) -> Manifest {
        builder.make(apiVersion, kind, name: name, namespace: namespace, labels: labels, annotations: annotations, body)
    }
}

/// A renderer of tenant objects: one per kind of output, each pure.
public protocol TenantRenderer: Sendable {
    /// The objects this renderer contributes for one team environment in one region.
    func render(_ context: TenantContext) -> [Manifest]
}

/// A renderer of per-cluster objects (operator settings, Argo CD).
public protocol ClusterRenderer: Sendable {
    /// The objects for every cluster, given the address of every object
    /// already made (tenant objects, then what earlier cluster renderers made).
    func render(settings: PlatformSettings, regions: [ResolvedRegion], rendered: [ObjectAddress]) -> [Manifest]
}
