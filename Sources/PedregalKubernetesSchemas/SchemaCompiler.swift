import PedregalYAML

/// Turns the bundle's JSON schemas into `SchemaNode`s for one Kubernetes
/// version: `$ref`s become pointers (each definition compiled once), `type`
/// lists become sets, patterns are compiled.
struct SchemaCompiler {
    let bundle: SchemaBundle
    /// Definition name → identifier in this version (built-in kinds only).
    let definitions: [String: String]
    private var compiled: [String: SchemaNode] = [:]
    /// Patterns Swift could not compile (and that are therefore not checked).
    private(set) var unreadablePatterns: Set<String> = []

    init(bundle: SchemaBundle, version: String) {
        self.bundle = bundle
        self.definitions = bundle.kubernetes[version]?.definitions ?? [:]
    }

    /// The node for a schema identifier (a definition name or a CRD schema).
    mutating func node(named reference: String, builtIn: Bool) -> SchemaNode {
        let identifier = definitions[reference] ?? reference
        if let node = compiled[identifier] { return node }
        let node = SchemaNode()
        // Registered before its children are compiled, so a definition that
        // refers to itself (directly or not) ends in a cycle, not a loop.
        compiled[identifier] = node
        if let schema = bundle.schemas[identifier] {
            fill(node, from: schema, builtIn: builtIn)
        }
        return node
    }

    private mutating func compile(_ schema: YAMLNode, builtIn: Bool) -> SchemaNode {
        if let reference = schema.mapping?.first(where: { $0.key == "$ref" })?.value.scalar?.text {
            return node(named: reference, builtIn: builtIn)
        }
        let node = SchemaNode()
        fill(node, from: schema, builtIn: builtIn)
        return node
    }

    private mutating func fill(_ node: SchemaNode, from schema: YAMLNode, builtIn: Bool) {
        node.builtIn = builtIn
        for pair in schema.mapping ?? [] {
            let value = pair.value
            switch pair.key {
            case "type":
                if let items = value.sequence {
                    for item in items { node.types.formUnion(JSONTypes(name: item.scalar?.text ?? "") ?? []) }
                } else if let type = JSONTypes(name: value.scalar?.text ?? "") {
                    node.types = type
                }
            case "properties":
                for property in value.mapping ?? [] {
                    node.properties[property.key] = compile(property.value, builtIn: builtIn)
                }
            case "required":
                node.required = (value.sequence ?? []).compactMap { $0.scalar?.text }
            case "additionalProperties":
                if case .bool(let allowed)? = value.scalar?.resolved {
                    node.additional = allowed ? .anything : .none
                } else {
                    node.additional = .schema(compile(value, builtIn: builtIn))
                }
            case "items":
                node.items = compile(value, builtIn: builtIn)
            case "enum":
                node.enumeration = (value.sequence ?? []).compactMap(\.scalarValue)
            case "format":
                node.format = ValueFormat(name: value.scalar?.text ?? "")
            case "pattern":
                let source = value.scalar?.text ?? ""
                node.pattern = ValuePattern(source)
                if node.pattern == nil { unreadablePatterns.insert(source) }
            case "minimum": node.minimum = value.scalarValue?.double
            case "maximum": node.maximum = value.scalarValue?.double
            case "exclusiveMinimum": node.exclusiveMinimum = value.scalarValue == .bool(true)
            case "exclusiveMaximum": node.exclusiveMaximum = value.scalarValue == .bool(true)
            case "minLength": node.minLength = Self.int(value)
            case "maxLength": node.maxLength = Self.int(value)
            case "minItems": node.minItems = Self.int(value)
            case "maxItems": node.maxItems = Self.int(value)
            case "minProperties": node.minProperties = Self.int(value)
            case "maxProperties": node.maxProperties = Self.int(value)
            case "uniqueItems": node.uniqueItems = value.scalarValue == .bool(true)
            case "nullable": node.nullable = value.scalarValue == .bool(true)
            case "x-kubernetes-preserve-unknown-fields": node.preservesUnknownFields = value.scalarValue == .bool(true)
            case "x-kubernetes-embedded-resource": node.embedsResource = value.scalarValue == .bool(true)
            case "x-kubernetes-int-or-string": node.intOrString = value.scalarValue == .bool(true)
            case "x-kubernetes-validations": node.celRules = value.sequence?.count ?? 0
            case "allOf": node.allOf = (value.sequence ?? []).map { compile($0, builtIn: builtIn) }
            case "anyOf": node.anyOf = (value.sequence ?? []).map { compile($0, builtIn: builtIn) }
            case "oneOf": node.oneOf = (value.sequence ?? []).map { compile($0, builtIn: builtIn) }
            case "not": node.not = compile(value, builtIn: builtIn)
            default: break
            }
        }
        if let listType = schema.mapping?.first(where: { $0.key == "x-kubernetes-list-type" })?.value.scalar?.text {
            let keys =
                schema.mapping?.first(where: { $0.key == "x-kubernetes-list-map-keys" })?.value.sequence?
                .compactMap { $0.scalar?.text } ?? []
            node.listType = listType == "set" ? .set : listType == "map" && !keys.isEmpty ? .map(keys: keys) : nil
        }
        if node.intOrString {
            // The structural form is `anyOf: [{type: integer}, {type: string}]`;
            // the flag says the same, so the branches need no second look.
            node.types.formUnion([.integer, .string])
            node.anyOf.removeAll { !$0.types.isEmpty && $0.types.isSubset(of: [.integer, .string]) && $0.specifiesNothingElse }
        }
        if builtIn && node.additional == .unspecified {
            // kubernetes-validate's strict schemas say `false` wherever a
            // built-in type has fixed fields; what they leave open is open.
            node.additional = .anything
        }
    }

    private static func int(_ node: YAMLNode) -> Int? {
        if case .int(let i)? = node.scalarValue { return i }
        return nil
    }
}

extension SchemaNode {
    /// Whether the node only says which type a value has.
    var specifiesNothingElse: Bool {
        properties.isEmpty && additional == .unspecified && items == nil && enumeration == nil && format == nil
            && pattern == nil && minimum == nil && maximum == nil && minLength == nil && maxLength == nil
            && allOf.isEmpty && anyOf.isEmpty && oneOf.isEmpty && not == nil
    }
}
