import Foundation
import PedregalBasics
import PedregalCompiler
import PedregalConsole
import PedregalKubernetes
import PedregalManifests
import PedregalRunner

/// Reads a requested cluster's objects from its Kubernetes cluster with the
/// runner's status check (present, in sync, healthy), so `ready` means what
/// `pedregal status` means. Results are kept briefly: a list of many
/// clusters costs one read per cluster and interval, not per call.
public actor ClusterProbe {
    /// How each target cluster is reached, by cluster name (the folder name
    /// under generated/); clusters not listed are not read.
    public let connections: [String: ConnectionOptions]
    private let environment: [String: String]
    private let cacheFor: Duration
    private var cache: [String: (at: ContinuousClock.Instant, state: LiveState)] = [:]

    /// Creates a probe.
    public init(
        connections: [String: ConnectionOptions], environment: [String: String] = ProcessInfo.processInfo.environment,
        cacheFor: Duration = .seconds(10)
    ) {
        self.connections = connections
        self.environment = environment
        self.cacheFor = cacheFor
    }

    /// The objects of `placement` in `manifests` (the target's compilation), as its cluster holds them.
    public func state(of placement: Placement, manifests: [Manifest]) async -> LiveState {
        let cluster = placement.region.cluster
        guard let options = connections[cluster] else { return .notConfigured(cluster: cluster) }
        let mine = manifests.filter { manifest in
            manifest.cluster == cluster
                && manifest.object["metadata"]?["labels"]?[Vocabulary.sparkConnect]?.string == placement.cluster.name
                && (manifest.id.namespace == placement.environment.namespace
                    || manifest.object["metadata"]?["labels"]?[Vocabulary.team]?.string == placement.team.name)
        }
        let key = "\(cluster)/\(placement.environment.namespace)/\(placement.cluster.name)/\(mine.count)"
        if let hit = cache[key], ContinuousClock.now - hit.at < cacheFor { return hit.state }
        let state = await read(cluster: cluster, options: options, manifests: mine)
        cache[key] = (.now, state)
        return state
    }

    private func read(cluster: String, options: ConnectionOptions, manifests: [Manifest]) async -> LiveState {
        do {
            let connection = try Connection.resolve(options, environment: environment)
            let silent = Output(format: .json, write: { _ in }, writeError: { _ in })
            let retry = RetryPolicy(maxAttempts: 2)
            let report = try await KubernetesClient.with(connection, retry: retry, requestTimeout: .seconds(5)) { client in
                await StatusChecker(session: ClusterSession(api: client, output: silent), now: RFC3339.format(Date().timeIntervalSince1970))
                    .check(ManifestFolder(path: "generated/\(cluster)", cluster: cluster, manifests: manifests), timeout: nil)
            }
            if let error = report.error { return .unreadable(cluster: cluster, reason: error) }
            return .objects(
                cluster: cluster,
                report.objects.map {
                    LiveObject(
                        id: $0.id.description, present: $0.present, ok: $0.ok, word: $0.word, health: $0.health.detail,
                        problem: $0.problem)
                })
        } catch {
            return .unreadable(cluster: cluster, reason: "\(error)")
        }
    }
}
