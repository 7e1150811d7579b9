import PedregalManifests
import PedregalResolver
import PedregalYAML

/// ServiceAccounts, Roles and RoleBindings, all namespaced and least
/// privilege: verbs and resources are listed, never `*`.
///
/// - `spark-driver`: what the operator's drivers need to run executors
///   (pods, services, configmaps, PVCs of their own namespace).
/// - admins: manage Spark workloads, read the rest.
/// - members: read-only.
/// - `pedregal-submitter`: what `pedregal submit` does for the
///   scheduled-submit CronJobs (only where a scheduled job runs): create a
///   run, read it back by name, list the job's runs to honour its
///   concurrency policy, delete them only where a job's policy is
///   `replace`, and read its own Job for the scheduled time; where a job
///   retries, read what classifying a failure needs (pods, their log,
///   events, the quota).
public struct RBACRenderer: TenantRenderer {
    public init() {}

    static let allVerbs: YAMLValue = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
    static let readVerbs: YAMLValue = ["get", "list", "watch"]
    static let manageVerbs: YAMLValue = ["create", "delete", "get", "list", "patch", "update", "watch"]

    static func rule(_ group: String, _ resources: [String], _ verbs: YAMLValue) -> YAMLValue {
        ["apiGroups": [.string(group)], "resources": .list(resources.map(YAMLValue.string)), "verbs": verbs]
    }

    public func render(_ context: TenantContext) -> [Manifest] {
        let sparkGroup = SparkFlavor(context.platform.sparkOperator).group
        let sparkResources =
            context.platform.sparkOperator == .kubeflow
            ? ["scheduledsparkapplications", "sparkapplications"] : ["sparkapplications"]
        let rbac = "rbac.authorization.k8s.io/v1"

        var manifests: [Manifest] = []
        func role(_ name: String, _ rules: [YAMLValue], subjects: YAMLValue) {
            manifests.append(context.object(rbac, "Role", name: name, ["rules": .list(rules)]))
            manifests.append(
                context.object(
                    rbac, "RoleBinding", name: name,
                    [
                        "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": .string(name)],
                        "subjects": subjects,
                    ]))
        }
        func serviceAccount(_ name: String, automount: Bool = true) -> YAMLValue {
            manifests.append(context.object("v1", "ServiceAccount", name: name, ["automountServiceAccountToken": .bool(automount)]))
            return [["kind": "ServiceAccount", "name": .string(name), "namespace": .string(context.namespace)]]
        }

        role(
            ObjectNames.driverServiceAccount,
            [
                Self.rule("", ["configmaps", "persistentvolumeclaims", "pods", "services"], Self.allVerbs)
            ], subjects: serviceAccount(ObjectNames.driverServiceAccount))

        role(
            "pedregal-admin",
            [
                Self.rule(sparkGroup, sparkResources, Self.manageVerbs),
                Self.rule("", ["configmaps", "events", "pods", "pods/log", "resourcequotas", "services"], Self.readVerbs),
                Self.rule("", ["pods"], ["delete"]),
                Self.rule("batch", ["cronjobs", "jobs"], Self.readVerbs),
                Self.rule("batch", ["jobs"], ["create", "delete"]),
            ], subjects: context.groupSubjects(context.team.admins))

        if !context.team.members.isEmpty {
            role(
                "pedregal-member",
                [
                    Self.rule(sparkGroup, sparkResources, Self.readVerbs),
                    Self.rule("", ["configmaps", "events", "pods", "pods/log", "resourcequotas", "services"], Self.readVerbs),
                    Self.rule("batch", ["cronjobs", "jobs"], Self.readVerbs),
                ], subjects: context.groupSubjects(context.team.members))
        }

        // Scheduled jobs submitted by the runner's CronJob (Kubeflow's own
        // ScheduledSparkApplication runs the others, without the runner).
        let scheduled = context.environment.jobs.filter {
            $0.schedule != nil && $0.regions.contains(context.region) && JobRenderer.submitsWithCronJob($0, context.platform.sparkOperator)
        }
        if context.runsSpark, !scheduled.isEmpty {
            // submit lists a job's runs unless its policy is allow (and to
            // follow a retry chain), and deletes them only to replace them.
            let retrying = scheduled.contains { $0.retry != nil }
            var runVerbs: [YAMLValue] = ["create"]
            if scheduled.contains(where: { $0.concurrency == .replace }) { runVerbs.append("delete") }
            runVerbs.append("get")
            if retrying || scheduled.contains(where: { $0.concurrency != .allow }) { runVerbs.append("list") }
            var rules = [Self.rule(sparkGroup, ["sparkapplications"], .list(runVerbs)), Self.rule("batch", ["jobs"], ["get"])]
            if retrying {
                // What classifying a failed run reads: its pods, their events and the driver's log, and the quota a remedy must fit.
                rules += [
                    Self.rule("", ["events", "resourcequotas"], ["list"]), Self.rule("", ["pods"], ["get", "list"]),
                    Self.rule("", ["pods/log"], ["get"]),
                ]
            }
            role(
                ObjectNames.submitterServiceAccount, rules, subjects: serviceAccount(ObjectNames.submitterServiceAccount, automount: false))
        }
        return manifests
    }
}
