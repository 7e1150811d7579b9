import PedregalSpec
import PedregalYAML

/// The JSON Schema (draft 2020-12) of a file format, for editors that
/// validate teams/*.yaml while typing. Built from `FormatSchema`, the same
/// description the loader checks keys against, so the two cannot drift.
public enum EditorSchema {
    /// The schema of `teams/<team>.yaml`.
    public static var team: String { document(FormatSchema.team, id: "team.schema.json") }

    /// The schema of the file described by `root`.
    public static func document(_ root: ObjectSchema, id: String) -> String {
        var definitions: [(String, YAMLValue)] = []
        var seen: Set<String> = [root.name]
        collect(root, into: &definitions, seen: &seen)
        var schema = object(root)
        guard case .map(var map) = schema else { return "" }
        map.entries.insert(
            contentsOf: [
                YAMLMap.Entry(key: "$schema", value: "https://json-schema.org/draft/2020-12/schema"),
                YAMLMap.Entry(key: "$id", value: .string(id)),
                YAMLMap.Entry(key: "title", value: .string("pedregal \(root.name.lowercased()) file (format version 1)")),
            ], at: 0)
        map["$defs"] = .map(YAMLMap(definitions.map { YAMLMap.Entry(key: $0.0, value: $0.1) }))
        schema = .map(map)
        return JSONWriter.pretty(schema) + "\n"
    }

    private static func collect(_ schema: ObjectSchema, into definitions: inout [(String, YAMLValue)], seen: inout Set<String>) {
        for field in schema.fields {
            for nested in objects(in: field.type) where seen.insert(nested.name).inserted {
                definitions.append((nested.name, object(nested)))
                collect(nested, into: &definitions, seen: &seen)
            }
        }
    }

    private static func objects(in type: FieldType) -> [ObjectSchema] {
        switch type {
        case .object(let schema): return [schema]
        case .list(let item): return objects(in: item)
        case .map(_, let values): return objects(in: values)
        default: return []
        }
    }

    private static func object(_ schema: ObjectSchema) -> YAMLValue {
        let required = schema.fields.filter(\.required).map { YAMLValue.string($0.name) }
        return .object([
            "type": "object",
            "description": .string(schema.description),
            "properties": .map(
                YAMLMap(
                    schema.fields.map { field in
                        YAMLMap.Entry(key: field.name, value: property(field.type, description: field.description))
                    })),
            "required": required.isEmpty ? .null : .list(required),
            "additionalProperties": false,
        ]).droppingNulls
    }

    private static func property(_ type: FieldType, description: String?) -> YAMLValue {
        var map: YAMLMap
        switch type {
        case .string(let pattern): map = ["type": "string", "pattern": .optional(pattern)]
        case .enumeration(let values): map = ["type": "string", "enum": .list(values.map(YAMLValue.string))]
        case .integer(let minimum, let maximum):
            map = ["type": "integer", "minimum": .optional(minimum), "maximum": .optional(maximum)]
        case .boolean: map = ["type": "boolean"]
        case .quantity:
            map = [
                "anyOf": [
                    ["type": "string", "pattern": #"^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$"#],
                    ["type": "number", "minimum": 0],
                ]
            ]
        case .sparkMemory:
            map = ["anyOf": [["type": "string", "pattern": "^[0-9]+([kKmMgGtTpP][bB]?|[bB])?$"], ["type": "integer", "minimum": 1]]]
        case .timestamp: map = ["type": "string", "format": "date-time"]
        case .cron:
            map = ["type": "string", "pattern": #"^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|\S+( +\S+){4})$"#]
        case .scalarText: map = ["type": ["string", "number", "boolean"]]
        case .list(let item): map = ["type": "array", "items": property(item, description: nil)]
        case .object(let schema): map = ["$ref": .string("#/$defs/\(schema.name)")]
        case .map(let keys, let values):
            map = [
                "type": "object", "propertyNames": ["description": .string(keys)],
                "additionalProperties": property(values, description: nil),
            ]
        }
        if let description {
            // A `$ref` with siblings is fine in 2020-12; editors show the description.
            map.entries.insert(YAMLMap.Entry(key: "description", value: .string(description)), at: 0)
        }
        return .map(map)
    }
}

extension YAMLValue {
    fileprivate var droppingNulls: YAMLValue {
        guard case .map(let m) = self else { return self }
        return .map(YAMLMap(m.entries))
    }
}
