/// Which names a kind accepts (apimachinery's name validation functions).
enum NameRule {
    case dns1123Label, dns1035Label, dns1123Subdomain, pathSegment

    var explanation: String {
        switch self {
        case .dns1123Label:
            return "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"
        case .dns1035Label:
            return
                "a DNS-1035 label: lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters"
        case .dns1123Subdomain:
            return
                "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters"
        case .pathSegment:
            return "a name that is not '.' or '..' and has no '/' or '%'"
        }
    }

    func accepts(_ name: String) -> Bool {
        switch self {
        case .dns1123Label: return ValueFormats.isDNS1123Label(name)
        case .dns1035Label: return ValueFormats.isDNS1035Label(name)
        case .dns1123Subdomain: return ValueFormats.isDNS1123Subdomain(name)
        case .pathSegment: return ValueFormats.isPathSegmentName(name)
        }
    }

    /// The name rule of a kind: Kubernetes' own, and DNS-1035 for the Spark
    /// kinds whose names the operators turn into Service names.
    static func forKind(group: String, kind: String) -> NameRule {
        switch (group, kind) {
        case ("", "Namespace"): return .dns1123Label
        case ("", "Service"), ("spark.apache.org", _), ("sparkoperator.k8s.io", _): return .dns1035Label
        case ("rbac.authorization.k8s.io", _): return .pathSegment
        default: return .dns1123Subdomain
        }
    }

    /// Longest names, where a kind is stricter than its name rule.
    static func maximumLength(group: String, kind: String) -> Int? {
        // A CronJob's Jobs are named `<cronjob>-<minutes>`, 11 characters more, within 63.
        group == "batch" && kind == "CronJob" ? 52 : nil
    }

    static let maximumAnnotationBytes = 256 * 1024
    static let maximumConfigMapBytes = 1024 * 1024
}

/// What the API server checks beyond the OpenAPI schema (apimachinery's
/// ObjectMeta validation and a few per-kind rules), for the kinds pedregal
/// emits: names, namespaces, label and annotation keys and values,
/// ConfigMap keys and size, the CronJob name limit.
extension SchemaWalker {
    mutating func checkMetadata(_ metadata: [Value.Pair], group: String, kind: String, namespaced: Bool) {
        let rule = NameRule.forKind(group: group, kind: kind)
        let name = metadata.first { $0.key == "name" }?.value.scalarValue
        if case .string(let s)? = name, !s.isEmpty {
            if !rule.accepts(s) {
                report(
                    .invalidName, "'\(s)' is not a valid \(kind) name: it must be \(rule.explanation)", at: .field("metadata"),
                    .field("name"))
            } else if let maximum = NameRule.maximumLength(group: group, kind: kind), s.count > maximum {
                report(
                    .invalidName, "'\(s)' is too long for a \(kind) name (\(s.count) characters; at most \(maximum))",
                    at: .field("metadata"), .field("name"))
            }
        } else if name == nil || name == .string("") {
            let generated = metadata.contains { $0.key == "generateName" }
            report(
                .missingField,
                "missing: every object needs a name" + (generated ? " (generateName does not work with apply or GitOps)" : ""),
                at: .field("metadata"), .field("name"))
        }
        let namespace = metadata.first { $0.key == "namespace" }?.value.scalarValue
        if namespaced {
            if case .string(let s)? = namespace, !s.isEmpty {
                if !ValueFormats.isDNS1123Label(s) {
                    report(
                        .invalidName, "namespace '\(s)' must be \(NameRule.dns1123Label.explanation)", at: .field("metadata"),
                        .field("namespace"))
                }
            } else if namespace == nil || namespace == .string("") {
                report(
                    .missingField, "missing: \(kind) is namespaced, and manifests are applied without a default namespace",
                    at: .field("metadata"), .field("namespace"))
            }
        } else if case .string(let s)? = namespace, !s.isEmpty {
            report(.invalidValue, "\(kind) is cluster-scoped; remove metadata.namespace", at: .field("metadata"), .field("namespace"))
        }
        if let labels = metadata.first(where: { $0.key == "labels" })?.value.mapPairs {
            for label in labels {
                if !ValueFormats.isQualifiedName(label.key) {
                    invalidKey(label.key, in: "labels", what: "label key")
                }
                if case .string(let value)? = label.value.scalarValue, !ValueFormats.isLabelValue(value) {
                    report(
                        .invalidName,
                        "label value '\(value)' must be empty or at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
                        at: .field("metadata"), .field("labels"), .key(label.key))
                }
            }
        }
        if let annotations = metadata.first(where: { $0.key == "annotations" })?.value.mapPairs {
            var bytes = 0
            for annotation in annotations {
                if !ValueFormats.isQualifiedName(annotation.key, anyCasePrefix: true) {
                    invalidKey(annotation.key, in: "annotations", what: "annotation key")
                }
                if case .string(let value)? = annotation.value.scalarValue { bytes += annotation.key.utf8.count + value.utf8.count }
            }
            if bytes > NameRule.maximumAnnotationBytes {
                report(
                    .invalidValue, "annotations take \(bytes) bytes; Kubernetes allows \(NameRule.maximumAnnotationBytes)",
                    at: .field("metadata"), .field("annotations"))
            }
        }
    }

    private mutating func invalidKey(_ key: String, in map: String, what: String) {
        report(
            .invalidName,
            "\(what) '\(key)' must be a name of at most 63 letters, digits, '-', '_' and '.' (starting and ending with a letter or digit), optionally after a DNS subdomain prefix and '/'",
            onKey: true, at: .field("metadata"), .field(map), .key(key))
    }

    /// ConfigMap: keys made of `[-._a-zA-Z0-9]`, none in both data and binaryData, at most 1 MiB in all.
    mutating func checkConfigMap(_ object: [Value.Pair]) {
        var keys: Set<String> = []
        var bytes = 0
        for field in ["data", "binaryData"] {
            guard let entries = object.first(where: { $0.key == field })?.value.mapPairs else { continue }
            for entry in entries {
                if !ValueFormats.isConfigMapKey(entry.key) {
                    report(
                        .invalidName,
                        "key '\(entry.key)' must be letters, digits, '-', '_' and '.' (not '.' or '..'), at most 253 characters",
                        onKey: true, at: .field(field), .key(entry.key))
                } else if !keys.insert(entry.key).inserted {
                    report(
                        .invalidValue, "key '\(entry.key)' is in both data and binaryData", onKey: true, at: .field(field), .key(entry.key))
                }
                if case .string(let value)? = entry.value.scalarValue { bytes += value.utf8.count }
            }
        }
        if bytes > NameRule.maximumConfigMapBytes {
            report(
                .invalidValue, "the data takes \(bytes) bytes; a ConfigMap holds at most \(NameRule.maximumConfigMapBytes)",
                at: .field("data"))
        }
    }
}
