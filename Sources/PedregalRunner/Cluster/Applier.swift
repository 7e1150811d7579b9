import PedregalConsole
import PedregalKubernetes
import PedregalManifests
import PedregalYAML

/// The result of `pedregal apply`.
public struct ApplyReport: Sendable {
    /// The cluster (the folder's `pedregal.io/cluster` label).
    public var cluster: String
    /// The folder as given.
    public var folder: String
    /// Whether requests carried `dryRun=All`.
    public var dryRun: Bool
    /// How many objects the folder holds.
    public var total: Int
    /// One result per object of the folder reached before any fatal error.
    public var results: [ObjectResult]
    /// What `--prune` found and did.
    public var prune: PruneReport?
    /// Why the run stopped early, if it did.
    public var error: String?
    /// The exit status: the worst of every result.
    public var status: ExitStatus

    /// How many results have `action`.
    public func count(_ action: ObjectResult.Action) -> Int { results.filter { $0.action == action }.count }

    /// `sk8-us-west-2: 150 objects, 3 created, 2 configured, 144 unchanged, 1 failed; 2 pruned, 1 namespace kept`.
    public var summary: String {
        var text = cluster + (dryRun ? " (dry run, nothing changed)" : "") + ": \(Output.counted(total, "object")), "
        text += "\(count(.created)) created, \(count(.configured)) configured, \(count(.unchanged)) unchanged, "
        text += "\(count(.failed)) failed"
        if count(.redeployed) > 0 { text += ", \(count(.redeployed)) redeployed with a remedy" }
        if count(.expired) > 0 { text += ", \(count(.expired)) expired (not applied)" }
        if let prune {
            text += "; \(prune.results.filter { $0.action == .deleted }.count) pruned"
            let kept = prune.results.filter { $0.action == .skipped }.count
            if kept > 0 { text += ", \(Output.counted(kept, "namespace")) kept" }
        }
        if error != nil { text += "; stopped early" + (total > results.count ? ", \(total - results.count) not tried" : "") }
        return text
    }

    /// The report as a JSON document.
    public var json: YAMLValue {
        .object([
            "cluster": .string(cluster), "folder": .string(folder), "dryRun": .bool(dryRun), "total": .int(total),
            "objects": .list(results.map(\.json)), "prune": prune?.json ?? .null, "error": .optional(error),
            "summary": .string(summary), "exitStatus": .int(Int(status.rawValue)),
        ])
    }
}

/// Applies a cluster folder with server-side apply, in dependency order.
public struct Applier: Sendable {
    /// The cluster, and where results go.
    public var session: ClusterSession
    /// The field manager every apply names.
    public var fieldManager: String
    /// The current time, RFC 3339: Spark Connect servers that expired before
    /// it are not applied (applying them would undo `pedregal expire`).
    public var now: String?

    /// Creates an applier.
    public init(session: ClusterSession, fieldManager: String = "pedregal", now: String? = nil) {
        self.session = session
        self.fieldManager = fieldManager
        self.now = now
    }

    /// Applies every object of `folder` (namespaces first, workloads last),
    /// printing a line per object; then prunes when asked (Namespaces only
    /// with `pruneNamespaces`).
    public func apply(_ folder: ManifestFolder, dryRun: Bool, prune: Bool, pruneNamespaces: Bool = false) async -> ApplyReport {
        var report = ApplyReport(
            cluster: folder.cluster, folder: folder.path, dryRun: dryRun, total: folder.manifests.count, results: [], prune: nil,
            error: nil, status: .success)
        // Namespaces a dry run would create: the server cannot check objects
        // inside them, because they do not exist yet.
        var newNamespaces: Set<String> = []
        let ownNamespaces = folder.namespaces
        for manifest in folder.manifests {
            do {
                let result = try await applyOne(
                    manifest, dryRun: dryRun, newNamespaces: &newNamespaces, ownNamespaces: ownNamespaces)
                report.results.append(result)
                session.output.line(result.line(dryRun: dryRun))
            } catch {
                // Unreachable or unauthorized: no later request can succeed.
                let result = ObjectResult.failed(manifest.id, error)
                report.results.append(result)
                session.output.line(result.line(dryRun: dryRun))
                report.error = result.message
                break
            }
        }
        report.status = report.results.map(\.status).reduce(.success, max)
        if prune && report.error == nil {
            let pruner = Pruner(session: session)
            let pruned = await pruner.prune(folder, dryRun: dryRun, namespaces: pruneNamespaces)
            report.prune = pruned
            report.status = max(report.status, pruned.status)
            report.error = pruned.error
        }
        session.output.line(report.summary)
        if let error = report.error { session.output.error(error) }
        session.output.document(report.json)
        return report
    }

