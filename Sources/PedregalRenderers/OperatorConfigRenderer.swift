import PedregalManifests
import PedregalResolver

/// Per cluster, the operator's watched-namespace setting listing every team
/// namespace there, so a new team is reconciled as soon as it is synced.
///
/// - apache: the operator's dynamic configuration ConfigMap (hot-reloaded
///   when `spark.kubernetes.operator.dynamicConfig.enabled=true`; the Helm
///   chart must not create its own copy: `dynamicConfig.create=false`).
/// - kubeflow: a ConfigMap whose `namespaces` key the controller Deployment
///   passes as `--namespaces=$(JOB_NAMESPACES)` (a restart applies it).
public struct OperatorConfigRenderer: ClusterRenderer {
    public init() {}

    public static let apacheName = "spark-kubernetes-operator-dynamic-configuration"
    public static let kubeflowName = "spark-operator-job-namespaces"
    public static let watchedNamespacesKey = "spark.kubernetes.operator.watchedNamespaces"

    public func render(settings: PlatformSettings, regions: [ResolvedRegion], rendered: [ObjectAddress]) -> [Manifest] {
        var namespaces: [String: Set<String>] = [:]
        for object in rendered where object.id.kind == "Namespace" {
            namespaces[object.cluster, default: []].insert(object.id.name)
        }
        return regions.filter { $0.backend == .sk8 }.map { region in
            var list = (namespaces[region.cluster] ?? []).sorted()
            // An empty list would mean "every namespace" to the operator.
            if list.isEmpty { list = [settings.operatorNamespace] }
            let joined = list.joined(separator: ",")
            let builder = ObjectBuilder(cluster: region.cluster, source: "teams/*.yaml", labels: [Vocabulary.region: region.name])
            switch settings.sparkOperator {
            case .apache:
                return builder.make(
                    "v1", "ConfigMap", name: Self.apacheName, namespace: settings.operatorNamespace,
                    labels: [
                        "app.kubernetes.io/name": "spark-kubernetes-operator",
                        "app.kubernetes.io/component": "operator-dynamic-config-overrides",
                    ],
                    ["data": [Self.watchedNamespacesKey: .string(joined)]])
            case .kubeflow:
                return builder.make(
                    "v1", "ConfigMap", name: Self.kubeflowName, namespace: settings.operatorNamespace,
                    labels: ["app.kubernetes.io/name": "spark-operator"],
                    ["data": ["namespaces": .string(joined)]])
            }
        }
    }
}
