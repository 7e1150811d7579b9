import PedregalBasics
import PedregalDiagnostics
import PedregalManifests
import PedregalYAML

/// Checks files of manifests (multi-document YAML: generated/, hand-written
/// extras, other repositories) and reports every problem at the line and
/// column of the offending field, as the compiler reports its own input.
public struct ManifestFileCheck: Sendable {
    /// One file: its path as shown in messages, its path below the checked
    /// folder (whose first folders name its cluster), and its bytes.
    public struct File: Sendable {
        public var path: String
        public var pathInFolder: String
        public var bytes: [UInt8]

        public init(path: String, pathInFolder: String? = nil, bytes: [UInt8]) {
            self.path = path
            self.pathInFolder = pathInFolder ?? path
            self.bytes = bytes
        }
    }

    /// What a check found.
    public struct Report: Sendable {
        /// Every problem, sorted by location.
        public var diagnostics: [Diagnostic]
        /// Objects read (non-empty documents).
        public var objects: Int
    }

    public var validator: ManifestValidator
    /// Objects whose apiVersion and kind have no schema are warnings, not errors
    /// (kubeconform's `-ignore-missing-schemas`).
    public var ignoresMissingSchemas: Bool
    /// How many folders below the checked folder name the cluster of an
    /// object that has no `pedregal.io/cluster` label: the same object twice
    /// within one cluster is an error. Labelled objects (everything pedregal
    /// writes) belong to the cluster their label names, wherever they are.
    public var clusterDepth: Int

    public init(validator: ManifestValidator, ignoresMissingSchemas: Bool = false, clusterDepth: Int = 0) {
        self.validator = validator
        self.ignoresMissingSchemas = ignoresMissingSchemas
        self.clusterDepth = clusterDepth
    }

    /// An object's identity within a cluster, and where its name is written.
    private struct Identity: Hashable, Sendable {
        /// The cluster: its label's value, or the folders naming it.
        var cluster: [Substring]
        var group: String
        var kind: String
        var namespace: String
        var name: String
    }

    private struct FileResult: Sendable {
        var diagnostics: [Diagnostic]
        var objects: [(identity: Identity, location: SourceLocation)]
    }

    /// Checks `files` (paths relative to the checked folder decide clusters).
    public func check(_ files: [File]) -> Report {
        let results = files.parallelMap(check)
        var diagnostics = results.flatMap(\.diagnostics)
        var first: [Identity: SourceLocation] = [:]
        for (identity, location) in results.flatMap(\.objects) {
            if let earlier = first[identity] {
                let namespace = identity.namespace.isEmpty ? "" : "\(identity.namespace)/"
                let cluster = identity.cluster.isEmpty ? "one cluster" : "cluster '\(identity.cluster.joined(separator: "/"))'"
                diagnostics.append(
                    .error(
                        .duplicateName, "\(identity.kind) \(namespace)\(identity.name) is defined twice in \(cluster); remove one",
                        at: location, notes: [.init("it is first defined here", at: earlier)]))
            } else {
                first[identity] = location
            }
        }
        return Report(diagnostics: diagnostics.sorted(), objects: results.reduce(0) { $0 + $1.objects.count })
    }

    private func check(_ file: File) -> FileResult {
        let parsed = YAMLParser().parse(file.bytes, file: file.path)
        var result = FileResult(diagnostics: parsed.diagnostics, objects: [])
        for document in parsed.documents {
            if document.scalarValue == .null { continue }
            let object = document.plainValue
            let title = Self.title(of: object)
            for violation in validator.violations(of: document) {
                let severity: Diagnostic.Severity = violation.problem == .unknownKind && ignoresMissingSchemas ? .warning : .error
                let location =
                    Self.embeddedLocation(of: violation, in: document, bytes: file.bytes)
                    ?? Self.location(of: violation, in: document)
                let message =
                    "\(title): \(violation.path == FieldPath() ? "" : "\(violation.path): ")\(violation.message)"
                    + Self.hint(for: violation, in: document)
                result.diagnostics.append(Diagnostic(severity, violation.code, message, at: location))
            }
            if let identity = identity(of: object, in: file.pathInFolder) {
                let name = Self.node(at: FieldPath([.field("metadata"), .field("name")]), in: document)
                result.objects.append((identity, name?.value.location ?? document.location))
            }
        }
        return result
    }

