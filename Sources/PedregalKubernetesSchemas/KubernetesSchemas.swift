/// The compiled schemas of one Kubernetes version: its built-in kinds that
/// pedregal emits and every vendored CRD, ready to check objects against.
final class KubernetesSchemas: Sendable {
    /// What one apiVersion/kind is checked against.
    struct Kind: Sendable {
        let apiVersion: String
        let kind: String
        let root: SchemaNode
        let namespaced: Bool
        /// The CRD's name, nil for built-in kinds.
        let definition: String?
        /// The CRD's own restrictions of `metadata` (name length or pattern), if any.
        let metadataRestrictions: SchemaNode?
    }

    let version: String
    /// `apiVersion/kind` → schema.
    let kinds: [String: Kind]
    /// `group/kind` of custom resources → the versions their CRD serves.
    let servedVersions: [String: (crd: String, versions: [String])]
    /// Kind → every apiVersion it has a schema for, for "did you mean".
    let apiVersionsByKind: [String: [String]]
    let objectMeta: SchemaNode
    /// CEL rules in the vendored schemas (not evaluated).
    let celRules: Int
    /// Patterns that could not be compiled (not checked).
    let unreadablePatterns: [String]

    /// Built-in kinds that live outside namespaces (of those pedregal could emit).
    static let clusterScoped: Set<String> = [
        "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume",
        "StorageClass", "PriorityClass", "IngressClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
    ]

    init?(version: String, bundle: SchemaBundle = .embedded) {
        guard let table = bundle.kubernetes[version] else { return nil }
        self.version = version
        var compiler = SchemaCompiler(bundle: bundle, version: version)
        let objectMeta = compiler.node(named: "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", builtIn: true)
        var kinds: [String: Kind] = [:]
        for (key, definition) in table.kinds {
            let slash = key.lastIndex(of: "/")!
            let apiVersion = String(key[..<slash])
            let kind = String(key[key.index(after: slash)...])
            kinds[key] = Kind(
                apiVersion: apiVersion, kind: kind, root: compiler.node(named: definition, builtIn: true),
                namespaced: !Self.clusterScoped.contains(kind), definition: nil, metadataRestrictions: nil)
        }
        var served: [String: (crd: String, versions: [String])] = [:]
        for crd in bundle.customResources {
            served["\(crd.group)/\(crd.kind)"] = (crd.name, crd.versions.map(\.name))
            for version in crd.versions {
                let schema = compiler.node(named: version.schema, builtIn: false)
                // The API server checks metadata as ObjectMeta whatever the CRD says;
                // the CRD may only narrow name and generateName.
                let root = SchemaNode()
                root.types = .object
                root.properties = schema.properties
                root.properties["metadata"] = objectMeta
                // Some CRDs (the Apache operator's) leave out the fields every object has.
                for name in ["apiVersion", "kind"] where root.properties[name] == nil {
                    let string = SchemaNode()
                    string.types = .string
                    root.properties[name] = string
                }
                root.required = schema.required
                root.additional = schema.additional
                root.preservesUnknownFields = schema.preservesUnknownFields
                root.allOf = schema.allOf
                root.anyOf = schema.anyOf
                root.oneOf = schema.oneOf
                root.not = schema.not
                let apiVersion = "\(crd.group)/\(version.name)"
                kinds["\(apiVersion)/\(crd.kind)"] = Kind(
                    apiVersion: apiVersion, kind: crd.kind, root: root, namespaced: crd.namespaced, definition: crd.name,
                    metadataRestrictions: schema.properties["metadata"])
            }
        }
        self.kinds = kinds
        self.servedVersions = served
        self.apiVersionsByKind = Dictionary(grouping: kinds.values, by: \.kind).mapValues { $0.map(\.apiVersion).sorted() }
        self.objectMeta = objectMeta
        self.celRules = bundle.celRules
        self.unreadablePatterns = compiler.unreadablePatterns.sorted()
    }
}
