import PedregalYAML

/// The identity of a Kubernetes object in one cluster (Kustomize's ResId):
/// two manifests with the same ID are the same object.
public struct ResourceID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// API group; empty for the core group.
    public var group: String
    public var version: String
    public var kind: String
    /// Nil for cluster-scoped objects.
    public var namespace: String?
    public var name: String

    public init(group: String, version: String, kind: String, namespace: String?, name: String) {
        self.group = group
        self.version = version
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// Splits `apiVersion` (`apps/v1`, `v1`) into group and version.
    public init(apiVersion: String, kind: String, namespace: String?, name: String) {
        if let slash = apiVersion.lastIndex(of: "/") {
            self.init(
                group: String(apiVersion[..<slash]), version: String(apiVersion[apiVersion.index(after: slash)...]),
                kind: kind, namespace: namespace, name: name)
        } else {
            self.init(group: "", version: apiVersion, kind: kind, namespace: namespace, name: name)
        }
    }

    /// `group/version` or `version` for the core group.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `Kind namespace/name` or `Kind name`.
    public var description: String {
        namespace.map { "\(kind) \($0)/\(name)" } ?? "\(kind) \(name)"
    }

    /// Apply order first, then namespace and name, so every listing is stable.
    public static func < (a: ResourceID, b: ResourceID) -> Bool {
        let (ra, rb) = (KindOrder.rank(a.kind), KindOrder.rank(b.kind))
        if ra != rb { return ra < rb }
        if a.kind != b.kind { return a.kind < b.kind }
        if (a.namespace ?? "") != (b.namespace ?? "") { return (a.namespace ?? "") < (b.namespace ?? "") }
        if a.name != b.name { return a.name < b.name }
        return a.group < b.group
    }
}

/// The order in which kinds must reach a cluster: what others depend on
/// first (Kustomize's `orderFirst`), workloads last.
public enum KindOrder {
    /// Kinds in apply order; unknown kinds sort after these, before workloads.
    public static let order = [
        "Namespace", "ServiceAccount", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding",
        "ResourceQuota", "LimitRange", "NetworkPolicy", "Secret", "ConfigMap", "Service", "DNSEndpoint",
        "PodDisruptionBudget", "AppProject", "Application", "Deployment", "SparkApplication", "ScheduledSparkApplication",
        "CronJob", "Job",
    ]
    private static let ranks = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })

    /// Position of `kind` in apply order.
    public static func rank(_ kind: String) -> Int {
        ranks[kind] ?? ranks["Application"]!
    }

    /// Argo CD sync wave: the namespace, then its RBAC and limits, then
    /// configuration, then services, then workloads.
    public static func syncWave(_ kind: String) -> Int {
        switch kind {
        case "Namespace": return -3
        case "ServiceAccount", "Role", "RoleBinding", "ResourceQuota", "LimitRange", "NetworkPolicy": return -2
        case "ConfigMap", "Secret", "AppProject": return -1
        case "Deployment", "SparkApplication", "ScheduledSparkApplication", "CronJob", "Job": return 1
        default: return 0
        }
    }
}

/// Where an object goes: its identity in one generated cluster folder.
/// What per-cluster renderers need to know of everything rendered before
/// them, without the objects themselves.
public struct ObjectAddress: Hashable, Sendable {
    /// The generated folder (target cluster).
    public var cluster: String
    public var id: ResourceID

    public init(cluster: String, id: ResourceID) {
        self.cluster = cluster
        self.id = id
    }
}

extension Manifest {
    /// The object's cluster and identity.
    public var address: ObjectAddress { ObjectAddress(cluster: cluster, id: id) }
}
