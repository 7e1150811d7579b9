import PedregalYAML

/// What the Kubernetes API server does to a manifest's values before it
/// stores them, for the fields where that changes their spelling.
///
/// Every `resource.Quantity` field of a built-in kind is parsed and written
/// back in canonical form (see ``KubernetesQuantity``). Custom resources are
/// stored as sent: their schemas only say a field is a string or an integer.
/// The compiler writes manifests in this form, so a synced object equals its
/// file; the runner compares both sides in it, so a file written by hand in
/// another spelling is not reported as drift.
public enum StoredForm {
    /// `object` with every Quantity field of a built-in kind in canonical form.
    public static func canonicalizingQuantities(_ object: YAMLValue) -> YAMLValue {
        guard let apiVersion = object["apiVersion"]?.string, let kind = object["kind"]?.string,
            let paths = quantityPaths(apiVersion: apiVersion, kind: kind)
        else { return object }
        var result = object
        for path in paths {
            // Only a ResourceList (a map of quantities) is rounded up to 1m by
            // defaulting; a single Quantity field (emptyDir.sizeLimit) is not.
            let resourceList = path.last == .eachValue
            result = rewrite(result, at: path[...], resourceList: resourceList)
        }
        return result
    }

    /// The canonical spelling of a quantity value (a string or an integer),
    /// or the value itself when it is not a quantity.
    public static func canonicalQuantity(_ value: YAMLValue, resourceList: Bool = false) -> YAMLValue {
        switch value {
        case .string(let text):
            return KubernetesQuantity.canonical(text, resourceList: resourceList).map(YAMLValue.string) ?? value
        case .int(let number):
            return KubernetesQuantity.canonical(String(number), resourceList: resourceList).map(YAMLValue.string) ?? value
        default: return value
        }
    }

    // A path step: a key, every item of a list, or every value of a map.
    private enum Step: Hashable {
        case key(String)
        case eachItem
        case eachValue
    }

    /// The paths of every kind that has quantities, made once (this runs
    /// for every object the compiler makes).
    private static let pathsByKind: [String: [[Step]]] = {
        var paths: [String: [[Step]]] = [:]
        for (group, kind) in [
            ("", "ResourceQuota"), ("", "LimitRange"), ("", "PersistentVolumeClaim"), ("", "Pod"), ("", "PodTemplate"),
            ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "DaemonSet"), ("batch", "Job"), ("", "ReplicationController"),
            ("apps", "StatefulSet"), ("batch", "CronJob"),
        ] {
            paths[group + "/" + kind] = makeQuantityPaths(group: group, kind: kind)
        }
        return paths
    }()

    private static func quantityPaths(apiVersion: String, kind: String) -> [[Step]]? {
        guard let slash = apiVersion.firstIndex(of: "/") else { return pathsByKind["/" + kind] }
        return pathsByKind[apiVersion[..<slash] + "/" + kind]
    }

    private static func makeQuantityPaths(group: String, kind: String) -> [[Step]]? {
        switch (group, kind) {
        case ("", "ResourceQuota"):
            return [[.key("spec"), .key("hard"), .eachValue]]
        case ("", "LimitRange"):
            return ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"].map {
                [.key("spec"), .key("limits"), .eachItem, .key($0), .eachValue]
            }
        case ("", "PersistentVolumeClaim"):
            return resourceRequirements([.key("spec"), .key("resources")])
        case ("", "Pod"):
            return podSpec([.key("spec")])
        case ("", "PodTemplate"):
            return podSpec([.key("template"), .key("spec")])
        case ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "DaemonSet"), ("batch", "Job"), ("", "ReplicationController"):
            return podSpec([.key("spec"), .key("template"), .key("spec")])
        case ("apps", "StatefulSet"):
            return podSpec([.key("spec"), .key("template"), .key("spec")])
                + resourceRequirements([.key("spec"), .key("volumeClaimTemplates"), .eachItem, .key("spec"), .key("resources")])
        case ("batch", "CronJob"):
            return podSpec([.key("spec"), .key("jobTemplate"), .key("spec"), .key("template"), .key("spec")])
        default:
            return nil
        }
    }

    private static func resourceRequirements(_ prefix: [Step]) -> [[Step]] {
        [prefix + [.key("limits"), .eachValue], prefix + [.key("requests"), .eachValue]]
    }

    private static func podSpec(_ spec: [Step]) -> [[Step]] {
        var paths: [[Step]] = []
        for containers in ["containers", "initContainers", "ephemeralContainers"] {
            paths += resourceRequirements(spec + [.key(containers), .eachItem, .key("resources")])
        }
        paths += resourceRequirements(spec + [.key("resources")])
        paths.append(spec + [.key("overhead"), .eachValue])
        paths.append(spec + [.key("volumes"), .eachItem, .key("emptyDir"), .key("sizeLimit")])
        paths += resourceRequirements(
            spec + [.key("volumes"), .eachItem, .key("ephemeral"), .key("volumeClaimTemplate"), .key("spec"), .key("resources")])
        return paths
    }

    private static func rewrite(_ value: YAMLValue, at path: ArraySlice<Step>, resourceList: Bool) -> YAMLValue {
        guard let step = path.first else { return canonicalQuantity(value, resourceList: resourceList) }
        let rest = path.dropFirst()
        switch (step, value) {
        case (.key(let key), .map(var map)):
            guard let child = map[key], child != .null else { return value }
            map[key] = rewrite(child, at: rest, resourceList: resourceList)
            return .map(map)
        case (.eachItem, .list(let items)):
            return .list(items.map { rewrite($0, at: rest, resourceList: resourceList) })
        case (.eachValue, .map(var map)):
            for index in map.entries.indices {
                map.entries[index].value = rewrite(map.entries[index].value, at: rest, resourceList: resourceList)
            }
            return .map(map)
        default:
            return value
        }
    }
}
