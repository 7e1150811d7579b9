import PedregalKubernetes
import PedregalManifests
import PedregalYAML

/// Everything in one namespace: what deleting it takes down.
public struct NamespaceContents: Sendable {
    /// The namespace.
    public var name: String
    /// Every object found in it, of every namespaced kind the server lists
    /// (Events left out), sorted.
    public var objects: [ResourceID]
    /// Those that are runs made by `submit`.
    public var runs: Set<ResourceID>
    /// Kinds that could not be listed: the namespace is then not deleted.
    public var problems: [String]

    var json: YAMLValue {
        .object([
            "name": .string(name), "objects": .list(objects.map(\.json)),
            "runs": .list(objects.filter { runs.contains($0) }.map(\.json)),
            "problems": .list(problems.map(YAMLValue.string)),
        ])
    }
}

/// Lists everything in a namespace, through discovery: every namespaced
/// kind the server can list, in its group's preferred version.
struct NamespaceLister: Sendable {
    var session: ClusterSession

    /// Events are a record of what happened, not something the namespace holds.
    static let ignoredKinds: Set<String> = ["Event"]

    func contents(of namespace: String) async throws -> NamespaceContents {
        var contents = NamespaceContents(name: namespace, objects: [], runs: [], problems: [])
        let (resources, failures) = try await session.discovery.namespacedListableResources()
        contents.problems = failures
        var seen: Set<ResourceID> = []
        for resource in resources where !Self.ignoredKinds.contains(resource.kind) {
            let items: [YAMLValue]
            do {
                items = try await session.api.list(resource.collectionPath(namespace: namespace), labelSelector: nil)
            } catch  where !isFatal(error) {
                contents.problems.append("cannot list \(resource.kind) in \(resource.apiVersion): \(error.runnerFailure.message)")
                continue
            }
            for item in items {
                var id = resource.id(of: item)
                id.namespace = namespace
                // The same object can be served by two groups (rarely); list it once.
                guard seen.insert(id.versionless).inserted else { continue }
                contents.objects.append(id)
                if item["metadata"]?["labels"]?[Vocabulary.runToken]?.string != nil { contents.runs.insert(id) }
            }
        }
        contents.objects.sort()
        return contents
    }
}
