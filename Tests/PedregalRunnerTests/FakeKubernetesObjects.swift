import PedregalManifests
import PedregalYAML

/// Path-addressed reads and writes on `YAMLValue` trees, and the field
/// paths of a server-side apply, for the fake API server.
enum FieldPaths {
    /// Every leaf of `value`: scalars, lists (atomic, as SSA treats untyped
    /// lists) and empty mappings, with their paths.
    static func leaves(_ value: YAMLValue, prefix: [String] = []) -> [([String], YAMLValue)] {
        if case .map(let map) = value, !map.isEmpty {
            return map.entries.flatMap { leaves($0.value, prefix: prefix + [$0.key]) }
        }
        return [(prefix, value)]
    }

    /// The value at `path`, if any.
    static func value(_ root: YAMLValue, at path: [String]) -> YAMLValue? {
        var current: YAMLValue? = root
        for key in path { current = current?[key] }
        return current
    }

    /// `root` with `value` at `path`, creating mappings on the way.
    static func setting(_ root: YAMLValue, _ path: [String], to value: YAMLValue) -> YAMLValue {
        guard let key = path.first else { return value }
        var map = root.mapValue ?? YAMLMap()
        let child = map[key] ?? .map(YAMLMap())
        let updated = setting(child, Array(path.dropFirst()), to: value)
        if let index = map.entries.firstIndex(where: { $0.key == key }) {
            map.entries[index].value = updated
        } else {
            map.entries.append(YAMLMap.Entry(key: key, value: updated))
        }
        return .map(map)
    }

    /// `root` without the field at `path`.
    static func removing(_ root: YAMLValue, _ path: [String]) -> YAMLValue {
        guard let key = path.first, var map = root.mapValue, let index = map.entries.firstIndex(where: { $0.key == key }) else {
            return root
        }
        if path.count == 1 {
            map.entries.remove(at: index)
        } else {
            map.entries[index].value = removing(map.entries[index].value, Array(path.dropFirst()))
        }
        return .map(map)
    }

    /// The `fieldsV1` tree of a set of paths (`{"f:spec": {"f:replicas": {}}}`).
    static func fieldsV1(_ paths: Set<[String]>) -> YAMLValue {
        var tree = YAMLValue.map(YAMLMap())
        for path in paths.sorted(by: { $0.joined(separator: "\u{0}") < $1.joined(separator: "\u{0}") }) {
            tree = setting(tree, path.map { "f:\($0)" }, to: .map(YAMLMap()))
        }
        return tree
    }
}