    /// Applies one object; per-object problems come back as a failed result,
    /// fatal ones (unreachable, unauthorized) are thrown.
    private func applyOne(
        _ manifest: Manifest, dryRun: Bool, newNamespaces: inout Set<String>, ownNamespaces: Set<String>
    ) async throws -> ObjectResult {
        let id = manifest.id
        if let expiresAt = ConnectServerExpiry.expiry(of: manifest, now: now) {
            return ObjectResult(id: id, action: .expired, message: "expired at \(expiresAt); `pedregal expire` removes it")
        }
        do {
            guard let resource = try await session.discovery.resource(apiVersion: id.apiVersion, kind: id.kind) else {
                return ObjectResult(
                    id: id, action: .failed,
                    message:
                        "the cluster does not serve \(id.kind) in \(id.apiVersion); is its CustomResourceDefinition installed?",
                    status: .failure)
            }
            if resource.namespaced && id.namespace == nil {
                return ObjectResult(
                    id: id, action: .failed, message: "\(id.kind) is namespaced but the manifest names no namespace",
                    status: .failure)
            }
            if dryRun, resource.namespaced, let namespace = id.namespace, newNamespaces.contains(namespace) {
                return ObjectResult(
                    id: id, action: .created, message: "namespace \(namespace) is new, so the server could not check it")
            }
            let path = resource.objectPath(namespace: id.namespace, name: id.name)
            let live = try await session.api.getIfPresent(path)
            var object = manifest.object
            var note: String?
            if let live, StreamingRemedy.retries(object) {
                switch try await StreamingRemedy(session: session).plan(object, live: live, resource: resource) {
                case .apply(let kept, let why):
                    (object, note) = (kept, why)
                case .redeploy(let remedied, let why):
                    return try await redeploy(remedied, at: path, id: id, note: why, dryRun: dryRun)
                }
            }
            let applied = try await session.api.apply(path, object: object, fieldManager: fieldManager, force: true, dryRun: dryRun)
            guard let live, !applied.created else {
                if id.kind == "Namespace" && id.group.isEmpty && dryRun { newNamespaces.insert(id.name) }
                return ObjectResult(id: id, action: .created)
            }
            return ObjectResult(id: id, action: Self.outcome(before: live, after: applied.object, dryRun: dryRun), message: note)
        } catch  where isFatal(error) {
            throw error
        } catch let error as APIError {
            if let namespace = id.namespace, !ownNamespaces.contains(namespace), error.isMissingNamespace(namespace) {
                return ObjectResult(
                    id: id, action: .failed, message: PlatformNamespaces.missing(namespace, neededBy: manifest),
                    status: .failure)
            }
            return .failed(id, error)
        } catch {
            return .failed(id, error)
        }
    }

    /// Replaces a failing streaming job with `object` (its next attempt, the
    /// remedy applied): the operators start an application once, so a new
    /// one is created after the old one is gone.
    private func redeploy(_ object: YAMLValue, at path: String, id: ResourceID, note: String, dryRun: Bool) async throws -> ObjectResult {
        if dryRun {
            _ = try await session.api.apply(path, object: object, fieldManager: fieldManager, force: true, dryRun: true)
            return ObjectResult(id: id, action: .redeployed, message: note)
        }
        try await session.api.delete(path, dryRun: false)
        // Finalizers can keep it a moment; a minute is plenty for the operators' cleanup.
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while try await session.api.getIfPresent(path) != nil {
            guard clock.now < deadline else {
                return ObjectResult(
                    id: id, action: .failed, message: "deleted to redeploy, but still present after a minute; apply again", status: .failure
                )
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        _ = try await session.api.apply(path, object: object, fieldManager: fieldManager, force: true, dryRun: false)
        return ObjectResult(id: id, action: .redeployed, message: note)
    }

    /// Whether an apply changed the stored object, as the server tells it.
    ///
    /// The server bumps `metadata.resourceVersion` on every write and leaves
    /// it alone when an apply changes nothing, so equal versions before and
    /// after mean unchanged. A version that moved because a controller wrote
    /// the status between the read and the apply is no change of ours: the
    /// objects are compared without status and managed fields then. A dry run
    /// never moves the version, so it compares the server's answer with the
    /// live object the same way (what `kubectl diff --server-side` shows).
    static func outcome(before: YAMLValue, after: YAMLValue, dryRun: Bool) -> ObjectResult.Action {
        let version = { (object: YAMLValue) in object["metadata"]?["resourceVersion"]?.string }
        if !dryRun, let old = version(before), old == version(after) { return .unchanged }
        return withoutServerBookkeeping(before) == withoutServerBookkeeping(after) ? .unchanged : .configured
    }

    private static func withoutServerBookkeeping(_ object: YAMLValue) -> YAMLValue {
        guard case .map(var map) = object else { return object }
        map["status"] = nil
        if case .map(var metadata)? = map["metadata"] {
            for key in ["resourceVersion", "managedFields"] { metadata[key] = nil }
            map["metadata"] = .map(metadata)
        }
        return .map(map)
    }
}
