import PedregalManifests
import PedregalYAML

/// Whether a live object still holds what the manifest says: every field of
/// the manifest, recursively, must equal the live value at the same path.
/// Fields only the live object has (defaults, status, server metadata) do
/// not count; lists are compared item by item.
///
/// Both sides are first put in the form the API server stores
/// (`StoredForm`: every Quantity of a built-in kind canonical), so a
/// manifest that writes `cpu: "1000"` is in sync with a live `1k`. This
/// reads nothing but the live object: `status` stays a read-only command
/// (`kubectl diff --server-side` would need patch rights for its dry-run
/// apply).
public enum Drift {
    /// One field that differs.
    public struct Difference: Sendable, Equatable, CustomStringConvertible {
        /// Where: `spec.sparkConf["spark.driver.cores"]`, `spec.ports[0].port`.
        public var path: String
        /// The manifest's value, as JSON.
        public var want: String
        /// The live value, as JSON, or nil when the field is absent.
        public var have: String?

        public var description: String {
            "\(path): want \(want), have \(have ?? "nothing")"
        }
    }

    /// Metadata the server owns; a manifest that copies them is not drifted by them.
    static let serverMetadata: Set<String> = [
        "resourceVersion", "uid", "creationTimestamp", "generation", "managedFields", "selfLink",
        "deletionTimestamp", "deletionGracePeriodSeconds",
    ]

    /// The differences between `desired` (a manifest) and `live`, in order.
    public static func differences(desired: YAMLValue, live: YAMLValue) -> [Difference] {
        var out: [Difference] = []
        let desired = StoredForm.canonicalizingQuantities(desired)
        let live = StoredForm.canonicalizingQuantities(withType(live, of: desired))
        guard case .map(let top) = desired else { return out }
        for entry in top.entries where entry.key != "status" {
            if entry.key == "metadata", case .map(let metadata) = entry.value {
                for field in metadata.entries where !serverMetadata.contains(field.key) {
                    compare(field.value, live["metadata"]?[field.key], path: "metadata" + step(field.key), into: &out)
                }
            } else {
                compare(entry.value, live[entry.key], path: step(entry.key, first: true), into: &out)
            }
        }
        return out
    }

    /// `live` with the manifest's apiVersion and kind when it lacks them
    /// (list items of built-in kinds do), so its Quantities are found.
    private static func withType(_ live: YAMLValue, of desired: YAMLValue) -> YAMLValue {
        guard case .map(var map) = live else { return live }
        for key in ["apiVersion", "kind"] where map[key] == nil { map[key] = desired[key] }
        return .map(map)
    }

    private static func compare(_ want: YAMLValue, _ have: YAMLValue?, path: String, into out: inout [Difference]) {
        let have = have ?? .null
        switch want {
        case .null:
            return
        case .map(let wanted):
            if wanted.isEmpty && (have == .null || have == .map(YAMLMap())) { return }
            guard case .map = have else {
                out.append(Difference(path: path, want: JSONWriter.string(want), have: text(have)))
                return
            }
            for entry in wanted.entries {
                compare(entry.value, have[entry.key], path: path + step(entry.key), into: &out)
            }
        case .list(let wanted):
            if wanted.isEmpty && (have == .null || have == .list([])) { return }
            guard case .list(let items) = have, items.count == wanted.count else {
                out.append(Difference(path: path, want: JSONWriter.string(want), have: text(have)))
                return
            }
            for (index, item) in wanted.enumerated() {
                compare(item, items[index], path: "\(path)[\(index)]", into: &out)
            }
        case .bool, .int, .string:
            if want != have {
                out.append(Difference(path: path, want: JSONWriter.string(want), have: text(have)))
            }
        }
    }

    private static func text(_ value: YAMLValue) -> String? {
        value == .null ? nil : JSONWriter.string(value)
    }

    private static func step(_ key: String, first: Bool = false) -> String {
        let plain = !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        if plain { return first ? key : "." + key }
        return "[\(JSONWriter.string(.string(key)))]"
    }
}
