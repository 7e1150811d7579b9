import PedregalManifests
import PedregalResolver
import PedregalSpec
import PedregalYAML

/// Which custom resource a SparkApplication is, per operator.
public struct SparkFlavor: Sendable {
    public let flavor: SparkOperatorFlavor

    public init(_ flavor: SparkOperatorFlavor) {
        self.flavor = flavor
    }

    /// API group of SparkApplication.
    public var group: String { flavor == .apache ? "spark.apache.org" : "sparkoperator.k8s.io" }
    /// The newest served version of SparkApplication in the operator's CRD.
    public var apiVersion: String { flavor == .apache ? "spark.apache.org/v1" : "sparkoperator.k8s.io/v1beta2" }
}

/// What a SparkApplication should run; the builder turns it into either
/// operator's spec.
struct SparkWorkload {
    enum Lifecycle {
        /// Restarted whenever it stops: streaming jobs and Connect servers.
        case continuous
        /// Runs once to completion, retried on infrastructure failures.
        case batch
    }

    var name: String
    var component: String
    /// Extra labels for the object and its pods (job or cluster name).
    var labels: [String: String]
    var annotations: [String: String] = [:]
    var engine: ResolvedEngine
    var resources: SparkResources
    var catalogs: [ResolvedCatalog]
    /// Nil for a Spark Connect server.
    var mainApplicationFile: String?
    var mainClass: String?
    var args: [String]
    /// Properties derived by pedregal for this workload (e.g. the Connect port).
    var extraConf: [(String, String)]
    /// The team's own properties; they win over derived ones they repeat.
    var userConf: [(String, String)]
    var lifecycle: Lifecycle
    /// The runner retries failed runs with a remedy (`retry: {policy: auto}`), so the operator must not rerun them as they were.
    var retriedByRunner = false
}

extension TenantContext {
    /// The SparkApplication object for `workload` in this namespace.
    func sparkApplication(_ workload: SparkWorkload) -> Manifest {
        let flavor = SparkFlavor(platform.sparkOperator)
        let labels = workload.labels.merging([Vocabulary.component: workload.component]) { _, new in new }
        let spec = platform.sparkOperator == .apache ? apacheSpec(workload, podLabels: labels) : kubeflowSpec(workload, podLabels: labels)
        var annotations = workload.annotations
        annotations[Vocabulary.historyServer] = platform.observability?.historyServer
        return object(
            flavor.apiVersion, "SparkApplication", name: workload.name, labels: labels,
            annotations: annotations, ["spec": spec])
    }

    /// Properties that make the application report where the platform looks:
    /// event logs for the History Server, Prometheus metrics for the collector.
    private func observabilityConf(_ workload: SparkWorkload) -> [(String, String)] {
        guard let observability = platform.observability else { return [] }
        var conf: [(String, String)] = []
        if let dir = observability.eventLogDir(for: region) {
            conf += [
                ("spark.eventLog.enabled", "true"),
                ("spark.eventLog.dir", dir),
                // Servers and streaming jobs run for weeks: roll the log so
                // the History Server can read it while the app runs.
                ("spark.eventLog.rolling.enabled", "true"),
            ]
        }
        if observability.prometheus {
            conf += [
                ("spark.ui.prometheus.enabled", "true"),
                ("spark.metrics.conf.*.sink.prometheusServlet.class", "org.apache.spark.metrics.sink.PrometheusServlet"),
                ("spark.metrics.conf.*.sink.prometheusServlet.path", ResolvedObservability.metricsPath),
                ("spark.metrics.appStatusSource.enabled", "true"),
                // Named after the job or server, not the run's app id, so a
                // dashboard follows one job across runs.
                ("spark.metrics.namespace", workload.name),
                ("spark.sql.streaming.metricsEnabled", "true"),
            ]
        }
        return conf
    }

    /// Annotations on the driver pod that tell the collector where to scrape.
    private var driverPodAnnotations: [String: String] {
        guard platform.observability?.prometheus == true else { return [:] }
        return [
            "prometheus.io/scrape": "true",
            "prometheus.io/port": String(ResolvedObservability.uiPort),
            "prometheus.io/path": ResolvedObservability.metricsPath,
        ]
    }

