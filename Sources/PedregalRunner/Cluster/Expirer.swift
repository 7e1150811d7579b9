import PedregalBasics
import PedregalConsole
import PedregalDiagnostics
import PedregalKubernetes
import PedregalManifests
import PedregalYAML

/// The result of `pedregal expire`.
public struct ExpireReport: Sendable {
    /// The cluster (the folder's `pedregal.io/cluster` label).
    public var cluster: String
    /// The time compared with, RFC 3339.
    public var now: String
    /// Whether requests carried `dryRun=All`.
    public var dryRun: Bool
    /// One result per expired server (deleted or failed).
    public var results: [ObjectResult]
    /// Servers whose time has not come, with their expiry.
    public var kept: [(id: ResourceID, expiresAt: String)]
    /// The exit status: the worst of every result.
    public var status: ExitStatus

    /// `sk8-us-west-2 at 2027-01-01T00:00:00Z: 2 expired Spark Connect servers deleted, 1 not yet expired`.
    public var summary: String {
        let deleted = results.filter { $0.action == .deleted }.count
        let failed = results.filter { $0.action == .failed }.count
        return "\(cluster) at \(now)\(dryRun ? " (dry run, nothing changed)" : ""): "
            + "\(Output.counted(deleted, "expired Spark Connect server")) deleted, \(failed) failed, \(kept.count) not yet expired"
    }

    var json: YAMLValue {
        .object([
            "cluster": .string(cluster), "now": .string(now), "dryRun": .bool(dryRun), "results": .list(results.map(\.json)),
            "kept": .list(
                kept.map { item in
                    var map = item.id.json.mapValue ?? YAMLMap()
                    map["expiresAt"] = .string(item.expiresAt)
                    return .map(map)
                }),
            "summary": .string(summary), "exitStatus": .int(Int(status.rawValue)),
        ])
    }
}

/// Deletes Spark Connect servers whose `pedregal.io/expires-at` has passed.
public struct Expirer: Sendable {
    /// The cluster, and where results go.
    public var session: ClusterSession

    /// Creates an expirer.
    public init(session: ClusterSession) {
        self.session = session
    }

    /// Deletes every Spark Connect server of the cluster's folder (either
    /// operator) whose expiry is at or before `now` (RFC 3339).
    public func expire(cluster: String, now: String, dryRun: Bool) async throws -> ExpireReport {
        guard let instant = RFC3339.seconds(now) else {
            throw RunnerError.usage("--now '\(now)' is not an RFC 3339 time such as 2026-12-31T00:00:00Z")
        }
        var report = ExpireReport(cluster: cluster, now: now, dryRun: dryRun, results: [], kept: [], status: .success)
        for resource in try await session.sparkApplicationResources() {
            let servers = try await session.api.list(
                resource.collectionPath(namespace: nil), labelSelector: ConnectServerExpiry.selector(cluster: cluster))
            for server in servers {
                guard let expiresAt = server["metadata"]?["annotations"]?[Vocabulary.expiresAt]?.string else { continue }
                let id = resource.id(of: server)
                guard let expiry = RFC3339.seconds(expiresAt) else {
                    let result = ObjectResult(
                        id: id, action: .failed, message: "\(Vocabulary.expiresAt) '\(expiresAt)' is not an RFC 3339 time",
                        status: .failure)
                    report.results.append(result)
                    session.output.line(result.line(dryRun: dryRun))
                    continue
                }
                guard expiry <= instant else {
                    report.kept.append((id, expiresAt))
                    continue
                }
                var result: ObjectResult
                do {
                    try await session.api.delete(resource.objectPath(namespace: id.namespace, name: id.name), dryRun: dryRun)
                    result = ObjectResult(id: id, action: .deleted, message: "expired at \(expiresAt)")
                } catch let error as APIError where error.code == 404 {
                    result = ObjectResult(id: id, action: .deleted, message: "expired at \(expiresAt), already gone")
                } catch  where !isFatal(error) {
                    result = .failed(id, error)
                }
                report.results.append(result)
                session.output.line(result.line(dryRun: dryRun))
            }
        }
        report.status = report.results.map(\.status).reduce(.success, max)
        session.output.line(report.summary)
        session.output.document(report.json)
        return report
    }
}
