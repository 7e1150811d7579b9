import Foundation
import PedregalBasics
import PedregalConsole
import PedregalDiagnostics
import PedregalKubernetes

/// What every runner command needs besides its own arguments: how to reach
/// the cluster, where output goes, and the pacing of retries and polls.
public struct RunnerContext: Sendable {
    /// The connection flags.
    public var connection: ConnectionOptions
    /// The process environment (`KUBECONFIG`, `HOME`, `KUBERNETES_SERVICE_HOST`, …).
    public var environment: [String: String]
    /// Where results and errors go.
    public var output: Output
    /// Retries of failed requests.
    public var retry: RetryPolicy
    /// How long one request may take.
    public var requestTimeout: Duration
    /// Pause between checks when waiting (`status --wait`, `job status --wait`).
    public var pollInterval: Duration
    /// The current time, RFC 3339 (for `expire` without `--now`).
    public var now: @Sendable () -> String

    /// Creates a context; defaults are the production ones.
    public init(
        connection: ConnectionOptions, environment: [String: String], output: Output, retry: RetryPolicy = .standard,
        requestTimeout: Duration = .seconds(30), pollInterval: Duration = .seconds(2),
        now: @escaping @Sendable () -> String = { RFC3339.format(Date().timeIntervalSince1970) }
    ) {
        self.connection = connection
        self.environment = environment
        self.output = output
        self.retry = retry
        self.requestTimeout = requestTimeout
        self.pollInterval = pollInterval
        self.now = now
    }

    /// Runs `body`; an error it throws is printed and becomes the exit status.
    func run(_ body: () async throws -> ExitStatus) async -> ExitStatus {
        do {
            return try await body()
        } catch {
            let failure = error.runnerFailure
            output.error(failure.message)
            return failure.status
        }
    }

    /// Runs `body` with a session on `connection`: a client, a discovery
    /// cache, and this context's output.
    func withSession<T: Sendable>(_ connection: Connection, _ body: (ClusterSession) async throws -> T) async throws -> T {
        try await KubernetesClient.with(connection, retry: retry, requestTimeout: requestTimeout) { client in
            try await body(ClusterSession(api: client, output: output))
        }
    }

    func connect() throws -> Connection {
        try Connection.resolve(connection, environment: environment)
    }
}
