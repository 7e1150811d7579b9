import PedregalManifests
import PedregalResolver
import PedregalYAML

/// Spark Connect clusters in this region: the always-on ("hot") servers, one
/// Service in front of them, and the template the gateway starts on demand
/// when none is hot. On the EMR fallback only DNS and routes exist.
public struct SparkConnectRenderer: TenantRenderer {
    public init() {}

    public func render(_ context: TenantContext) -> [Manifest] {
        guard context.runsSpark else { return [] }
        return context.sparkConnectClusters.flatMap { render($0, context) }
    }

    static func annotations(_ cluster: ResolvedSparkConnect) -> [String: String] {
        cluster.expiresAt.map { [Vocabulary.expiresAt: $0] } ?? [:]
    }

    private func server(_ cluster: ResolvedSparkConnect, name: String, _ context: TenantContext) -> SparkWorkload {
        SparkWorkload(
            name: name, component: SparkComponent.connectServer, labels: [Vocabulary.sparkConnect: cluster.name],
            annotations: Self.annotations(cluster), engine: cluster.engine, resources: cluster.resources,
            catalogs: cluster.catalogs, mainApplicationFile: nil, mainClass: nil, args: [],
            extraConf: [
                ("spark.connect.grpc.binding.port", String(context.platform.sparkConnectPort)),
                ("spark.scheduler.mode", "FAIR"),
            ],
            userConf: [], lifecycle: .continuous)
    }

    private func render(_ cluster: ResolvedSparkConnect, _ context: TenantContext) -> [Manifest] {
        var manifests = (0..<cluster.hotServers).map { index in
            context.sparkApplication(server(cluster, name: ObjectNames.sparkConnectServer(cluster.name, index: index), context))
        }
        let port = YAMLValue.int(context.platform.sparkConnectPort)
        manifests.append(
            context.object(
                "v1", "Service", name: ObjectNames.sparkConnectService(cluster.name),
                labels: [Vocabulary.sparkConnect: cluster.name, Vocabulary.component: SparkComponent.connectServer],
                annotations: Self.annotations(cluster),
                [
                    "spec": [
                        "type": "ClusterIP",
                        "selector": .sortedStrings([
                            Vocabulary.sparkConnect: cluster.name, Vocabulary.component: SparkComponent.connectServer,
                            "spark-role": "driver",
                        ]),
                        "ports": [["name": "grpc", "protocol": "TCP", "port": port, "targetPort": port]],
                    ]
                ]))
        let onDemand = context.sparkApplication(server(cluster, name: "sc-\(cluster.name)-on-demand", context))
        manifests.append(
            context.object(
                "v1", "ConfigMap", name: ObjectNames.sparkConnectTemplate(cluster.name),
                labels: [Vocabulary.sparkConnect: cluster.name, Vocabulary.component: SparkComponent.connectTemplate],
                annotations: Self.annotations(cluster),
                ["data": [Vocabulary.templateKey: .string(onDemand.embeddedDocument)]]))
        return manifests
    }
}
