import PedregalManifests

/// The team namespace, with Pod Security Admission labels and Argo CD's
/// protection against pruning or deleting it silently.
public struct NamespaceRenderer: TenantRenderer {
    public init() {}

    public func render(_ context: TenantContext) -> [Manifest] {
        let level = context.environment.podSecurity.rawValue
        var annotations = [Vocabulary.syncOptions: "Prune=confirm,Delete=confirm"]
        if let contact = context.team.contact { annotations[Vocabulary.contact] = contact }
        return [
            context.builder.make(
                "v1", "Namespace", name: context.namespace, namespace: nil,
                labels: [
                    "pod-security.kubernetes.io/enforce": level,
                    "pod-security.kubernetes.io/enforce-version": "latest",
                    "pod-security.kubernetes.io/audit": level,
                    "pod-security.kubernetes.io/warn": level,
                ],
                annotations: annotations)
        ]
    }
}
