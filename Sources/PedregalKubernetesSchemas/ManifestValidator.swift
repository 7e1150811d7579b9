import PedregalDiagnostics
import PedregalManifests
import PedregalYAML

/// Checks Kubernetes objects as `kubeconform -strict` and the API server
/// would: against the OpenAPI schemas of one Kubernetes version for
/// built-in kinds, the vendored CRDs' structural schemas for custom
/// resources, and apimachinery's rules for names, namespaces, labels and
/// annotations. Every problem is reported with its field path.
///
/// Not checked: CEL rules (`x-kubernetes-validations`; the vendored CRDs
/// have none), admission webhooks and policies, and the per-field Go
/// validation of built-in kinds beyond names, keys and sizes (a container
/// port's range, a selector matching its template, …).
public struct ManifestValidator: Sendable {
    /// Kubernetes versions with vendored schemas, oldest first (`1.30`, …).
    public static var supportedKubernetesVersions: [String] { SchemaBundle.embedded.versions }
    /// The version used when templates/platform.yaml names none.
    public static var defaultKubernetesVersion: String { SchemaBundle.embedded.defaultVersion }

    /// The ConfigMap key that holds a SparkApplication for the runner; its text is checked as an object too.
    public static let embeddedObjectKey = Vocabulary.templateKey

    let schemas: KubernetesSchemas
    /// Whether objects kept as text in ConfigMaps (job and Spark Connect
    /// templates) are parsed and checked too.
    public var checksEmbeddedObjects = true

    /// The validator for `kubernetesVersion` (`1.33`), or nil when no schemas of that version are vendored.
    public init?(kubernetesVersion: String = ManifestValidator.defaultKubernetesVersion) {
        guard let schemas = KubernetesSchemas(version: kubernetesVersion) else { return nil }
        self.schemas = schemas
    }

    /// The Kubernetes version whose schemas this validator uses.
    public var kubernetesVersion: String { schemas.version }

    /// Every `apiVersion kind` with a schema, sorted.
    public var knownKinds: [String] { schemas.kinds.values.map { "\($0.apiVersion) \($0.kind)" }.sorted() }

    /// Whether objects of `apiVersion`/`kind` live in namespaces; nil when the kind is unknown.
    public func isNamespaced(apiVersion: String, kind: String) -> Bool? {
        schemas.kinds["\(apiVersion)/\(kind)"]?.namespaced
    }

    /// Every problem of one object (a mapping with apiVersion, kind, metadata, …) as renderers build it.
    public func violations(of object: YAMLValue) -> [SchemaViolation] {
        violationsOf(object)
    }

    /// Every problem of one object parsed from a file. Scalars are typed as
    /// Kubernetes reads YAML (a plain `on` is a boolean).
    public func violations(of document: YAMLNode) -> [SchemaViolation] {
        violationsOf(document)
    }

    // Generic inside the module only, so that it is specialised for both trees.
    private func violationsOf<Value: ValidatableValue>(_ object: Value) -> [SchemaViolation] {
        var walker = SchemaWalker<Value>(objectMeta: schemas.objectMeta)
        check(object, with: &walker)
        return walker.violations
    }

    private func check<Value: ValidatableValue>(_ object: Value, with walker: inout SchemaWalker<Value>) {
        guard let pairs = object.mapPairs else {
            return walker.report(.unreadable, "a manifest must be a mapping with apiVersion, kind and metadata")
        }
        func string(_ key: String) -> String? {
            guard let value = pairs.first(where: { $0.key == key })?.value else {
                walker.report(.missingField, "'\(key)' is missing", at: .field(key))
                return nil
            }
            guard case .string(let s)? = value.scalarValue, !s.isEmpty else {
                walker.report(.wrongType, "'\(key)' must be a non-empty string", at: .field(key))
                return nil
            }
            return s
        }
        let apiVersion = string("apiVersion")
        let kindName = string("kind")
        guard let apiVersion, let kindName else { return }
        guard let kind = schemas.kinds["\(apiVersion)/\(kindName)"] else {
            return walker.report(.unknownKind, unknownKindMessage(apiVersion: apiVersion, kind: kindName), at: .field("apiVersion"))
        }
        walker.check(object, kind.root)
        let group = apiVersion.contains("/") ? String(apiVersion[..<apiVersion.lastIndex(of: "/")!]) : ""
        guard let metadata = pairs.first(where: { $0.key == "metadata" })?.value else { return }
        if let restrictions = kind.metadataRestrictions {
            // The CRD may narrow name and generateName; ObjectMeta covers the rest.
            var narrower = SchemaWalker<Value>(objectMeta: schemas.objectMeta, path: [.field("metadata")])
            narrower.valuesOnly = true
            narrower.check(metadata, restrictions, preserving: true)
            walker.adopt(narrower.violations)
        }
        if let fields = metadata.mapPairs {
            walker.checkMetadata(fields, group: group, kind: kindName, namespaced: kind.namespaced)
        }
        if group.isEmpty && kindName == "ConfigMap" {
            walker.checkConfigMap(pairs)
            if checksEmbeddedObjects { checkEmbeddedObjects(pairs, with: &walker) }
        }
    }

    /// A SparkApplication kept as text in a ConfigMap (job and Spark Connect
    /// templates the runner and the gateway submit) is an object too.
    private func checkEmbeddedObjects<Value: ValidatableValue>(_ pairs: [Value.Pair], with walker: inout SchemaWalker<Value>) {
        guard let data = pairs.first(where: { $0.key == "data" })?.value.mapPairs,
            case .string(let text)? = data.first(where: { $0.key == Self.embeddedObjectKey })?.value.scalarValue
        else { return }
        let at: [FieldPath.Component] = [.field("data"), .key(Self.embeddedObjectKey)]
        let parsed = YAMLParser().parse(Array(text.utf8), file: Self.embeddedObjectKey)
        if let problem = parsed.diagnostics.first {
            return walker.report(.unreadable, "the object it holds does not parse: \(problem.message)", steps: at)
        }
        guard parsed.documents.count == 1, let document = parsed.documents.first else {
            return walker.report(.unreadable, "must hold exactly one object, not \(parsed.documents.count)", steps: at)
        }
        var inner = SchemaWalker<YAMLNode>(objectMeta: schemas.objectMeta, path: at)
        check(document, with: &inner)
        walker.adopt(inner.violations)
    }

    private func unknownKindMessage(apiVersion: String, kind: String) -> String {
        let group = apiVersion.contains("/") ? String(apiVersion[..<apiVersion.lastIndex(of: "/")!]) : ""
        if let served = schemas.servedVersions["\(group)/\(kind)"] {
            return "\(apiVersion) is not a version of \(kind): CRD \(served.crd) serves \(served.versions.joined(separator: ", "))"
        }
        if let others = schemas.apiVersionsByKind[kind] {
            return "\(kind) is not in \(apiVersion); use \(others.joined(separator: " or "))"
        }
        return "no schema for \(apiVersion) \(kind): pedregal carries the schemas of the kinds it generates "
            + "(Kubernetes \(schemas.version)) and of the CRDs in schemas/crds"
    }
}