    /// Pod labels: what the object carries, so Services and policies can select pods.
    private func podLabels(_ labels: [String: String]) -> [String: String] {
        builder.labels.merging(labels) { _, new in new }.merging([Vocabulary.managedBy: Vocabulary.managedByValue]) { _, new in new }
    }

    private func conf(_ workload: SparkWorkload, resourceConf: [(String, String)]) -> YAMLValue {
        var conf: [String: String] = [:]
        for (key, value) in resourceConf + SparkConfiguration.catalogs(workload.catalogs) + observabilityConf(workload) + workload.extraConf
        {
            conf[key] = value
        }
        for (key, value) in workload.userConf { conf[key] = value }
        return .sortedStrings(conf)
    }

    // Pod Security "restricted" forbids root, privilege escalation and
    // capabilities; Spark images run as an unprivileged user already.
    private var podSecurityContext: YAMLValue { ["runAsNonRoot": true, "seccompProfile": ["type": "RuntimeDefault"]] }
    private var containerSecurityContext: YAMLValue {
        ["allowPrivilegeEscalation": false, "capabilities": ["drop": ["ALL"]]]
    }

    private func apacheSpec(_ w: SparkWorkload, podLabels labels: [String: String]) -> YAMLValue {
        let r = w.resources
        var resourceConf: [(String, String)] = [
            ("spark.kubernetes.container.image", w.engine.image),
            ("spark.kubernetes.authenticate.driver.serviceAccountName", ObjectNames.driverServiceAccount),
            ("spark.driver.cores", String(r.driverCores)),
            ("spark.driver.memory", r.driverMemory.text),
            ("spark.executor.instances", String(r.executorInstances)),
            ("spark.executor.cores", String(r.executorCores)),
            ("spark.executor.memory", r.executorMemory.text),
        ]
        if let overhead = r.driverMemoryOverhead { resourceConf.append(("spark.driver.memoryOverhead", overhead.text)) }
        if let overhead = r.executorMemoryOverhead { resourceConf.append(("spark.executor.memoryOverhead", overhead.text)) }
        let file = w.mainApplicationFile
        func pod(_ container: String, annotations: [String: String] = [:]) -> YAMLValue {
            [
                "podTemplateSpec": [
                    "metadata": [
                        "labels": .sortedStrings(podLabels(labels)),
                        "annotations": annotations.isEmpty ? .null : .sortedStrings(annotations),
                    ],
                    "spec": [
                        "securityContext": podSecurityContext,
                        "containers": [
                            [
                                "name": .string(container),
                                "securityContext": containerSecurityContext,
                            ]
                        ],
                    ],
                ]
            ]
        }
        let tolerations: YAMLValue
        switch w.lifecycle {
        case .continuous:
            tolerations = [
                "restartConfig": [
                    "restartPolicy": "Always", "maxRestartAttempts": 100, "restartBackoffMillis": 30_000,
                    // A stable hour forgives earlier failures, so it restarts for ever.
                    "restartCounterResetMillis": 3_600_000,
                ],
                "resourceRetainPolicy": "OnFailure",
            ]
        case .batch:
            tolerations = [
                "restartConfig": [
                    "restartPolicy": "OnInfrastructureFailure", "maxRestartAttempts": 3,
                    "restartBackoffMillis": 60_000,
                ],
                "resourceRetainPolicy": "OnFailure",
                "ttlAfterStopMillis": 604_800_000,
            ]
        }
        return [
            "mainClass": .optional(w.mainApplicationFile == nil ? "org.apache.spark.sql.connect.service.SparkConnectServer" : w.mainClass),
            "jars": .optional(file.flatMap { $0.hasSuffix(".jar") ? $0 : nil }),
            "pyFiles": .optional(file.flatMap { $0.hasSuffix(".py") ? $0 : nil }),
            "sparkRFiles": .optional(file.flatMap { $0.hasSuffix(".R") ? $0 : nil }),
            "driverArgs": w.args.isEmpty ? .null : .list(w.args.map(YAMLValue.string)),
            "sparkConf": conf(w, resourceConf: resourceConf),
            "runtimeVersions": [
                "sparkVersion": .string(w.engine.sparkVersion),
                "scalaVersion": .optional(w.engine.scalaVersion),
                "jdkVersion": .optional(w.engine.javaVersion),
            ],
            "applicationTolerations": tolerations,
            "driverSpec": pod("spark-kubernetes-driver", annotations: driverPodAnnotations),
            "executorSpec": pod("spark-kubernetes-executor"),
        ]
    }

