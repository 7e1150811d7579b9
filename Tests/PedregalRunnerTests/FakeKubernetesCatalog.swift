import Foundation
import PedregalKubernetes
import PedregalRunner

/// A kind the fake API server serves.
struct FakeResource: Sendable, Hashable {
    var group: String
    var version: String
    var kind: String
    var plural: String
    var namespaced: Bool
    /// Built-in kinds: list items carry no apiVersion/kind, as the real server encodes typed lists.
    var builtIn: Bool

    var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
}

/// The kinds the fake serves: core v1, RBAC, networking, batch, both Spark
/// operators and external-dns, as a cluster with their CRDs installed does.
/// Discovery lists each with the verbs the real server lists for it.
enum FakeCatalog {
    static let all: [FakeResource] = [
        FakeResource(group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false, builtIn: true),
        FakeResource(group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true, builtIn: true),
        FakeResource(group: "", version: "v1", kind: "Service", plural: "services", namespaced: true, builtIn: true),
        FakeResource(
            group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true, builtIn: true),
        FakeResource(group: "", version: "v1", kind: "ResourceQuota", plural: "resourcequotas", namespaced: true, builtIn: true),
        FakeResource(group: "", version: "v1", kind: "LimitRange", plural: "limitranges", namespaced: true, builtIn: true),
        FakeResource(group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true, builtIn: true),
        FakeResource(group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true, builtIn: true),
        FakeResource(
            group: "", version: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", namespaced: true,
            builtIn: true),
        FakeResource(group: "", version: "v1", kind: "Event", plural: "events", namespaced: true, builtIn: true),
        FakeResource(
            group: "rbac.authorization.k8s.io", version: "v1", kind: "Role", plural: "roles", namespaced: true, builtIn: true),
        FakeResource(
            group: "rbac.authorization.k8s.io", version: "v1", kind: "RoleBinding", plural: "rolebindings", namespaced: true,
            builtIn: true),
        FakeResource(
            group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole", plural: "clusterroles", namespaced: false,
            builtIn: true),
        FakeResource(
            group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy", plural: "networkpolicies", namespaced: true,
            builtIn: true),
        FakeResource(group: "batch", version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true, builtIn: true),
        FakeResource(group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true, builtIn: true),
        FakeResource(
            group: "policy", version: "v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets", namespaced: true,
            builtIn: true),
        FakeResource(group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true, builtIn: true),
        FakeResource(
            group: "spark.apache.org", version: "v1", kind: "SparkApplication", plural: "sparkapplications", namespaced: true,
            builtIn: false),
        FakeResource(
            group: "spark.apache.org", version: "v1", kind: "SparkCluster", plural: "sparkclusters", namespaced: true,
            builtIn: false),
        FakeResource(
            group: "sparkoperator.k8s.io", version: "v1beta2", kind: "SparkApplication", plural: "sparkapplications",
            namespaced: true, builtIn: false),
        FakeResource(
            group: "sparkoperator.k8s.io", version: "v1beta2", kind: "ScheduledSparkApplication",
            plural: "scheduledsparkapplications", namespaced: true, builtIn: false),
        FakeResource(
            group: "externaldns.k8s.io", version: "v1alpha1", kind: "DNSEndpoint", plural: "dnsendpoints", namespaced: true,
            builtIn: false),
        FakeResource(
            group: "argoproj.io", version: "v1alpha1", kind: "Application", plural: "applications", namespaced: true,
            builtIn: false),
        FakeResource(
            group: "argoproj.io", version: "v1alpha1", kind: "AppProject", plural: "appprojects", namespaced: true,
            builtIn: false),
    ]
}

/// A label selector as the API server parses it: comma-separated terms,
/// each `k=v`, `k==v`, `k!=v`, `k` (exists) or `!k` (does not exist).
struct FakeLabelSelector {
    enum Term {
        case equals(String, String)
        case notEquals(String, String)
        case exists(String)
        case absent(String)
    }

    var terms: [Term]

    /// Nil when the selector is malformed (the server answers 400).
    init?(_ text: String) {
        terms = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let term = raw.trimmingCharacters(in: .whitespaces)
            guard !term.isEmpty else { return nil }
            if let range = term.range(of: "!=") {
                terms.append(.notEquals(String(term[..<range.lowerBound]), String(term[range.upperBound...])))
            } else if let range = term.range(of: "==") {
                terms.append(.equals(String(term[..<range.lowerBound]), String(term[range.upperBound...])))
            } else if let range = term.range(of: "=") {
                terms.append(.equals(String(term[..<range.lowerBound]), String(term[range.upperBound...])))
            } else if term.hasPrefix("!") {
                terms.append(.absent(String(term.dropFirst())))
            } else {
                terms.append(.exists(term))
            }
        }
    }

    func matches(_ labels: [String: String]) -> Bool {
        terms.allSatisfy { term in
            switch term {
            case .equals(let k, let v): return labels[k] == v
            case .notEquals(let k, let v): return labels[k] != v
            case .exists(let k): return labels[k] != nil
            case .absent(let k): return labels[k] == nil
            }
        }
    }
}
