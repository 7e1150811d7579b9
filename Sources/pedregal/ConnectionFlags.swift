import ArgumentParser
import Foundation
import PedregalConsole
import PedregalKubernetes
import PedregalRunner

/// How to reach the cluster, shared by every runner command.
struct ConnectionFlags: ParsableArguments {
    @Option(help: ArgumentHelp("Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).", valueName: "file"))
    var kubeconfig: String?

    @Option(help: ArgumentHelp("Kubeconfig context (default: its current context).", valueName: "name"))
    var context: String?

    @Option(
        help: ArgumentHelp(
            "Which cluster this is, when the context's cluster name differs from the folder's (and always with --in-cluster or --server).",
            valueName: "name"))
    var cluster: String?

    @Flag(help: "Use the pod's ServiceAccount: KUBERNETES_SERVICE_HOST/PORT, its token and CA.")
    var inCluster = false

    @Option(help: ArgumentHelp("API server URL, instead of a kubeconfig.", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("Bearer token file for --server (or --in-cluster).", valueName: "file"))
    var tokenFile: String?

    @Option(help: ArgumentHelp("CA certificate file for --server (or --in-cluster).", valueName: "file"))
    var certificateAuthority: String?

    @Flag(help: "Do not verify the server's certificate (--server and --in-cluster only).")
    var insecureSkipTlsVerify = false

    @Option(help: "Output: text (lines as the work happens) or json (one document at the end).")
    var format: OutputFormat = .text

    /// The runner's connection options for these flags.
    var options: ConnectionOptions {
        ConnectionOptions(
            kubeconfig: kubeconfig, context: context, cluster: cluster, inCluster: inCluster, server: server, tokenFile: tokenFile,
            certificateAuthority: certificateAuthority, insecureSkipTLSVerify: insecureSkipTlsVerify)
    }

    /// Runs `body` with a context for these flags and exits with its status.
    func execute(_ body: (RunnerContext) async -> ExitStatus) async throws {
        let context = RunnerContext(
            connection: options, environment: ProcessInfo.processInfo.environment, output: .standard(format))
        let status = await body(context)
        if status != .success { throw ExitCode(status) }
    }
}

extension OutputFormat: ExpressibleByArgument {}

/// The exit statuses of the runner's commands, for their `--help`.
let runnerExitStatuses = """
    Exit status: 0 success; 1 a request failed or an object is missing, drifted or unhealthy; 64 bad usage; 65 the folder holds files `pedregal generate` would not write (nothing was sent); 69 the cluster is unreachable after retries; 74 local files unreadable; 77 refused (the folder is for another cluster, a token would go over plain http, or the API answered 401/403).
    """
