import PedregalDiagnostics
import PedregalSpec
import PedregalYAML

/// Decodes the nodes of one file into spec values, collecting every shape
/// problem (wrong type, unknown or missing key, bad quantity) instead of
/// stopping at the first. A value that fails is reported once and comes back
/// as nil, so later stages see "absent", not a cascade of follow-on errors.
final class FileDecoder {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, notes: [Diagnostic.Note] = []) {
        diagnostics.append(.error(code, message, at: location, notes: notes))
    }

    func warning(_ code: DiagnosticCode, _ message: String, at location: SourceLocation) {
        diagnostics.append(.warning(code, message, at: location))
    }

    func append(_ more: [Diagnostic]) {
        diagnostics += more
    }

    private func wrongType(_ path: String, expected: String, node: YAMLNode, hint: String = "") {
        var found = node.kindDescription
        if let scalar = node.scalar, scalar.resolved != .null {
            found += " ('\(scalar.text)')"
        }
        error(.wrongType, "'\(path)' must be \(expected), not \(found)\(hint)", at: node.location)
    }

    // MARK: Objects

    /// Reads a mapping with the keys of `schema`: reports unknown keys (with a
    /// suggestion) and missing required ones. Nil when `node` is not a mapping.
    /// Missing keys are reported at `owner` (the key whose value this mapping
    /// is) when given, else at the mapping itself.
    func object(_ node: YAMLNode, _ schema: ObjectSchema, path: String, owner: SourceLocation? = nil) -> ObjectReader? {
        guard let pairs = node.mapping else {
            if path.isEmpty {
                error(
                    .wrongType,
                    "the file must be a mapping with the keys of a \(schema.name.lowercased()) file (\(schema.fields.filter(\.required).map(\.name).joined(separator: ", "))), not \(node.kindDescription)",
                    at: node.location)
            } else {
                wrongType(path, expected: "a mapping (\(schema.name))", node: node)
            }
            return nil
        }
        var present: [String: YAMLPair] = [:]
        // A misspelt required key is one mistake: the unknown-key error names
        // the right key, so "missing" is not reported for it as well.
        var suggested: Set<String> = []
        var merged = false
        for pair in pairs {
            if pair.key == "<<" {
                error(.unsupportedYAML, "YAML merge keys ('<<') are not supported; write the keys out", at: pair.keyLocation)
                merged = true
                continue
            }
            if schema.field(pair.key) == nil {
                let suggestion = Suggestion.closest(to: pair.key, in: schema.keys)
                if let suggestion { suggested.insert(suggestion) }
                let allowed = suggestion.map { "; did you mean '\($0)'?" } ?? "; allowed keys: \(schema.keys.joined(separator: ", "))"
                error(
                    .unknownKey, "unknown key '\(pair.key)' in \(describe(path, schema))\(allowed)",
                    at: pair.keyLocation)
                continue
            }
            if pair.value.scalar?.resolved == .null {
                if schema.field(pair.key)!.required {
                    error(.missingKey, "'\(join(path, pair.key))' is empty; give it a value", at: pair.keyLocation)
                }
                continue
            }
            present[pair.key] = pair
        }
        for field in schema.fields
        where field.required && present[field.name] == nil
            && !pairs.contains(where: { $0.key == field.name }) && !suggested.contains(field.name) && !merged
        {
            error(
                .missingKey, "\(describe(path, schema)) is missing required key '\(field.name)': \(field.description)",
                at: owner ?? node.location)
        }
        return ObjectReader(decoder: self, path: path, location: node.location, pairs: present, schema: schema)
    }

    private func describe(_ path: String, _ schema: ObjectSchema) -> String {
        path.isEmpty ? "the \(schema.name.lowercased()) file" : "'\(path)'"
    }

    /// Reads a mapping whose keys are names; nil when not a mapping.
    func namedEntries(_ node: YAMLNode, path: String, what: String) -> [YAMLPair]? {
        guard let pairs = node.mapping else {
            if path.isEmpty {
                error(.wrongType, "the file must be a mapping of \(what) by name, not \(node.kindDescription)", at: node.location)
            } else {
                wrongType(path, expected: "a mapping of \(what)", node: node)
            }
            return nil
        }
        return pairs
    }

    // MARK: Scalars

    func string(_ node: YAMLNode, path: String) -> Located<String>? {
        guard let scalar = node.scalar else {
            wrongType(path, expected: "a string", node: node)
            return nil
        }
        switch scalar.resolved {
        case .null:
            wrongType(path, expected: "a string", node: node)
            return nil
        case .bool:
            wrongType(path, expected: "a string", node: node, hint: "; quote it if you mean the text")
            return nil
        case .int, .float, .string:
            return Located(scalar.text, at: node.location)
        }
    }

    /// Any scalar as text: sparkConf values and arguments, where `true` and
    /// `400` mean the strings Spark will see.
    func scalarText(_ node: YAMLNode, path: String) -> Located<String>? {
        guard let scalar = node.scalar, scalar.resolved != .null else {
            wrongType(path, expected: "a string", node: node)
            return nil
        }
        return Located(scalar.text, at: node.location)
    }

    func int(_ node: YAMLNode, path: String, minimum: Int? = nil, maximum: Int? = nil) -> Located<Int>? {
        guard let scalar = node.scalar, case .int(let parsed) = scalar.resolved else {
            let quoted = node.scalar.map { $0.style != .plain && Int($0.text) != nil } ?? false
            wrongType(path, expected: "an integer", node: node, hint: quoted ? "; remove the quotes" : "")
            return nil
        }
        guard let value = parsed else {
            error(.invalidValue, "'\(path)' is too large", at: node.location)
            return nil
        }
        if let minimum, value < minimum {
            error(.invalidValue, "'\(path)' must be at least \(minimum), not \(value)", at: node.location)
            return nil
        }
        if let maximum, value > maximum {
            error(.invalidValue, "'\(path)' must be at most \(maximum), not \(value)", at: node.location)
            return nil
        }
        return Located(value, at: node.location)
    }

    /// Pod counts: an integer, or a string of digits as Kubernetes allows.
    func count(_ node: YAMLNode, path: String) -> Located<Int>? {
        if let scalar = node.scalar, scalar.resolved == .string, let value = Int(scalar.text), value >= 0 {
            return Located(value, at: node.location)
        }
        return int(node, path: path, minimum: 0)
    }

    func bool(_ node: YAMLNode, path: String) -> Located<Bool>? {
        guard let scalar = node.scalar, case .bool(let value) = scalar.resolved else {
            wrongType(path, expected: "true or false", node: node)
            return nil
        }
        return Located(value, at: node.location)
    }

    func enumeration<E: RawRepresentable & CaseIterable>(_ node: YAMLNode, path: String, as type: E.Type) -> Located<E>?
    where E.RawValue == String {
        guard let text = string(node, path: path) else { return nil }
        if let value = E(rawValue: text.value) { return Located(value, at: text.location) }
        let allowed = E.allCases.map(\.rawValue)
        error(
            .invalidValue,
            "'\(path)' must be one of \(allowed.joined(separator: ", ")), not '\(text.value)'"
                + Suggestion.hint(for: text.value, in: allowed), at: text.location)
        return nil
    }

    func quantity(_ node: YAMLNode, path: String) -> Located<Quantity>? {
        guard let scalar = node.scalar, scalar.resolved != .null, scalar.resolved != .bool(true),
            scalar.resolved != .bool(false)
        else {
            wrongType(path, expected: "a quantity such as \"32\", 500m or 128Gi", node: node)
            return nil
        }
        guard let quantity = Quantity(scalar.text) else {
            error(
                .invalidQuantity,
                "'\(path)' is not a Kubernetes quantity: '\(scalar.text)'; write a number with an optional suffix, e.g. \"32\", 500m, 128Gi",
                at: node.location)
            return nil
        }
        return Located(quantity, at: node.location)
    }

    func sparkMemory(_ node: YAMLNode, path: String) -> Located<SparkMemory>? {
        guard let text = scalarText(node, path: path) else { return nil }
        guard let memory = SparkMemory(text.value) else {
            error(
                .invalidQuantity,
                "'\(path)' is not a Spark memory size: '\(text.value)'; write a whole number and a unit (k, m, g or t), e.g. 4g or 512m",
                at: node.location)
            return nil
        }
        return Located(memory, at: node.location)
    }

    /// A list of strings; a bare string where a list belongs is an error with
    /// the fix spelt out.
    func stringList(_ node: YAMLNode, path: String) -> Located<[Located<String>]>? {
        guard let items = node.sequence else {
            let hint = node.scalar.map { "; write [\($0.text)]" } ?? ""
            wrongType(path, expected: "a list", node: node, hint: hint)
            return nil
        }
        let values = items.enumerated().compactMap { index, item in string(item, path: "\(path)[\(index)]") }
        return Located(values, at: node.location)
    }

    func list(_ node: YAMLNode, path: String) -> [YAMLNode]? {
        guard let items = node.sequence else {
            wrongType(path, expected: "a list", node: node)
            return nil
        }
        return items
    }
}

