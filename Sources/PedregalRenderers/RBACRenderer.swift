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
///   `replace`, and read its own Job for the scheduled time.
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
                Self.rule("", ["configmaps", "events", "pods", "pods/log", "services"], Self.readVerbs),
                Self.rule("", ["pods"], ["delete"]),
                Self.rule("batch", ["cronjobs", "jobs"], Self.readVerbs),
                Self.rule("batch", ["jobs"], ["create", "delete"]),
            ], subjects: context.groupSubjects(context.team.admins))

        if !context.team.members.isEmpty {
            role(
                "pedregal-member",
                [
                    Self.rule(sparkGroup, sparkResources, Self.readVerbs),
                    Self.rule("", ["configmaps", "events", "pods", "pods/log", "services"], Self.readVerbs),
                    Self.rule("batch", ["cronjobs", "jobs"], Self.readVerbs),
                ], subjects: context.groupSubjects(context.team.members))
        }

        let scheduled = context.environment.jobs.filter { $0.schedule != nil && $0.regions.contains(context.region) }
        if context.runsSpark, context.platform.sparkOperator == .apache, !scheduled.isEmpty {
            // submit lists a job's runs unless its policy is allow, and
            // deletes them only to replace them.
            var runVerbs: [YAMLValue] = ["create"]
            if scheduled.contains(where: { $0.concurrency == .replace }) { runVerbs.append("delete") }
            runVerbs.append("get")
            if scheduled.contains(where: { $0.concurrency != .allow }) { runVerbs.append("list") }
            role(
                ObjectNames.submitterServiceAccount,
                [
                    Self.rule(sparkGroup, ["sparkapplications"], .list(runVerbs)),
                    Self.rule("batch", ["jobs"], ["get"]),
                ], subjects: serviceAccount(ObjectNames.submitterServiceAccount, automount: false))
        }
        return manifests
    }
}
