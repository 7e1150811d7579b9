import PedregalManifests
import PedregalResolver
import PedregalSpec
import PedregalYAML

/// Jobs placed in this region.
///
/// - Streaming: a SparkApplication that restarts whenever it stops.
/// - Batch: a template (a ConfigMap holding the SparkApplication) that the
///   runner submits; a live batch SparkApplication is never applied, or every
///   sync would start it again. With a schedule, a CronJob runs the runner's
///   submit with the scheduled time as idempotency token (Apache operator),
///   or the Kubeflow operator's ScheduledSparkApplication does the same.
///
/// Regions on the EMR fallback get none of these.
public struct JobRenderer: TenantRenderer {
    public init() {}

    /// Where the CronJob mounts the template.
    public static let templateMountPath = "/etc/pedregal/job"
    /// Where `--in-cluster` looks for the ServiceAccount's token, CA and namespace.
    static let serviceAccountPath = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// What automounting would give the pod (token, cluster CA, namespace),
    /// written out so the pod opts out of automounting and the token expires
    /// after ten minutes (the shortest the API server issues); a submit
    /// takes seconds.
    static let serviceAccountTokenVolume = serviceAccountTokenVolume(expirationSeconds: 600)

    /// The `kube-api-access` projected volume automounting would add, with
    /// tokens that expire after `expirationSeconds` (the kubelet refreshes them).
    static func serviceAccountTokenVolume(expirationSeconds: Int) -> YAMLValue {
        [
            "name": "kube-api-access",
            "projected": [
                "sources": [
                    ["serviceAccountToken": ["path": "token", "expirationSeconds": .int(expirationSeconds)]],
                    ["configMap": ["name": "kube-root-ca.crt", "items": [["key": "ca.crt", "path": "ca.crt"]]]],
                    [
                        "downwardAPI": [
                            "items": [["path": "namespace", "fieldRef": ["apiVersion": "v1", "fieldPath": "metadata.namespace"]]]
                        ]
                    ],
                ]
            ],
        ]
    }

    public func render(_ context: TenantContext) -> [Manifest] {
        guard context.runsSpark else { return [] }
        return context.environment.jobs.filter { $0.regions.contains(context.region) }.flatMap { job in
            render(job, context)
        }
    }

    private func workload(_ job: ResolvedJob) -> SparkWorkload {
        var workload = SparkWorkload(
            name: job.name, component: SparkComponent.job, labels: [Vocabulary.job: job.name], engine: job.engine,
            resources: job.resources, catalogs: job.catalogs, mainApplicationFile: job.mainApplicationFile,
            mainClass: job.mainClass, args: job.args, extraConf: [], userConf: job.sparkConf,
            lifecycle: job.type == .streaming ? .continuous : .batch)
        if job.type == .batch { workload.annotations[Vocabulary.concurrencyPolicy] = Self.policy(job.concurrency) }
        if let sizing = job.sizing {
            workload.annotations[Vocabulary.sizing] = "auto"
            workload.annotations[Vocabulary.sizingBounds] = Self.bounds(sizing)
        }
        if let retry = job.retry {
            workload.annotations[Vocabulary.retryPolicy] = "auto"
            workload.annotations[Vocabulary.maxAttempts] = String(retry.maxAttempts)
            // Kubeflow would rerun every failure as it was; the runner retries what a retry can fix, with its remedy.
            workload.retriedByRunner = true
        }
        return workload
    }

    /// The sizing bounds as the runner reads them: compact JSON with sorted keys, memory in MiB.
    static func bounds(_ sizing: ResolvedSizing) -> String {
        func range(_ r: ClosedRange<Int>) -> String { "{\"max\":\(r.upperBound),\"min\":\(r.lowerBound)}" }
        return "{\"driverMemoryMiB\":\(range(sizing.driverMemoryMiB)),\"executorInstances\":\(range(sizing.executorInstances)),"
            + "\"executorMemoryMiB\":\(range(sizing.executorMemoryMiB)),\"runs\":\(sizing.runs),"
            + "\"shufflePartitions\":\(range(sizing.shufflePartitions))}"
    }

