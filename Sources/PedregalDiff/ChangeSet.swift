import PedregalManifests
import PedregalYAML

/// An object's identity across both sides: cluster, API group and kind,
/// namespace and name. The version is not part of it, so moving an object
/// to a newer API version shows as a change, not a removal and an addition.
public struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var cluster: String
    public var group: String
    public var kind: String
    public var namespace: String?
    public var name: String

    init(_ manifest: Manifest) {
        cluster = manifest.cluster
        group = manifest.id.group
        kind = manifest.id.kind
        namespace = manifest.id.namespace
        name = manifest.id.name
    }

    /// `Kind namespace/name`.
    public var description: String { namespace.map { "\(kind) \($0)/\(name)" } ?? "\(kind) \(name)" }

    public static func < (a: ObjectKey, b: ObjectKey) -> Bool {
        if a.cluster != b.cluster { return a.cluster < b.cluster }
        let ra = ResourceID(group: a.group, version: "", kind: a.kind, namespace: a.namespace, name: a.name)
        let rb = ResourceID(group: b.group, version: "", kind: b.kind, namespace: b.namespace, name: b.name)
        return ra < rb
    }
}

/// What happens to one object.
public struct ObjectChange: Sendable {
    public enum Kind: String, Sendable { case added, changed, removed }

    public var kind: Kind
    public var key: ObjectKey
    /// The apiVersion on the new side (old side for removals).
    public var apiVersion: String
    /// The owning team (`pedregal.io/team`), nil for platform objects.
    public var team: String?
    /// The input file the object comes from.
    public var source: String
    /// For changes: the fields that differ.
    public var fields: [FieldChange]
    public var old: YAMLValue?
    public var new: YAMLValue?
}

/// Per cluster and team: how many objects change and what that does to
/// quotas and DNS.
public struct TeamSummary: Sendable {
    public var cluster: String
    /// The team, or nil for platform-wide objects.
    public var team: String?
    public var added = 0
    public var changed = 0
    public var removed = 0
    public var cpuMillis = 0
    public var memoryBytes = 0
    public var pods = 0
    public var dnsAdded: [String] = []
    public var dnsRemoved: [String] = []
}

/// Something a reviewer must look at on its own.
public struct Risk: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case namespaceRemoved = "namespace-removed"
        case dnsNameRemoved = "dns-name-removed"
        case rbacSubjectsAdded = "rbac-subjects-added"
        case rbacRulesWidened = "rbac-rules-widened"
        case networkPolicyRemoved = "network-policy-removed"
        case networkPolicyLoosened = "network-policy-loosened"
        case workloadRestarted = "workload-restarted"
        case workloadStopped = "workload-stopped"

        /// A heading for reports.
        public var title: String {
            switch self {
            case .namespaceRemoved: return "Namespace removed"
            case .dnsNameRemoved: return "DNS name removed"
            case .rbacSubjectsAdded: return "RBAC subjects added"
            case .rbacRulesWidened: return "RBAC rules widened"
            case .networkPolicyRemoved: return "NetworkPolicy removed"
            case .networkPolicyLoosened: return "NetworkPolicy loosened"
            case .workloadRestarted: return "Running workload restarted"
            case .workloadStopped: return "Running workload stopped"
            }
        }
    }

    public var kind: Kind
    public var cluster: String
    public var object: String
    public var team: String?
    /// What exactly, in one sentence.
    public var detail: String
}

/// The whole comparison.
public struct DiffReport: Sendable {
    /// Every changed object, sorted by cluster and apply order.
    public var changes: [ObjectChange]
    /// Per cluster and team, sorted.
    public var summaries: [TeamSummary]
    public var risks: [Risk]

    /// Whether anything differs.
    public var hasChanges: Bool { !changes.isEmpty }

    /// The clusters with changes, sorted.
    public var clusters: [String] {
        Array(Set(changes.map(\.key.cluster))).sorted()
    }
}
