import PedregalBasics
import PedregalDiagnostics
import PedregalYAML

/// Checks one value against one schema, depth first, collecting every
/// violation with its field path (up to a limit per object).
///
/// The rules are the API server's for structural schemas: unknown fields
/// are errors unless `x-kubernetes-preserve-unknown-fields` is in force
/// (it is inherited until a schema names fields again); in CRDs a null
/// field counts as absent unless the schema says `nullable`; built-in kinds
/// follow kubernetes-validate's strict JSON schemas.
struct SchemaWalker<Value: ValidatableValue> {
    /// The most violations reported for one object; the rest are follow-ons.
    static var limit: Int { 25 }

    /// ObjectMeta, for embedded resources.
    let objectMeta: SchemaNode
    /// When checking a branch of anyOf/oneOf/not: only values, never unknown fields.
    var valuesOnly = false
    private(set) var path: [FieldPath.Component] = []
    private(set) var violations: [SchemaViolation] = []

    init(objectMeta: SchemaNode, path: [FieldPath.Component] = []) {
        self.objectMeta = objectMeta
        self.path = path
    }

    /// Records a violation at the current path plus `extra` steps.
    mutating func report(
        _ problem: SchemaViolation.Problem, _ message: String, onKey: Bool = false, at extra: FieldPath.Component...
    ) {
        report(problem, message, onKey: onKey, steps: extra)
    }

    /// Records a violation at the current path plus `steps`.
    mutating func report(_ problem: SchemaViolation.Problem, _ message: String, onKey: Bool = false, steps: [FieldPath.Component]) {
        guard violations.count < Self.limit else { return }
        violations.append(SchemaViolation(problem, at: FieldPath(path + steps), message, concernsKey: onKey))
    }

    /// Takes over violations found by another walker (paths already complete).
    mutating func adopt(_ found: [SchemaViolation]) {
        violations += found.prefix(max(0, Self.limit - violations.count))
    }

    mutating func check(_ value: Value, _ node: SchemaNode, preserving inherited: Bool = false) {
        guard violations.count < Self.limit else { return }
        let preserve = node.preservesUnknownFields || (inherited && !node.specifiesFields)
        if let scalar = value.scalarValue {
            checkScalar(scalar, node)
        } else if let items = value.listItems {
            guard allows(.array, node) else { return wrongType(node, got: "a list") }
            checkList(items, node, preserve: preserve)
        } else if let pairs = value.mapPairs {
            guard allows(.object, node) else { return wrongType(node, got: "a mapping") }
            checkMap(pairs, node, preserve: preserve)
            if node.embedsResource { checkEmbeddedResource(pairs) }
        }
        if !node.allOf.isEmpty || !node.anyOf.isEmpty || !node.oneOf.isEmpty || node.not != nil {
            checkCombinations(value, node, preserve: preserve)
        }
    }

    private func allows(_ type: JSONTypes, _ node: SchemaNode) -> Bool {
        node.types.isEmpty || node.types.contains(type) || (type == .integer && node.types.contains(.number))
            || (type == .null && node.nullable)
    }

    private mutating func wrongType(_ node: SchemaNode, got: String, hint: String = "") {
        report(.wrongType, "must be \(node.types.subtracting(.null).description), not \(got)\(hint)")
    }

    private mutating func checkScalar(_ scalar: ScalarValue, _ node: SchemaNode) {
        guard allows(scalar.type, node) else {
            var hint = ""
            if case .string(let s) = scalar {
                if node.types.contains(.integer), Int(s) != nil { hint = "; remove the quotes" }
                if node.types.contains(.boolean), s == "true" || s == "false" { hint = "; remove the quotes" }
            } else if node.types.contains(.string), scalar != .null {
                hint = "; quote it"
            }
            return wrongType(node, got: scalar == .null ? "null" : "\(Self.noun(scalar)) (\(scalar.display))", hint: hint)
        }
        // A built-in kind's enum (Kubernetes' OpenAPI v3) leaves a field that is null or empty
        // alone: the API server treats both as unset and fills in the default.
        if let allowed = node.enumeration, !allowed.contains(scalar), !(node.builtIn && (scalar == .null || scalar == .string(""))) {
            let list = allowed.map { $0.display }.joined(separator: ", ")
            return report(.invalidValue, "\(scalar.display) is not one of the allowed values: \(list)")
        }
        switch scalar {
        case .int(let i):
            if node.format == .int32 && node.builtIn && (i < Int(Int32.min) || i > Int(Int32.max)) {
                report(.invalidValue, "\(i) does not fit in 32 bits")
            }
            checkRange(Double(i), node)
        case .number(let text):
            if let d = Double(text) { checkRange(d, node) }
        case .string(let s):
            checkString(s, node)
        case .null, .bool:
            break
        }
    }

