import PedregalConsole
import PedregalKubernetes

/// One conversation with a cluster, as every runner command holds it: the
/// API server, what it serves (read once), and where results go.
public struct ClusterSession: Sendable {
    /// The API server.
    public var api: any KubernetesAPI
    /// What the server serves, read once.
    public var discovery: Discovery
    /// Where results go.
    public var output: Output

    /// Creates a session; without `discovery`, a new cache for `api`.
    public init(api: any KubernetesAPI, discovery: Discovery? = nil, output: Output) {
        self.api = api
        self.discovery = discovery ?? Discovery(api: api)
        self.output = output
    }

    /// The SparkApplication kinds the cluster serves, Apache first, then
    /// Kubeflow: runs and Spark Connect servers are one of them. An error when none.
    func sparkApplicationResources() async throws -> [APIResource] {
        var resources: [APIResource] = []
        for group in [JobState.apacheGroup, JobState.kubeflowGroup] {
            if let resource = try await discovery.resource(group: group, kind: "SparkApplication") { resources.append(resource) }
        }
        guard !resources.isEmpty else {
            throw RunnerError.failure(
                "the cluster serves no SparkApplication API (neither \(JobState.apacheGroup) nor \(JobState.kubeflowGroup)); "
                    + "is a Spark operator installed?")
        }
        return resources
    }
}
