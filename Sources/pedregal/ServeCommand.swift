import ArgumentParser
import Logging
import PedregalAuth
import PedregalKubernetes
import PedregalRequests
import PedregalServerSupport

/// `pedregal serve`: the Cluster Request API. Only flags are parsed here;
/// `buildApplication` makes the server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the Cluster Request API: Spark Connect cluster requests become reviewed changes to teams/.",
        discussion: """
            POST /api/v1/spark-connect-clusters adds a sparkConnect entry to teams/<team>.yaml as a minimal text edit, compiles the whole root with it, and commits it with the regenerated generated/: on the branch cluster-requests/<team>/<name> for review, or straight to --branch where templates/platform.yaml clusterRequests lets the environment auto-approve. Every change is pushed to --remote. The service works in its own clone under --state-dir, which it restores on start (a crash leaves nothing half-done on the remote).

            Callers send an OIDC token (Authorization: Bearer …) from --issuer for one of --audience, verified against --jwks; the groups claim decides who may act for a team (a group matches a team's owners with or without templates/platform.yaml's groupPrefix, as in the gateway). The API is described by /openapi.yaml; /healthz, /readyz and /metrics are open. SIGTERM and SIGINT stop it gracefully.

            Examples:
              pedregal serve --remote git@git.example.team:data-platform/pedregal.git \\
                --state-dir /var/lib/pedregal \\
                --issuer https://example.okta.com/oauth2/default --audience pedregal \\
                --jwks https://example.okta.com/oauth2/default/v1/keys
              pedregal serve --print-openapi > schemas/cluster-requests.openapi.yaml
            """)

    @Option(help: ArgumentHelp("Address to listen on.", valueName: "host"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("Port to listen on (0: any free port, printed at start).", valueName: "port"))
    var port = 8080

    @Option(help: ArgumentHelp("The git remote to push changes to (URL or path).", valueName: "url"))
    var remote: String?

    @Option(help: ArgumentHelp("The branch Argo CD syncs; approved changes land there.", valueName: "name"))
    var branch = "main"

    @Option(help: ArgumentHelp("Folder for the service's clone and idempotency records.", valueName: "dir"))
    var stateDir: String?

    @Option(help: ArgumentHelp("OIDC issuer (the tokens' iss).", valueName: "url"))
    var issuer: String?

    @Option(help: ArgumentHelp("Accepted token audience (repeatable).", valueName: "aud"))
    var audience: [String] = []

    @Option(help: ArgumentHelp("The issuer's JWKS: an https:// URL or a file.", valueName: "url-or-file"))
    var jwks: String?

    @Option(help: ArgumentHelp("The token claim holding Okta groups.", valueName: "claim"))
    var groupsClaim = "groups"

    @Option(help: ArgumentHelp("Clock skew allowed for exp/nbf, in seconds.", valueName: "seconds"))
    var clockSkew = 60

    @Option(help: ArgumentHelp("Largest request body accepted, in bytes.", valueName: "bytes"))
    var maxBodyBytes = 64 * 1024

    @Option(help: ArgumentHelp("Kubeconfig for --cluster (default: $KUBECONFIG, then ~/.kube/config).", valueName: "file"))
    var kubeconfig: String?

    @Option(
        name: .customLong("cluster"),
        help: ArgumentHelp(
            "Read cluster NAME (a folder of generated/) through kubeconfig context CONTEXT (default: the context named NAME), to report `ready` (repeatable).",
            valueName: "name[=context]"))
    var clusters: [String] = []

    @Option(help: ArgumentHelp("Read cluster NAME through the pod's ServiceAccount (the cluster the service runs in).", valueName: "name"))
    var inCluster: String?

    @Option(help: ArgumentHelp("Committer name of the service's commits.", valueName: "name"))
    var committerName = "pedregal"

    @Option(help: ArgumentHelp("Committer email of the service's commits.", valueName: "email"))
    var committerEmail = "pedregal@localhost"

    @Option(help: "Log format: json (one object per line, for collectors) or text.")
    var logFormat: LogFormat = .json

    @Flag(help: "Print the OpenAPI document and exit.")
    var printOpenapi = false

    func validate() throws {
        if printOpenapi { return }
        for (value, flag) in [(remote, "--remote"), (stateDir, "--state-dir"), (issuer, "--issuer"), (jwks, "--jwks")] where value == nil {
            throw ValidationError("\(flag) is required")
        }
        if audience.isEmpty { throw ValidationError("--audience is required (at least one)") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
        guard clockSkew >= 0 else { throw ValidationError("--clock-skew must not be negative") }
        for cluster in clusters where cluster.hasPrefix("=") || cluster.isEmpty {
            throw ValidationError("--cluster '\(cluster)' needs a name: NAME or NAME=CONTEXT")
        }
    }

    func run() async throws {
        if printOpenapi {
            print(OpenAPIDocument.text, terminator: "")
            return
        }
        var connections: [String: ConnectionOptions] = [:]
        for entry in clusters {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            connections[parts[0]] = ConnectionOptions(kubeconfig: kubeconfig, context: parts.count > 1 ? parts[1] : parts[0])
        }
        if let inCluster { connections[inCluster] = ConnectionOptions(cluster: inCluster, inCluster: true) }
        let configuration = ServeConfiguration(
            host: host, port: port, remote: remote!, targetBranch: branch, stateDirectory: stateDir!, issuer: issuer!,
            audiences: audience, jwks: KeySource(parsing: jwks!), groupsClaim: groupsClaim, clockSkew: .seconds(clockSkew),
            clusters: connections, maxBodyBytes: maxBodyBytes, committerName: committerName, committerEmail: committerEmail)
        // JSON lines go through a sink that writes them off the request's thread; it runs as a service, so
        // that the lines logged during shutdown are written before the process exits.
        let logSink = logFormat == .json ? LogSink(.standardError) : nil
        if let logSink { LoggingSystem.bootstrap { label in JSONLogHandler(sink: logSink, label: label) } }
        do {
            try await serve(configuration, logSink: logSink)
        } catch {
            throw failure("\(error)", .internalError)
        }
    }
}

/// How `serve` writes its logs.
enum LogFormat: String, ExpressibleByArgument {
    case json, text
}
