import PedregalYAML

/// The vendored schemas, as `scripts/refresh-schemas` writes them to
/// `schemas/manifest-schemas.json` (and, byte for byte, into
/// `EmbeddedSchemas.swift`, so the binary needs no files beside it).
///
/// - `kubernetes`: per supported Kubernetes version, which definition each
///   built-in kind is and which stored schema each definition name means in
///   that version (definitions that did not change are stored once);
/// - `crds`: the custom resources, each served version pointing at its schema;
/// - `schemas`: every schema by identifier; `$ref`s name other identifiers.
struct SchemaBundle: Sendable {
    struct KubernetesVersion: Sendable {
        /// `apiVersion/kind` → definition name.
        var kinds: [String: String]
        /// Definition name → schema identifier.
        var definitions: [String: String]
    }

    struct CustomResource: Sendable {
        var name: String
        var group: String
        var kind: String
        var namespaced: Bool
        /// Served versions in the CRD's order, with their schema identifiers.
        var versions: [(name: String, schema: String)]
    }

    var defaultVersion: String
    /// Oldest first.
    var versions: [String]
    var kubernetes: [String: KubernetesVersion]
    var customResources: [CustomResource]
    var schemas: [String: YAMLNode]
    var celRules: Int

    /// The bundle compiled into the binary.
    static let embedded: SchemaBundle = {
        do {
            return try SchemaBundle(json: embeddedJSON)
        } catch {
            // The bundle is generated and checked by the tests; this is unreachable unless it was hand-edited.
            fatalError("the embedded schema bundle is unreadable: \(error)")
        }
    }()

    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    init(json: String) throws {
        let limits = YAMLParser.Limits(maxBytes: 64 << 20, maxDepth: 512, maxNodes: 10_000_000)
        let parsed = YAMLParser(limits: limits).parse(Array(json.utf8), file: "schemas/manifest-schemas.json")
        guard parsed.diagnostics.isEmpty, let root = parsed.documents.first else {
            throw Unreadable(description: parsed.diagnostics.map(\.description).joined(separator: "; "))
        }
        func field(_ node: YAMLNode, _ key: String) throws -> YAMLNode {
            guard let value = node.mapping?.first(where: { $0.key == key })?.value else {
                throw Unreadable(description: "missing '\(key)'")
            }
            return value
        }
        func strings(_ node: YAMLNode) -> [String: String] {
            var out: [String: String] = [:]
            for pair in node.mapping ?? [] { out[pair.key] = pair.value.scalar?.text }
            return out
        }
        defaultVersion = try field(root, "defaultKubernetesVersion").scalar?.text ?? ""
        celRules = Int(try field(root, "celRules").scalar?.text ?? "") ?? 0
        kubernetes = [:]
        versions = []
        for pair in try field(root, "kubernetes").mapping ?? [] {
            versions.append(pair.key)
            kubernetes[pair.key] = KubernetesVersion(
                kinds: strings(try field(pair.value, "kinds")), definitions: strings(try field(pair.value, "definitions")))
        }
        customResources = try (field(root, "crds").sequence ?? []).map { crd in
            CustomResource(
                name: try field(crd, "name").scalar?.text ?? "", group: try field(crd, "group").scalar?.text ?? "",
                kind: try field(crd, "kind").scalar?.text ?? "",
                namespaced: try field(crd, "scope").scalar?.text != "Cluster",
                versions: try (field(crd, "versions").sequence ?? []).map {
                    (try field($0, "name").scalar?.text ?? "", try field($0, "schema").scalar?.text ?? "")
                })
        }
        schemas = [:]
        for pair in try field(root, "schemas").mapping ?? [] { schemas[pair.key] = pair.value }
        guard kubernetes[defaultVersion] != nil else {
            throw Unreadable(description: "the default version \(defaultVersion) has no schemas")
        }
    }
}
