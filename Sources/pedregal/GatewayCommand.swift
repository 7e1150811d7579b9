import ArgumentParser
import Foundation
import PedregalAuth
import PedregalGateway
import PedregalKubernetes

/// `pedregal gateway`: flags into a `GatewayConfiguration`, then the gateway runs.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Serve the Spark Gateway: route sc://<host> to the team's Spark Connect servers.",
        discussion: """
            Authenticates every call (OIDC JWT against the issuer's JWKS), authorizes it by the route's allowedGroups, replaces user_context.user_id with the token's subject, and keeps each session on one server. Routes come from a folder of route ConfigMaps (--routes generated/<cluster>/spark-gateway) or from the cluster (--routes-from-cluster, with the runner's connection flags). SIGTERM drains.

            Examples:
              pedregal gateway --routes generated/sk8-us-west-2/spark-gateway \\
                --backends backends.yaml --issuer https://example.okta.com/oauth2/default \\
                --audience spark --jwks jwks.json
              pedregal gateway --routes-from-cluster --in-cluster --listen 0.0.0.0:15002 \\
                --tls-certificate /tls/tls.crt --tls-key /tls/tls.key \\
                --admin-listen 0.0.0.0:9090 \\
                --issuer https://example.okta.com/oauth2/default --audience spark \\
                --jwks https://example.okta.com/oauth2/default/v1/keys
            """)

    @Option(help: ArgumentHelp("Client-facing address.", valueName: "host:port"))
    var listen = "127.0.0.1:15002"

    @Option(help: ArgumentHelp("PEM certificate chain; without it the gateway serves h2c on loopback only.", valueName: "file"))
    var tlsCertificate: String?

    @Option(help: ArgumentHelp("PEM private key of --tls-certificate.", valueName: "file"))
    var tlsKey: String?

    @Option(help: ArgumentHelp("Address of /healthz, /readyz, /metrics and /servers.", valueName: "host:port"))
    var adminListen = "127.0.0.1:9090"

    @Option(help: ArgumentHelp("Folder of route ConfigMaps: generated/<cluster>/<gateway namespace>.", valueName: "dir"))
    var routes: String?

    @Flag(help: "Read routes and endpoints from the cluster (see the connection flags).")
    var routesFromCluster = false

    @Option(help: ArgumentHelp("Gateway namespace holding the route ConfigMaps (with --routes-from-cluster).", valueName: "name"))
    var namespace = "spark-gateway"

    @Option(help: ArgumentHelp("Backends file: static servers per namespace/service, upstreams, cordons.", valueName: "file"))
    var backends: String?

    @Option(help: ArgumentHelp("Expected token issuer (iss).", valueName: "url"))
    var issuer: String

    @Option(help: ArgumentHelp("Accepted token audience (aud); repeat for several.", valueName: "aud"))
    var audience: [String]

    @Option(help: ArgumentHelp("The issuer's JWKS: a file, or an https URL.", valueName: "file|url"))
    var jwks: String

    @Option(help: ArgumentHelp("Claim holding the caller's groups.", valueName: "name"))
    var groupsClaim = "groups"

    @Option(
        help: ArgumentHelp(
            "The platform's groupPrefix: taken off a token's groups and the routes' allowedGroups before they are compared (as pedregal serve does); a warning is logged when no route's allowedGroups begins with it.",
            valueName: "text"))
    var groupPrefix = "okta:"

    @Option(help: ArgumentHelp("Allowed clock skew for exp/nbf/iat, seconds.", valueName: "s"))
    var clockSkew = 60

    @Option(help: ArgumentHelp("Group allowed to cordon and drain servers; repeat for several.", valueName: "group"))
    var adminGroup: [String] = []

    @Option(help: ArgumentHelp("Open sessions per route.", valueName: "n"))
    var maxSessionsPerRoute = 500

    @Option(help: ArgumentHelp("Running executions (ExecutePlan, ReattachExecute) per route.", valueName: "n"))
    var maxExecutionsPerRoute = 200

    @Option(help: ArgumentHelp("Streams one client connection may have open at once.", valueName: "n"))
    var maxConcurrentStreams = 100

    @Option(help: ArgumentHelp("Open client connections in all.", valueName: "n"))
    var maxConnections = 10_000

    @Option(
        help: ArgumentHelp(
            "Open client connections from one address (behind a load balancer that does not keep client addresses, raise it).",
            valueName: "n"))
    var maxConnectionsPerSource = 512

    @Option(help: ArgumentHelp("Seconds a client has to finish TLS and the HTTP/2 preface and settings.", valueName: "s"))
    var handshakeTimeout = 10

    @Option(help: ArgumentHelp("Seconds a client connection may stay open with no call.", valueName: "s"))
    var idleTimeout = 300

    @Option(help: ArgumentHelp("Seconds a call may take to send its first request message.", valueName: "s"))
    var firstMessageTimeout = 30

    @Option(help: ArgumentHelp("Seconds a call's client may read nothing before the call is reset.", valueName: "s"))
    var writeStallTimeout = 120

    @Option(help: ArgumentHelp("Seconds between route (and endpoint) reads.", valueName: "s"))
    var routeRefresh = 5

    @Option(
        help: ArgumentHelp("Seconds between server health checks (0 turns them off: servers are found down by calls only).", valueName: "s")
    )
    var healthInterval = 2

    @Option(help: ArgumentHelp("Seconds a shutdown waits for running calls.", valueName: "s"))
    var drainTimeout = 30

    @Option(help: ArgumentHelp("Event loop threads (default: one per core).", valueName: "n"))
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Where access/audit/event lines go: stdout, stderr or off.", valueName: "dest"))
    var log = "stdout"

    @Flag(help: "Reach pass-through upstreams (non-sk8 backends) in plaintext h2c instead of TLS.")
    var plaintextUpstreams = false

    @OptionGroup(title: "Connection (with --routes-from-cluster)")
    var connection: ConnectionFlags

    func validate() throws {
        guard (routes != nil) != routesFromCluster else {
            throw ValidationError("give either --routes DIR or --routes-from-cluster")
        }
        guard !audience.isEmpty else { throw ValidationError("give at least one --audience") }
        guard ["stdout", "stderr", "off"].contains(log) else { throw ValidationError("--log is stdout, stderr or off") }
        for (flag, value) in [
            ("--max-concurrent-streams", maxConcurrentStreams), ("--max-connections", maxConnections),
            ("--max-connections-per-source", maxConnectionsPerSource), ("--handshake-timeout", handshakeTimeout),
            ("--idle-timeout", idleTimeout), ("--first-message-timeout", firstMessageTimeout),
            ("--write-stall-timeout", writeStallTimeout),
        ] where value < 1 {
            throw ValidationError("\(flag) must be at least 1")
        }
        _ = try Self.split(listen, "--listen")
        _ = try Self.split(adminListen, "--admin-listen")
    }

    static func split(_ text: String, _ flag: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
        else { throw ValidationError("\(flag) '\(text)' is not host:port") }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    func run() async throws {
        let (host, port) = try Self.split(listen, "--listen")
        let (adminHost, adminPort) = try Self.split(adminListen, "--admin-listen")
        let origin: GatewayConfiguration.Routes =
            routesFromCluster ? .cluster(connection.options, namespace: namespace) : .folder(routes!)
        let configuration = GatewayConfiguration(
            host: host, port: port, tlsCertificate: tlsCertificate, tlsKey: tlsKey, adminHost: adminHost, adminPort: adminPort,
            routes: origin, backendsFile: backends,
            verifier: VerifierConfiguration(
                issuer: issuer, audiences: audience, clockSkew: .seconds(clockSkew), groupsClaim: groupsClaim),
            jwks: KeySource(parsing: jwks), adminGroups: adminGroup,
            proxy: ProxySettings(
                groupPrefix: groupPrefix, maxSessionsPerRoute: maxSessionsPerRoute, maxExecutionsPerRoute: maxExecutionsPerRoute,
                maxConcurrentStreams: maxConcurrentStreams, upstreamTLS: !plaintextUpstreams,
                timeouts: ConnectionTimeouts(
                    handshake: .seconds(handshakeTimeout), idle: .seconds(idleTimeout), firstMessage: .seconds(firstMessageTimeout),
                    writeStall: .seconds(writeStallTimeout)),
                limits: ClientLimits(maxConnections: maxConnections, maxConnectionsPerSource: maxConnectionsPerSource)),
            routeRefresh: .seconds(routeRefresh), healthInterval: .seconds(healthInterval), drainTimeout: .seconds(drainTimeout),
            threads: threads, log: log == "off" ? .discard : (log == "stderr" ? .standardError : .standardOutput))
        let application: GatewayApplication
        do {
            application = try GatewayApplication(configuration)
        } catch {
            throw failure("\(error)", .usage)
        }
        do {
            try await application.runUntilSignalled()
        } catch {
            throw failure("\(error)", .ioError)
        }
    }
}
