/// One compiled schema: an OpenAPI v3 / JSON Schema object with its `$ref`s
/// resolved to other nodes, read once from the bundle.
///
/// Nodes form a graph (Kubernetes definitions are shared by many kinds), so
/// they are classes; every field is set while the bundle is compiled and
/// never changed after, which is what makes sharing them across threads safe.
final class SchemaNode: @unchecked Sendable {
    /// The JSON types a value may have; empty means any.
    var types: JSONTypes = []
    /// Named fields of an object.
    var properties: [String: SchemaNode] = [:]
    /// Fields that must be present.
    var required: [String] = []
    /// What fields not in `properties` may be.
    var additional: AdditionalFields = .unspecified
    /// The schema of every item of a list.
    var items: SchemaNode?
    /// The allowed values, if the schema lists them.
    var enumeration: [ScalarValue]?
    var format: ValueFormat?
    var pattern: ValuePattern?
    var minimum: Double?
    var maximum: Double?
    var exclusiveMinimum = false
    var exclusiveMaximum = false
    var minLength: Int?
    var maxLength: Int?
    var minItems: Int?
    var maxItems: Int?
    var minProperties: Int?
    var maxProperties: Int?
    var uniqueItems = false
    /// `x-kubernetes-list-type`: atomic (nil), set, or map with its key fields.
    var listType: ListType?
    /// `x-kubernetes-preserve-unknown-fields`.
    var preservesUnknownFields = false
    /// `x-kubernetes-embedded-resource`: the value is a whole object (apiVersion, kind, metadata).
    var embedsResource = false
    /// `x-kubernetes-int-or-string`.
    var intOrString = false
    /// `nullable` (CRDs): null is a value here, not an absent field.
    var nullable = false
    var allOf: [SchemaNode] = []
    var anyOf: [SchemaNode] = []
    var oneOf: [SchemaNode] = []
    var not: SchemaNode?
    /// CEL rules (`x-kubernetes-validations`), kept to be counted: they are not evaluated.
    var celRules = 0
    /// Whether the node comes from a built-in kind (Kubernetes' own types)
    /// rather than a CRD; the two treat unspecified fields differently.
    var builtIn = false

    /// Whether the node says anything about the shape of a map (so that, in
    /// a CRD, fields below it are no longer preserved).
    var specifiesFields: Bool {
        !properties.isEmpty || additional != .unspecified
    }
}

/// JSON value types, as a set.
struct JSONTypes: OptionSet, Sendable, Hashable {
    let rawValue: UInt8
    static let null = JSONTypes(rawValue: 1)
    static let boolean = JSONTypes(rawValue: 2)
    static let integer = JSONTypes(rawValue: 4)
    /// Any number; an integer is a number too.
    static let number = JSONTypes(rawValue: 8)
    static let string = JSONTypes(rawValue: 16)
    static let array = JSONTypes(rawValue: 32)
    static let object = JSONTypes(rawValue: 64)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init?(name: String) {
        switch name {
        case "null": self = .null
        case "boolean": self = .boolean
        case "integer": self = .integer
        case "number": self = .number
        case "string": self = .string
        case "array": self = .array
        case "object": self = .object
        default: return nil
        }
    }

    /// "a string or an integer".
    var description: String {
        var names: [String] = []
        if contains(.object) { names.append("a mapping") }
        if contains(.array) { names.append("a list") }
        if contains(.string) { names.append("a string") }
        if contains(.integer) && !contains(.number) { names.append("an integer") }
        if contains(.number) { names.append("a number") }
        if contains(.boolean) { names.append("a boolean") }
        if contains(.null) && names.isEmpty { names.append("null") }
        if names.count < 2 { return names.first ?? "anything" }
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}

/// What a mapping may hold besides its named fields.
enum AdditionalFields: Equatable {
    /// Not said. Built-in kinds: anything (kubernetes-validate's strict
    /// schemas say `false` wherever Kubernetes would reject a field); CRDs:
    /// nothing, unless `x-kubernetes-preserve-unknown-fields` is in force.
    case unspecified
    /// Any field with any value.
    case anything
    /// No other field.
    case none
    /// Other fields, each with this schema (a map).
    case schema(SchemaNode)

    static func == (a: AdditionalFields, b: AdditionalFields) -> Bool {
        switch (a, b) {
        case (.unspecified, .unspecified), (.anything, .anything), (.none, .none): return true
        case (.schema(let x), .schema(let y)): return x === y
        default: return false
        }
    }
}

/// `x-kubernetes-list-type`.
enum ListType: Equatable {
    /// Items are unique.
    case set
    /// Items are mappings, unique by these fields.
    case map(keys: [String])
}

/// `format`s that are checked. Others are ignored, as the API server ignores them.
enum ValueFormat: Equatable {
    /// Built-in kinds only: the API server decodes them into 32-bit fields.
    case int32
    case int64
    /// RFC 3339 (`date-time`).
    case dateTime
    /// Base64 (`byte`).
    case byte
    /// A Kubernetes quantity (`io.k8s.apimachinery.pkg.api.resource.Quantity`).
    case quantity

    init?(name: String) {
        switch name {
        case "int32": self = .int32
        case "int64": self = .int64
        case "date-time", "datetime": self = .dateTime
        case "byte": self = .byte
        case "quantity": self = .quantity
        default: return nil
        }
    }
}
