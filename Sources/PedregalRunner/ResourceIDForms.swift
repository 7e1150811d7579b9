import PedregalManifests
import PedregalYAML

extension ResourceID {
    /// The identity as a JSON object.
    var json: YAMLValue {
        .object([
            "apiVersion": .string(apiVersion), "kind": .string(kind), "namespace": .optional(namespace),
            "name": .string(name),
        ])
    }

    /// The identity without its version: the same object whichever version
    /// the server is asked through.
    var versionless: ResourceID {
        ResourceID(group: group, version: "", kind: kind, namespace: namespace, name: name)
    }
}
