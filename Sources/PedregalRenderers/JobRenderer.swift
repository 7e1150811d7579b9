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

    public func render(_ context: TenantContext) -> [Manifest] {
        guard context.runsSpark else { return [] }
        return context.environment.jobs.filter { $0.regions.contains(context.region) }.flatMap { job in
            render(job, context)
        }
    }

    private func workload(_ job: ResolvedJob) -> SparkWorkload {
        SparkWorkload(
            name: job.name, component: SparkComponent.job, labels: [Vocabulary.job: job.name], engine: job.engine,
            resources: job.resources, catalogs: job.catalogs, mainApplicationFile: job.mainApplicationFile,
            mainClass: job.mainClass, args: job.args, extraConf: [], userConf: job.sparkConf,
            lifecycle: job.type == .streaming ? .continuous : .batch)
    }

    private func render(_ job: ResolvedJob, _ context: TenantContext) -> [Manifest] {
        let application = context.sparkApplication(workload(job))
        if job.type == .streaming { return [application] }

        if let schedule = job.schedule, context.platform.sparkOperator == .kubeflow {
            let spec = application.object["spec"]!.mapValue!
            let scheduled = context.object(
                application.id.apiVersion, "ScheduledSparkApplication", name: job.name,
                labels: [Vocabulary.job: job.name, Vocabulary.component: SparkComponent.job], [
                    "spec": [
                        "schedule": .string(schedule),
                        "timeZone": "Etc/UTC",
                        "concurrencyPolicy": "Forbid",
                        "successfulRunHistoryLimit": 3,
                        "failedRunHistoryLimit": 3,
                        "template": .map(spec),
                    ],
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
            "args": [
                "submit", "--template", .string("\(Self.templateMountPath)/\(Vocabulary.templateKey)"),
                "--in-cluster", "--cluster", .string(context.region.cluster), "--token", "$(PEDREGAL_RUN_TOKEN)",
            ],
            // The CronJob names each Job `<cronjob>-<scheduled minute>`: the
            // same name for every retry of one scheduled run, a new name for
            // the next, which is exactly an idempotency token.
            "env": [[
                "name": "PEDREGAL_RUN_TOKEN",
                "valueFrom": ["fieldRef": ["fieldPath": "metadata.labels['batch.kubernetes.io/job-name']"]],
            ]],
            "resources": ["requests": ["cpu": "50m", "memory": "64Mi"], "limits": ["memory": "128Mi"]],
            "securityContext": [
                "allowPrivilegeEscalation": false, "capabilities": ["drop": ["ALL"]], "readOnlyRootFilesystem": true,
            ],
            "volumeMounts": [["name": "template", "mountPath": .string(Self.templateMountPath), "readOnly": true]],
        ]
        return context.object(
            "batch/v1", "CronJob", name: job.name,
            labels: [Vocabulary.job: job.name, Vocabulary.component: SparkComponent.submitter], [
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
                            "template": [
                                "metadata": ["labels": .sortedStrings(labels)],
                                "spec": [
                                    "serviceAccountName": .string(ObjectNames.submitterServiceAccount),
                                    "restartPolicy": "OnFailure",
                                    "securityContext": [
                                        "runAsNonRoot": true, "runAsUser": 65532, "seccompProfile": ["type": "RuntimeDefault"],
                                    ],
                                    "containers": [container],
                                    "volumes": [[
                                        "name": "template",
                                        "configMap": ["name": .string(ObjectNames.jobTemplate(job.name))],
                                    ]],
                                ],
                            ],
                        ],
                    ],
                ],
            ])
    }
}