    /// Whether the runner's CronJob submits the scheduled job: always for the
    /// Apache operator; for Kubeflow when the job retries (its own
    /// ScheduledSparkApplication cannot classify or remedy a failure).
    public static func submitsWithCronJob(_ job: ResolvedJob, _ flavor: SparkOperatorFlavor) -> Bool {
        flavor == .apache || job.retry != nil
    }

    /// The annotations a run inherits from its template (not Argo CD's or the source's).
    static func runAnnotations(_ annotations: YAMLMap) -> [String: String] {
        var result: [String: String] = [:]
        for entry in annotations.entries where entry.key == Vocabulary.historyServer || entry.key == Vocabulary.concurrencyPolicy {
            result[entry.key] = entry.value.string
        }
        return result
    }

    /// The policy as Kubernetes spells CronJob and ScheduledSparkApplication policies.
    static func policy(_ concurrency: JobConcurrency) -> String {
        switch concurrency {
        case .forbid: return "Forbid"
        case .allow: return "Allow"
        case .replace: return "Replace"
        }
    }

    private func render(_ job: ResolvedJob, _ context: TenantContext) -> [Manifest] {
        let application = context.sparkApplication(workload(job))
        if job.type == .streaming { return [application] }

        if let schedule = job.schedule, !Self.submitsWithCronJob(job, context.platform.sparkOperator) {
            let spec = application.object["spec"]!.mapValue!
            let scheduled = context.object(
                application.id.apiVersion, "ScheduledSparkApplication", name: job.name,
                labels: [Vocabulary.job: job.name, Vocabulary.component: SparkComponent.job],
                annotations: application.object["metadata"]?["annotations"]?.mapValue.map(Self.runAnnotations) ?? [:],
                [
                    "spec": [
                        "schedule": .string(schedule),
                        "timeZone": "Etc/UTC",
                        "concurrencyPolicy": .string(Self.policy(job.concurrency)),
                        "successfulRunHistoryLimit": 3,
                        "failedRunHistoryLimit": 3,
                        "template": .map(spec),
                    ]
                ])
            return [template(application, job, context), scheduled]
        }
        var manifests = [template(application, job, context)]
        if let schedule = job.schedule { manifests.append(cronJob(job, schedule: schedule, context)) }
        return manifests
    }

    /// The ConfigMap holding the SparkApplication the runner submits.
    private func template(_ application: Manifest, _ job: ResolvedJob, _ context: TenantContext) -> Manifest {
        context.object(
            "v1", "ConfigMap", name: ObjectNames.jobTemplate(job.name),
            labels: [Vocabulary.job: job.name, Vocabulary.component: SparkComponent.jobTemplate],
            ["data": [Vocabulary.templateKey: .string(application.embeddedDocument)]])
    }