    private mutating func checkRange(_ d: Double, _ node: SchemaNode) {
        if let minimum = node.minimum, d < minimum || (node.exclusiveMinimum && d == minimum) {
            report(
                .invalidValue,
                "\(Self.number(d)) is below the minimum \(node.exclusiveMinimum ? "(exclusive) " : "")\(Self.number(minimum))")
        }
        if let maximum = node.maximum, d > maximum || (node.exclusiveMaximum && d == maximum) {
            report(
                .invalidValue,
                "\(Self.number(d)) is above the maximum \(node.exclusiveMaximum ? "(exclusive) " : "")\(Self.number(maximum))")
        }
    }

    private mutating func checkString(_ s: String, _ node: SchemaNode) {
        switch node.format {
        case .quantity?:
            if !ValueFormats.isQuantity(s) { return badQuantity(s) }
        case .dateTime?:
            if case .failure(let problem) = RFC3339.parse(s) {
                report(.invalidValue, "\"\(s)\" is not an RFC 3339 time: \(problem.message)")
            }
        case .byte?:
            if !ValueFormats.isBase64(s) { report(.invalidValue, "must be base64 (standard alphabet, padded)") }
        case .int32?, .int64?, nil:
            break
        }
        if let pattern = node.pattern, !pattern.matches(s) {
            if case .quantity = pattern { return badQuantity(s) }
            report(.invalidValue, "\"\(s)\" does not match the pattern \(pattern.source)")
        }
        if node.minLength != nil || node.maxLength != nil {
            let length = s.unicodeScalars.count
            if let minimum = node.minLength, length < minimum {
                report(.invalidValue, "must be at least \(minimum) characters long")
            }
            if let maximum = node.maxLength, length > maximum {
                report(.invalidValue, "must be at most \(maximum) characters long (it has \(length))")
            }
        }
    }

    private mutating func badQuantity(_ s: String) {
        report(.invalidQuantity, "\"\(s)\" is not a Kubernetes quantity; write a number with an optional suffix, e.g. 500m, 2, 4Gi")
    }

    private mutating func checkList(_ items: [Value], _ node: SchemaNode, preserve: Bool) {
        if let minimum = node.minItems, items.count < minimum { report(.invalidValue, "must have at least \(minimum) items") }
        if let maximum = node.maxItems, items.count > maximum { report(.invalidValue, "must have at most \(maximum) items") }
        if let itemSchema = node.items {
            for (i, item) in items.enumerated() {
                path.append(.index(i))
                check(item, itemSchema, preserving: preserve)
                path.removeLast()
            }
        }
        guard items.count > 1 else { return }
        switch (node.listType, node.uniqueItems) {
        case (.set?, _), (nil, true):
            var seen: Set<YAMLValue> = []
            for (i, item) in items.enumerated() where !seen.insert(item.plainValue).inserted {
                report(.invalidValue, "duplicate item in a list whose items must be unique", at: .index(i))
            }
        case (.map(let keys)?, _):
            var seen: Set<[YAMLValue]> = []
            for (i, item) in items.enumerated() {
                guard case .map(let map) = item.plainValue else { continue }
                let key = keys.map { map[$0] ?? .null }
                if !seen.insert(key).inserted {
                    let described = zip(keys, key).map { "\($0)=\(ScalarValue.describe($1))" }.joined(separator: ", ")
                    report(.invalidValue, "duplicate item: another item has the same \(described)", at: .index(i))
                }
            }
        default:
            break
        }
    }

