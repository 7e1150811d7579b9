import PedregalManifests

/// Namespaces a cluster folder puts objects in without creating them: they
/// belong to platform components installed on their own (the Spark operator,
/// the Spark Connect gateway, Argo CD). When one is missing, the component
/// is not installed, and that is what the message must say.
enum PlatformNamespaces {
    /// The component an object is configuration for, by its labels and kind.
    static func component(of manifest: Manifest) -> String? {
        let labels = manifest.object["metadata"]?["labels"]
        switch labels?["app.kubernetes.io/name"]?.string {
        case "spark-kubernetes-operator": return "the Apache Spark Kubernetes operator"
        case "spark-operator": return "the Kubeflow Spark operator"
        default: break
        }
        if labels?[Vocabulary.component]?.string == SparkComponent.gatewayRoute { return "the Spark Connect gateway" }
        if manifest.id.group == "argoproj.io" { return "Argo CD" }
        return nil
    }

    /// Why `manifest` cannot go into `namespace`, which does not exist and
    /// which the folder does not create.
    static func missing(_ namespace: String, neededBy manifest: Manifest) -> String {
        guard let component = component(of: manifest) else {
            return "namespace \(namespace) does not exist, and this folder does not create it: "
                + "install the component that owns it (or create it) first"
        }
        return "namespace \(namespace) does not exist: install \(component) first (this folder does not create its namespace)"
    }
}