    private func kubeflowSpec(_ w: SparkWorkload, podLabels labels: [String: String]) -> YAMLValue {
        let r = w.resources
        let file =
            w.mainApplicationFile
            ?? "local:///opt/spark/jars/spark-connect_\(w.engine.scalaVersion ?? "2.12")-\(w.engine.sparkVersion).jar"
        let type = file.hasSuffix(".py") ? "Python" : file.hasSuffix(".R") ? "R" : "Scala"
        let pod: [(String, YAMLValue)] = [
            ("labels", .sortedStrings(podLabels(labels))),
            ("podSecurityContext", podSecurityContext),
            ("securityContext", containerSecurityContext),
        ]
        var driver: YAMLMap = [
            "cores": .int(r.driverCores), "memory": .string(r.driverMemory.text),
            "serviceAccount": .string(ObjectNames.driverServiceAccount),
        ]
        var executor: YAMLMap = [
            "instances": .int(r.executorInstances), "cores": .int(r.executorCores),
            "memory": .string(r.executorMemory.text),
        ]
        if let overhead = r.driverMemoryOverhead { driver["memoryOverhead"] = .string(overhead.text) }
        if let overhead = r.executorMemoryOverhead { executor["memoryOverhead"] = .string(overhead.text) }
        for (key, value) in pod {
            driver[key] = value
            executor[key] = value
        }
        if !driverPodAnnotations.isEmpty { driver["annotations"] = .sortedStrings(driverPodAnnotations) }
        let restart: YAMLValue
        switch w.lifecycle {
        case .continuous:
            restart = ["type": "Always", "onFailureRetryInterval": 30, "onSubmissionFailureRetryInterval": 30]
        case .batch where w.retriedByRunner:
            restart = ["type": "Never"]
        case .batch:
            restart = [
                "type": "OnFailure", "onFailureRetries": 2, "onFailureRetryInterval": 60,
                "onSubmissionFailureRetries": 3, "onSubmissionFailureRetryInterval": 60,
            ]
        }
        return [
            "type": .string(type),
            "mode": "cluster",
            "sparkVersion": .string(w.engine.sparkVersion),
            "image": .string(w.engine.image),
            "mainApplicationFile": .string(file),
            "mainClass": .optional(w.mainApplicationFile == nil ? "org.apache.spark.sql.connect.service.SparkConnectServer" : w.mainClass),
            "arguments": w.args.isEmpty ? .null : .list(w.args.map(YAMLValue.string)),
            "sparkConf": conf(w, resourceConf: []),
            "restartPolicy": restart,
            "timeToLiveSeconds": w.lifecycle == .batch ? 604_800 : .null,
            "driver": .map(driver),
            "executor": .map(executor),
        ]
    }
}

extension Manifest {
    /// The object as YAML to embed in a ConfigMap (a template someone else
    /// creates later), without the Argo CD sync wave: it is not synced.
    var embeddedDocument: String {
        guard case .map(var object) = object, case .map(var metadata)? = object["metadata"],
            case .map(var annotations)? = metadata["annotations"]
        else { return YAMLWriter.document(object) }
        annotations[Vocabulary.syncWave] = nil
        metadata["annotations"] = .map(annotations)
        object["metadata"] = .map(metadata)
        return YAMLWriter.document(.map(object))
    }
}
