import PedregalConsole
import PedregalKubernetes
import PedregalManifests
import PedregalYAML

/// What `--prune` found and did.
public struct PruneReport: Sendable {
    /// Objects the runner manages in the cluster that the folder no longer
    /// holds, in the order they are deleted (reverse apply order).
    public var candidates: [ResourceID]
    /// One result per candidate deleted (or not).
    public var results: [ObjectResult]
    /// What each Namespace among the candidates holds, listed before
    /// anything is deleted (only with `--prune-namespaces`).
    public var namespaces: [NamespaceContents]
    /// Kinds that could not be listed, with why.
    public var listFailures: [String]
    /// Why pruning stopped early, if it did.
    public var error: String?
    /// The exit status: the worst of every result.
    public var status: ExitStatus

    var json: YAMLValue {
        .object([
            "candidates": .list(candidates.map(\.json)), "results": .list(results.map(\.json)),
            "namespaces": .list(namespaces.map(\.json)), "listFailures": .list(listFailures.map(YAMLValue.string)),
        ])
    }
}

/// Deletes what the runner manages in a cluster but a folder no longer holds.
///
/// Candidates carry `app.kubernetes.io/managed-by=pedregal`, the folder's
/// `pedregal.io/cluster` (so a folder never prunes another's objects when two
/// land on one cluster), and no
/// `pedregal.io/run-token` (runs belong to `submit`, never to a folder), and
/// no owner references (objects an operator made from a pedregal object
/// belong to that operator). Kinds searched: those in the folder plus every
/// kind pedregal generates that the cluster serves.
///
/// Deleting a Namespace deletes everything in it (runs, Secrets, volumes),
/// so Namespaces are only listed and kept, unless `--prune-namespaces` asks
/// for them; then what each holds is listed first, and a namespace whose
/// contents cannot all be listed is not deleted.
public struct Pruner: Sendable {
    /// The cluster, and where results go.
    public var session: ClusterSession

    /// Creates a pruner.
    public init(session: ClusterSession) {
        self.session = session
    }

    /// The kinds pedregal generates, by API group.
    public static let generatedKinds: [(group: String, kind: String)] = [
        ("", "Namespace"), ("", "ServiceAccount"), ("rbac.authorization.k8s.io", "Role"),
        ("rbac.authorization.k8s.io", "RoleBinding"), ("", "ResourceQuota"), ("", "LimitRange"),
        ("networking.k8s.io", "NetworkPolicy"), ("", "ConfigMap"), ("", "Service"),
        ("externaldns.k8s.io", "DNSEndpoint"), (JobState.apacheGroup, "SparkApplication"),
        (JobState.kubeflowGroup, "SparkApplication"), (JobState.kubeflowGroup, "ScheduledSparkApplication"),
        ("batch", "CronJob"), ("apps", "Deployment"), ("policy", "PodDisruptionBudget"),
    ]

    /// The label selector of prune candidates in `cluster`'s folder.
    public static func selector(cluster: String) -> String {
        "\(Vocabulary.managedBy)=\(Vocabulary.managedByValue),\(Vocabulary.cluster)=\(cluster),!\(Vocabulary.runToken)"
    }