    private func cronJob(_ job: ResolvedJob, schedule: String, _ context: TenantContext) -> Manifest {
        let labels = context.builder.labels.merging([
            Vocabulary.managedBy: Vocabulary.managedByValue, Vocabulary.job: job.name,
            Vocabulary.component: SparkComponent.submitter,
        ]) { _, new in new }
        let container: YAMLValue = [
            "name": "submit",
            "image": .string(context.platform.runnerImage),
            // A tag can be moved; pulling every time at least runs what the
            // tag names now (a digest in runnerImage pins it for good).
            "imagePullPolicy": "Always",
            // The CronJob names each Job `<cronjob>-<scheduled minute>`: the
            // same name for every retry of one scheduled run, a new name for
            // the next, which is exactly an idempotency token. The runner
            // reads that Job's scheduled time, the logical date of the run.
            "args": .list(
                [
                    "submit", "--template", .string("\(Self.templateMountPath)/\(Vocabulary.templateKey)"),
                    "--in-cluster", "--cluster", .string(context.region.cluster), "--scheduled-job", "$(PEDREGAL_JOB_NAME)",
                ] + (job.retry.map { ["--retry", "auto", "--max-attempts", .string(String($0.maxAttempts))] } ?? [])),
            "env": [
                [
                    "name": "PEDREGAL_JOB_NAME",
                    "valueFrom": ["fieldRef": ["fieldPath": "metadata.labels['batch.kubernetes.io/job-name']"]],
                ]
            ],
            "resources": ["requests": ["cpu": "50m", "memory": "64Mi"], "limits": ["cpu": "500m", "memory": "128Mi"]],
            "securityContext": [
                "allowPrivilegeEscalation": false, "capabilities": ["drop": ["ALL"]], "readOnlyRootFilesystem": true,
            ],
            "volumeMounts": .list(
                [
                    ["name": "template", "mountPath": .string(Self.templateMountPath), "readOnly": true],
                    ["name": "kube-api-access", "mountPath": .string(Self.serviceAccountPath), "readOnly": true],
                ]
                    // Classifying a failure may fetch the run's event log from the History Server:
                    // the root file system is read-only, so it is unpacked in a scratch volume.
                    + (job.retry == nil ? [] : [["name": "scratch", "mountPath": "/tmp"]])),
        ]
        // checkov (CKV_K8S_43) wants images pinned by digest; a tag is what
        // most platforms publish, so say why where it is one.
        let annotations =
            context.platform.runnerImage.contains("@sha256:")
            ? [:]
            : [
                "checkov.io/skip1":
                    "CKV_K8S_43=the runner image is pinned by the tag in templates/platform.yaml runnerImage and pulled on every run; set runnerImage to an image@sha256 digest to pin it for good"
            ]
        return context.object(
            "batch/v1", "CronJob", name: job.name,
            labels: [Vocabulary.job: job.name, Vocabulary.component: SparkComponent.submitter], annotations: annotations,
            [
                "spec": [
                    "schedule": .string(schedule),
                    "timeZone": "Etc/UTC",
                    "concurrencyPolicy": "Forbid",
                    "startingDeadlineSeconds": 3600,
                    "successfulJobsHistoryLimit": 3,
                    "failedJobsHistoryLimit": 3,
                    "jobTemplate": [
                        "metadata": ["labels": .sortedStrings(labels)],
                        "spec": [
                            "backoffLimit": 4,
                            // With retries the submit follows its chain to the end: exit 1
                            // means the chain decided the run failed, and a new pod would
                            // only decide it again. Other failures (an unreachable API) retry.
                            "podFailurePolicy": job.retry == nil
                                ? .null
                                : [
                                    "rules": [
                                        [
                                            "action": "FailJob",
                                            "onExitCodes": ["containerName": "submit", "operator": "In", "values": [1]],
                                        ]
                                    ]
                                ],
                            "template": [
                                "metadata": ["labels": .sortedStrings(labels)],
                                "spec": [
                                    "serviceAccountName": .string(ObjectNames.submitterServiceAccount),
                                    // The token is mounted explicitly below, short-lived and only here.
                                    "automountServiceAccountToken": false,
                                    // A pod failure policy needs pods that are not restarted in place.
                                    "restartPolicy": job.retry == nil ? "OnFailure" : "Never",
                                    "securityContext": [
                                        "runAsNonRoot": true, "runAsUser": 65532, "seccompProfile": ["type": "RuntimeDefault"],
                                    ],
                                    "containers": [container],
                                    "volumes": .list(
                                        [
                                            ["name": "template", "configMap": ["name": .string(ObjectNames.jobTemplate(job.name))]],
                                            Self.serviceAccountTokenVolume,
                                        ] + (job.retry == nil ? [] : [["name": "scratch", "emptyDir": ["sizeLimit": "512Mi"]]])),
                                ],
                            ],
                        ],
                    ],
                ]
            ])
    }
}
