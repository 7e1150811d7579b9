/// The type of one key's value, as the editor's JSON Schema states it. The
/// loader does not read types from here: it decodes each key with a reader
/// of its own, kept in step with these by hand.
public indirect enum FieldType: Sendable {
    /// A string; `pattern` is a regular expression for the JSON Schema.
    case string(pattern: String?)
    /// One of fixed strings.
    case enumeration([String])
    /// An integer within bounds (nil: unbounded on that side).
    case integer(minimum: Int?, maximum: Int?)
    /// `true` or `false`.
    case boolean
    /// A Kubernetes quantity (`Quantity`), written as a string or a number.
    case quantity
    /// A JVM memory size with a unit, such as `4g` (`SparkMemory`).
    case sparkMemory
    /// An RFC 3339 time.
    case timestamp
    /// A cron schedule in UTC: 5 fields, or a macro such as `@daily`.
    case cron
    /// Any scalar, used as its text (sparkConf values, arguments).
    case scalarText
    /// A list whose items all have the given type.
    case list(FieldType)
    /// A mapping with the fixed keys of the given schema.
    case object(ObjectSchema)
    /// A mapping whose keys are names (described by `keys`) and values all of one type.
    case map(keys: String, values: FieldType)

    /// A DNS-1123 label: lowercase letters, digits and '-', alphanumeric at both ends
    /// (the resolver checks names, length included).
    public static let dnsLabel = FieldType.string(pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
}

/// One key of an object.
public struct FieldSchema: Sendable {
    /// The key as written in YAML (`shortName`).
    public var name: String
    /// What its value must be.
    public var type: FieldType
    /// Whether the loader reports the key as missing when it is absent or empty.
    public var required: Bool
    /// What the key means, for the JSON Schema and "missing required key" messages.
    public var description: String

    /// The key `name` of `type`, optional unless `required`, meaning `description`.
    public init(_ name: String, _ type: FieldType, required: Bool = false, _ description: String) {
        self.name = name
        self.type = type
        self.required = required
        self.description = description
    }
}

/// A mapping with fixed keys.
public struct ObjectSchema: Sendable {
    /// A name for the definition (`Team`, `Job`, …), used in messages and in
    /// the JSON Schema's `$defs`.
    public var name: String
    /// What the object is, for the JSON Schema.
    public var description: String
    /// Its keys, in the order the JSON Schema lists them.
    public var fields: [FieldSchema]

    /// The object `name` meaning `description`, with the keys `fields`.
    public init(_ name: String, _ description: String, _ fields: [FieldSchema]) {
        self.name = name
        self.description = description
        self.fields = fields
    }

    /// The keys, in declaration order.
    public var keys: [String] { fields.map(\.name) }

    /// The field called `name`.
    public func field(_ name: String) -> FieldSchema? { fields.first { $0.name == name } }
}