    /// Lists the candidates, then deletes them (with `dryRun=All` in a dry
    /// run); Namespaces only when `namespaces` is set.
    public func prune(_ folder: ManifestFolder, dryRun: Bool, namespaces: Bool = false) async -> PruneReport {
        var report = PruneReport(
            candidates: [], results: [], namespaces: [], listFailures: [], error: nil, status: .success)
        let found: [(id: ResourceID, resource: APIResource)]
        do {
            (found, report.listFailures, report.status) = try await candidates(folder)
        } catch {
            let failure = error.runnerFailure
            report.error = failure.message
            report.status = failure.status
            return report
        }
        for failure in report.listFailures { session.output.line(Output.column("failed") + failure) }
        report.candidates = found.map(\.id)
        if found.isEmpty {
            session.output.line("prune: nothing in \(folder.cluster) is missing from \(folder.path)")
        } else {
            session.output.line("prune: \(Output.counted(found.count, "object")) in \(folder.cluster) no longer in \(folder.path):")
            for candidate in found { session.output.line("  \(candidate.id)") }
        }
        let doomed = found.filter { Self.isNamespace($0.id) }.map(\.id.name)
        if !doomed.isEmpty && !namespaces {
            session.output.line(
                "prune: deleting a namespace deletes everything in it (runs, secrets, volumes), so "
                    + "\(doomed.count == 1 ? "it is" : "they are") kept: \(doomed.joined(separator: ", ")); "
                    + "pass --prune-namespaces to delete \(doomed.count == 1 ? "it" : "them")")
        } else if !doomed.isEmpty {
            do {
                for name in doomed {
                    let contents = try await NamespaceLister(session: session).contents(of: name)
                    report.namespaces.append(contents)
                    describe(contents)
                }
            } catch {
                let failure = error.runnerFailure
                report.error = failure.message
                report.status = failure.status
                return report
            }
        }
        for (id, resource) in found {
            if Self.isNamespace(id) {
                if !namespaces {
                    let result = ObjectResult(
                        id: id, action: .skipped, message: "pass --prune-namespaces to delete it and everything in it")
                    report.results.append(result)
                    session.output.line(result.line(dryRun: dryRun))
                    continue
                }
                if let contents = report.namespaces.first(where: { $0.name == id.name }), !contents.problems.isEmpty {
                    let result = ObjectResult(
                        id: id, action: .failed,
                        message: "not deleted: what it holds could not all be listed (\(contents.problems.joined(separator: "; ")))",
                        status: .failure)
                    report.results.append(result)
                    session.output.line(result.line(dryRun: dryRun))
                    continue
                }
            }
            var result: ObjectResult
            do {
                try await session.api.delete(resource.objectPath(namespace: id.namespace, name: id.name), dryRun: dryRun)
                result = ObjectResult(id: id, action: .deleted)
            } catch let error as APIError where error.code == 404 {
                result = ObjectResult(id: id, action: .deleted, message: "already gone")
            } catch {
                result = .failed(id, error)
                if isFatal(error) {
                    report.error = result.message
                    report.results.append(result)
                    session.output.line(result.line(dryRun: dryRun))
                    break
                }
            }
            report.results.append(result)
            session.output.line(result.line(dryRun: dryRun))
        }
        report.status = report.results.map(\.status).reduce(report.status, max)
        return report
    }

    /// Prints what deleting a namespace takes down.
    private func describe(_ contents: NamespaceContents) {
        let count = Output.counted(contents.objects.count, "object")
        session.output.line("prune: deleting Namespace \(contents.name) takes down everything in it: \(count)")
        for object in contents.objects {
            session.output.line("  \(object)" + (contents.runs.contains(object) ? " (a run)" : ""))
        }
        for problem in contents.problems { session.output.line(Output.column("failed") + problem) }
    }

    static func isNamespace(_ id: ResourceID) -> Bool { id.kind == "Namespace" && id.group.isEmpty }

    private func candidates(_ folder: ManifestFolder) async throws
        -> ([(id: ResourceID, resource: APIResource)], [String], ExitStatus)
    {
        var resources: [APIResource] = []
        var seen: Set<String> = []
        func add(_ resource: APIResource?) {
            guard let resource, seen.insert("\(resource.group)/\(resource.kind)").inserted else { return }
            resources.append(resource)
        }
        for manifest in folder.manifests {
            add(try await session.discovery.resource(apiVersion: manifest.id.apiVersion, kind: manifest.id.kind))
        }
        for (group, kind) in Self.generatedKinds where !seen.contains("\(group)/\(kind)") {
            add(try await session.discovery.resource(group: group, kind: kind))
        }
        let wanted = Set(folder.manifests.map(\.id.versionless))
        var found: [(id: ResourceID, resource: APIResource)] = []
        var failures: [String] = []
        var status = ExitStatus.success
        for resource in resources {
            let items: [YAMLValue]
            do {
                items = try await session.api.list(
                    resource.collectionPath(namespace: nil), labelSelector: Self.selector(cluster: folder.cluster))
            } catch  where !isFatal(error) {
                let failure = error.runnerFailure
                failures.append("cannot list \(resource.kind) in \(resource.apiVersion): \(failure.message)")
                status = max(status, failure.status)
                continue
            }
            for item in items {
                let metadata = item["metadata"]
                if let owners = metadata?["ownerReferences"]?.listValue, !owners.isEmpty { continue }
                if metadata?["deletionTimestamp"]?.string != nil { continue }
                let id = resource.id(of: item)
                if !wanted.contains(id.versionless) { found.append((id, resource)) }
            }
        }
        found.sort { $1.id < $0.id }
        return (found, failures, status)
    }
}
