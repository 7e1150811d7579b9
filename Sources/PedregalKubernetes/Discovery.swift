import PedregalManifests
import PedregalYAML

/// One kind the API server serves: where its objects live and whether they
/// belong to namespaces.
public struct APIResource: Sendable, Hashable {
    /// API group; empty for the core group.
    public var group: String
    /// API version (`v1`, `v1beta2`).
    public var version: String
    /// Kind (`ConfigMap`).
    public var kind: String
    /// The resource name in paths (`configmaps`, `sparkapplications`).
    public var plural: String
    /// Whether objects of the kind live in namespaces.
    public var namespaced: Bool
    /// The verbs the server allows on it (`get`, `list`, `delete`, …).
    public var verbs: Set<String>

    /// Creates a resource.
    public init(group: String, version: String, kind: String, plural: String, namespaced: Bool, verbs: Set<String> = []) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.namespaced = namespaced
        self.verbs = verbs
    }

    /// `group/version`, or `version` for the core group.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `/api/v1` or `/apis/group/version`.
    public var basePath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    /// The collection in one namespace, or across all namespaces (and for
    /// cluster-scoped kinds) when `namespace` is nil.
    public func collectionPath(namespace: String?) -> String {
        if namespaced, let namespace { return "\(basePath)/namespaces/\(namespace)/\(plural)" }
        return "\(basePath)/\(plural)"
    }

    /// The path of one object.
    public func objectPath(namespace: String?, name: String) -> String {
        "\(collectionPath(namespace: namespaced ? namespace : nil))/\(name)"
    }

    /// The identity of an object of this kind as the server lists it (list
    /// items of built-in kinds carry no apiVersion or kind).
    public func id(of item: YAMLValue) -> ResourceID {
        ResourceID(
            group: group, version: version, kind: kind,
            namespace: namespaced ? item["metadata"]?["namespace"]?.string : nil,
            name: item["metadata"]?["name"]?.string ?? "")
    }
}

/// What the API server serves, read from its discovery documents (`/api`,
/// `/api/v1`, `/apis`, `/apis/{group}/{version}`) once per run.
public actor Discovery {
    private let api: any KubernetesAPI
    private var resourceLists: [String: [APIResource]] = [:]
    private var groups: [String: [String]]?

    /// Creates a discovery cache over `api`.
    public init(api: any KubernetesAPI) {
        self.api = api
    }

    /// The resource for `kind` in `apiVersion`; nil when the server does not
    /// serve that group version or that kind in it.
    public func resource(apiVersion: String, kind: String) async throws -> APIResource? {
        try await resources(apiVersion: apiVersion).first { $0.kind == kind }
    }

    /// The resource for `kind` in `group`, in the group's preferred version
    /// first; nil when no served version has it.
    public func resource(group: String, kind: String) async throws -> APIResource? {
        for version in try await versions(of: group) {
            let apiVersion = group.isEmpty ? version : "\(group)/\(version)"
            if let found = try await resource(apiVersion: apiVersion, kind: kind) { return found }
        }
        return nil
    }

    /// Versions the server serves for `group`, preferred first (`/api` for
    /// the core group, `/apis` for the others).
    public func versions(of group: String) async throws -> [String] {
        if groups == nil {
            var found: [String: [String]] = [:]
            let core = try await api.get("/api")
            found[""] = core["versions"]?.listValue?.compactMap(\.string) ?? []
            let list = try await api.get("/apis")
            for entry in list["groups"]?.listValue ?? [] {
                guard let name = entry["name"]?.string else { continue }
                var versions = entry["versions"]?.listValue?.compactMap { $0["version"]?.string } ?? []
                if let preferred = entry["preferredVersion"]?["version"]?.string, let index = versions.firstIndex(of: preferred) {
                    versions.remove(at: index)
                    versions.insert(preferred, at: 0)
                }
                found[name] = versions
            }
            groups = found
        }
        return groups?[group] ?? []
    }

    /// Every namespaced kind the server can list, in each group's preferred
    /// version (the core group first): what a namespace can hold. Groups whose
    /// discovery fails are returned as failures, not skipped silently.
    public func namespacedListableResources() async throws -> (resources: [APIResource], failures: [String]) {
        _ = try await versions(of: "")
        var found: [APIResource] = []
        var failures: [String] = []
        let names = (groups ?? [:]).keys.sorted()
        for group in names {
            guard let preferred = groups?[group]?.first else { continue }
            let apiVersion = group.isEmpty ? preferred : "\(group)/\(preferred)"
            do {
                found += try await resources(apiVersion: apiVersion).filter { $0.namespaced && $0.verbs.contains("list") }
            } catch  where !isFatal(error) {
                failures.append("cannot read what \(apiVersion) serves: \(error.runnerFailure.message)")
            }
        }
        return (found, failures)
    }

    private func resources(apiVersion: String) async throws -> [APIResource] {
        if let cached = resourceLists[apiVersion] { return cached }
        let (group, version) = Self.split(apiVersion)
        let path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        var resources: [APIResource] = []
        if let document = try await api.getIfPresent(path) {
            for entry in document["resources"]?.listValue ?? [] {
                // Subresources (`namespaces/status`) are not kinds of their own.
                guard let name = entry["name"]?.string, !name.contains("/"), let kind = entry["kind"]?.string else { continue }
                resources.append(
                    APIResource(
                        group: group, version: version, kind: kind, plural: name,
                        namespaced: entry["namespaced"] == .bool(true),
                        verbs: Set(entry["verbs"]?.listValue?.compactMap(\.string) ?? [])))
            }
        }
        resourceLists[apiVersion] = resources
        return resources
    }

    /// `group/version` split at its last slash; the core group is "".
    public static func split(_ apiVersion: String) -> (group: String, version: String) {
        guard let slash = apiVersion.lastIndex(of: "/") else { return ("", apiVersion) }
        return (String(apiVersion[..<slash]), String(apiVersion[apiVersion.index(after: slash)...]))
    }
}