    private func identity(of object: YAMLValue, in path: String) -> Identity? {
        guard let apiVersion = object["apiVersion"]?.string, let kind = object["kind"]?.string,
            let name = object["metadata"]?["name"]?.string
        else { return nil }
        let id = ResourceID(apiVersion: apiVersion, kind: kind, namespace: nil, name: name)
        let namespaced = validator.isNamespaced(apiVersion: apiVersion, kind: kind) ?? true
        let namespace = namespaced ? object["metadata"]?["namespace"]?.string ?? "" : ""
        let cluster: [Substring]
        if let label = object["metadata"]?["labels"]?[Vocabulary.cluster]?.string, !label.isEmpty {
            cluster = [Substring(label)]
        } else {
            cluster = Array(path.split(separator: "/").dropLast().prefix(clusterDepth))
        }
        return Identity(cluster: cluster, group: id.group, kind: kind, namespace: namespace, name: name)
    }

    /// `SparkApplication sjns-ml-dev/sc-default-0`, or what little is known.
    static func title(of object: YAMLValue) -> String {
        let kind = object["kind"]?.string ?? "object"
        guard let name = object["metadata"]?["name"]?.string else { return kind }
        return object["metadata"]?["namespace"]?.string.map { "\(kind) \($0)/\(name)" } ?? "\(kind) \(name)"
    }

    /// The deepest pair (or item) the path reaches, and whether it reached the end.
    static func node(at path: FieldPath, in document: YAMLNode) -> (key: SourceLocation?, value: YAMLNode, complete: Bool)? {
        var current = document
        var key: SourceLocation?
        for (i, component) in path.components.enumerated() {
            switch component {
            case .field(let name), .key(let name):
                guard let pair = current.mapping?.first(where: { $0.key == name }) else { return i == 0 ? nil : (key, current, false) }
                key = pair.keyLocation
                current = pair.value
            case .index(let index):
                guard let items = current.sequence, index < items.count else { return i == 0 ? nil : (key, current, false) }
                key = nil
                current = items[index]
            }
        }
        return (key, current, true)
    }

    /// Unknown fields and bad keys point at the key; other problems at the
    /// value; a missing field at the mapping that lacks it.
    static func location(of violation: SchemaViolation, in document: YAMLNode) -> SourceLocation {
        guard let found = node(at: violation.path, in: document) else { return document.location }
        if !found.complete { return found.key ?? found.value.location }
        if violation.concernsKey || violation.problem == .unknownField { return found.key ?? found.value.location }
        return found.value.location
    }

    /// For a problem inside an object kept as text (a job template's
    /// `sparkapplication.yaml: |`), the place in the block where it is.
    static func embeddedLocation(of violation: SchemaViolation, in document: YAMLNode, bytes: [UInt8]) -> SourceLocation? {
        let components = violation.path.components
        guard components.count > 2, components[0] == .field("data"), components[1] == .key(ManifestValidator.embeddedObjectKey),
            let found = node(at: FieldPath(Array(components.prefix(2))), in: document), found.complete,
            let scalar = found.value.scalar, scalar.style == .literal,
            let inner = YAMLParser().parse(Array(scalar.text.utf8), file: "").documents.first
        else { return nil }
        let innerViolation = SchemaViolation(
            violation.problem, at: FieldPath(Array(components.dropFirst(2))), violation.message, concernsKey: violation.concernsKey)
        let at = location(of: innerViolation, in: inner)
        // The block's text starts on the line after `|`, indented as its first line is.
        let blockLine = found.value.location.line + 1
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard blockLine - 1 < lines.count else { return nil }
        let indent = lines[blockLine - 1].prefix { $0 == UInt8(ascii: " ") }.count
        return SourceLocation(file: found.value.location.file, line: blockLine + at.line - 1, column: at.column + indent)
    }

    /// Kubernetes reads YAML 1.1: a plain `on` or `no` is a boolean there.
    static func hint(for violation: SchemaViolation, in document: YAMLNode) -> String {
        guard violation.problem == .wrongType, let found = node(at: violation.path, in: document), found.complete,
            let scalar = found.value.scalar, scalar.style == .plain, YAML11.boolean(scalar.text) != nil
        else { return "" }
        return " (Kubernetes reads YAML 1.1, where a plain '\(scalar.text)' is a boolean)"
    }
}