    private mutating func checkMap(_ pairs: [Value.Pair], _ node: SchemaNode, preserve: Bool) {
        if let minimum = node.minProperties, pairs.count < minimum { report(.invalidValue, "must have at least \(minimum) entries") }
        if let maximum = node.maxProperties, pairs.count > maximum { report(.invalidValue, "must have at most \(maximum) entries") }
        for pair in pairs {
            let property = node.properties[pair.key]
            // The API server drops nulls from custom resources before it validates them.
            if !node.builtIn, pair.value.scalarValue == .null, !(property?.nullable ?? false) { continue }
            if let property {
                path.append(.field(pair.key))
                check(pair.value, property, preserving: preserve)
                path.removeLast()
                continue
            }
            switch node.additional {
            case .schema(let values):
                path.append(.key(pair.key))
                check(pair.value, values, preserving: preserve)
                path.removeLast()
            case .anything:
                break
            case .none, .unspecified:
                // An embedded object always has these, whatever its schema lists.
                let objectField = node.embedsResource && ["apiVersion", "kind", "metadata"].contains(pair.key)
                if !preserve && !valuesOnly && !objectField { unknownField(pair.key, node) }
            }
        }
        for name in node.required where !pairs.contains(where: { $0.key == name && (node.builtIn || $0.value.scalarValue != .null) }) {
            report(.missingField, "required field '\(name)' is missing", at: .field(name))
        }
    }

    private mutating func unknownField(_ key: String, _ node: SchemaNode) {
        var message = "unknown field '\(key)'"
        if let suggestion = Suggestion.closest(to: key, in: node.properties.keys) {
            message += "; did you mean '\(suggestion)'?"
        } else if node.properties.isEmpty {
            message += "; this mapping takes no fields"
        } else if node.properties.count <= 12 {
            message += "; the fields here are \(node.properties.keys.sorted().joined(separator: ", "))"
        }
        report(.unknownField, message, at: .field(key))
    }

    private mutating func checkEmbeddedResource(_ pairs: [Value.Pair]) {
        for name in ["apiVersion", "kind"] where !pairs.contains(where: { $0.key == name }) {
            report(.missingField, "an embedded object needs '\(name)'", at: .field(name))
        }
        if let metadata = pairs.first(where: { $0.key == "metadata" })?.value {
            path.append(.field("metadata"))
            check(metadata, objectMeta)
            if let name = metadata.mapPairs?.first(where: { $0.key == "name" })?.value.scalarValue,
                case .string(let s) = name, !ValueFormats.isPathSegmentName(s)
            {
                report(.invalidName, "'\(s)' may not be '.' or '..' or contain '/' or '%'", at: .field("name"))
            }
            path.removeLast()
        }
    }

    /// allOf, anyOf, oneOf and not: value validations on top of the structure.
    private mutating func checkCombinations(_ value: Value, _ node: SchemaNode, preserve: Bool) {
        func passes(_ branch: SchemaNode) -> Bool {
            var walker = SchemaWalker(objectMeta: objectMeta, path: path)
            walker.valuesOnly = true
            walker.check(value, branch, preserving: true)
            return walker.violations.isEmpty
        }
        for branch in node.allOf { check(value, branch, preserving: true) }
        if !node.anyOf.isEmpty && !node.anyOf.contains(where: passes) {
            report(.invalidValue, "matches none of the forms this field allows")
        }
        if !node.oneOf.isEmpty && node.oneOf.filter(passes).count != 1 {
            report(.invalidValue, "must match exactly one of the forms this field allows")
        }
        if let not = node.not, passes(not) {
            report(.invalidValue, "has a form this field does not allow")
        }
    }

    static func noun(_ scalar: ScalarValue) -> String {
        switch scalar {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .number: return "a number"
        case .string: return "a string"
        }
    }

    static func number(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }
}

extension ScalarValue {
    /// A plain value shown in a message.
    static func describe(_ value: YAMLValue) -> String {
        value.scalarValue?.display ?? (value.listValue != nil ? "a list" : "a mapping")
    }
}
