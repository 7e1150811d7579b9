import PedregalBasics
import PedregalManifests
import PedregalYAML

/// One changed field of an object: where, what it was, what it becomes
/// (nil: absent on that side).
public struct FieldChange: Hashable, Sendable {
    /// `spec.hard["requests.cpu"]`, `spec.containers[name=submit].image`.
    public var path: String
    public var old: YAMLValue?
    public var new: YAMLValue?

    public init(path: String, old: YAMLValue?, new: YAMLValue?) {
        self.path = path
        self.old = old
        self.new = new
    }
}

/// Field-by-field comparison of two object trees. Key order and formatting
/// never count (the trees are compared, not their text); list items that
/// have a `name` are matched by name, so inserting one item does not show as
/// every later item changing; YAML documents embedded in strings (templates,
/// routes) are compared as trees too.
public enum ValueDiff {
    public static func changes(_ old: YAMLValue?, _ new: YAMLValue?, path: String = "") -> [FieldChange] {
        switch (old, new) {
        case (nil, nil): return []
        case (let o?, let n?) where o == n: return []
        case (.map(let o)?, .map(let n)?): return maps(o, n, path: path)
        case (.list(let o)?, .list(let n)?): return lists(o, n, path: path)
        case (.string(let o)?, .string(let n)?):
            if let embeddedOld = embeddedDocument(o), let embeddedNew = embeddedDocument(n) {
                return changes(embeddedOld, embeddedNew, path: path)
            }
            return [FieldChange(path: path, old: old, new: new)]
        default:
            return [FieldChange(path: path, old: old, new: new)]
        }
    }

    private static func maps(_ old: YAMLMap, _ new: YAMLMap, path: String) -> [FieldChange] {
        var keys = old.keys
        var seen = Set(keys)
        for key in new.keys where seen.insert(key).inserted { keys.append(key) }
        return keys.flatMap { key in changes(old[key], new[key], path: join(path, key)) }
    }

    private static func lists(_ old: [YAMLValue], _ new: [YAMLValue], path: String) -> [FieldChange] {
        if let oldNames = names(old), let newNames = names(new) {
            var result: [FieldChange] = []
            var order = oldNames
            for name in newNames where !oldNames.contains(name) { order.append(name) }
            for name in order {
                let o = old.first { $0["name"]?.string == name }
                let n = new.first { $0["name"]?.string == name }
                result += changes(o, n, path: "\(path)[name=\(name)]")
            }
            return result
        }
        // Lists of scalars read best whole: [a, b] → [a, c].
        if old.allSatisfy(isScalar) && new.allSatisfy(isScalar) {
            return [FieldChange(path: path, old: .list(old), new: .list(new))]
        }
        return (0..<max(old.count, new.count)).flatMap { index in
            changes(index < old.count ? old[index] : nil, index < new.count ? new[index] : nil, path: "\(path)[\(index)]")
        }
    }

    /// The names of list items, when every item is a mapping with a unique name.
    private static func names(_ items: [YAMLValue]) -> [String]? {
        var names: [String] = []
        for item in items {
            guard let name = item["name"]?.string, !names.contains(name) else { return nil }
            names.append(name)
        }
        return names.isEmpty ? nil : names
    }

    private static func isScalar(_ value: YAMLValue) -> Bool {
        switch value {
        case .map, .list: return false
        default: return true
        }
    }

    /// The mapping a multi-line string holds, if it is a YAML document.
    static func embeddedDocument(_ text: String) -> YAMLValue? {
        guard text.contains("\n"), text.contains(": ") || text.contains(":\n") else { return nil }
        let result = YAMLParser().parse(Array(text.utf8), file: "")
        guard result.diagnostics.isEmpty, result.documents.count == 1, let value = result.documents.first?.value,
            case .map = value
        else { return nil }
        return value
    }

    /// `a.b`, or `a["b.c"]` for keys that are not plain identifiers.
    static func join(_ path: String, _ key: String) -> String {
        let plain =
            !key.isEmpty
            && key.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
            }
        if plain { return path.isEmpty ? key : "\(path).\(key)" }
        return "\(path)[\(JSONText.quote(key))]"
    }
}