func join(_ path: String, _ key: String) -> String {
    path.isEmpty ? key : "\(path).\(key)"
}

/// The keys of one mapping, read by name.
struct ObjectReader {
    let decoder: FileDecoder
    let path: String
    let location: SourceLocation
    let pairs: [String: YAMLPair]
    let schema: ObjectSchema

    private func node(_ key: String) -> YAMLNode? {
        precondition(schema.field(key) != nil, "'\(key)' is not in the \(schema.name) schema")
        return pairs[key]?.value
    }

    func keyLocation(_ key: String) -> SourceLocation? { pairs[key]?.keyLocation }

    func path(_ key: String) -> String { join(path, key) }

    func string(_ key: String) -> Located<String>? {
        node(key).flatMap { decoder.string($0, path: path(key)) }
    }

    func int(_ key: String, minimum: Int? = nil, maximum: Int? = nil) -> Located<Int>? {
        node(key).flatMap { decoder.int($0, path: path(key), minimum: minimum, maximum: maximum) }
    }

    func bool(_ key: String) -> Located<Bool>? {
        node(key).flatMap { decoder.bool($0, path: path(key)) }
    }

    func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, as type: E.Type) -> Located<E>?
    where E.RawValue == String {
        node(key).flatMap { decoder.enumeration($0, path: path(key), as: type) }
    }

    func stringList(_ key: String) -> Located<[Located<String>]>? {
        node(key).flatMap { decoder.stringList($0, path: path(key)) }
    }

    func object(_ key: String, _ schema: ObjectSchema) -> ObjectReader? {
        node(key).flatMap { decoder.object($0, schema, path: path(key), owner: keyLocation(key)) }
    }

    func list(_ key: String) -> [YAMLNode]? {
        node(key).flatMap { decoder.list($0, path: path(key)) }
    }

    func entries(_ key: String, what: String) -> [YAMLPair]? {
        node(key).flatMap { decoder.namedEntries($0, path: path(key), what: what) }
    }

    func raw(_ key: String) -> YAMLNode? { node(key) }
}
