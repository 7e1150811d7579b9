import Foundation
import PedregalAuth
import PedregalManifests
import PedregalYAML

/// `pedregal local up --gateway`: `pedregal gateway` in front of the local
/// server, with the team's compiled route (host names, allowed groups), a
/// local token issuer whose JWKS only this gateway trusts, and a token for
/// the user in the route's groups.
public struct LocalGatewayFiles: Sendable, Equatable {
    /// The gateway's folder: STATE/gateway.
    public var directory: String
    /// The route ConfigMap as `generate` writes it, alone in its folder.
    public var routeYAML: String
    /// The route's file name.
    public var routeFile: String
    /// `services: {NAMESPACE/SERVICE: [127.0.0.1:PORT]}`.
    public var backendsYAML: String
    /// The host names of the route; the first is the one clients send.
    public var hostnames: [String]
    /// The route's allowed groups, the group prefix removed (what a token carries).
    public var groups: [String]

    public static let issuer = "https://pedregal.local/issuer"
    public static let audience = "spark"
    public static let groupPrefix = "okta:"

    public var routesFolder: String { directory + "/routes" }
    public var backendsPath: String { directory + "/backends.yaml" }
    public var jwksPath: String { directory + "/jwks.json" }
    public var tokenPath: String { directory + "/token" }
    public var logPath: String { directory + "/gateway.log" }

    /// The files for the route of `template` in `manifests`, in front of a server on `serverPort`.
    public init?(template: ConnectTemplate, manifests: [Manifest], serverPort: Int, stateDirectory: String) {
        func label(_ manifest: Manifest, _ key: String) -> String? { manifest.object["metadata"]?["labels"]?[key]?.string }
        guard
            let route = manifests.first(where: {
                $0.id.kind == "ConfigMap" && label($0, Vocabulary.component) == SparkComponent.gatewayRoute
                    && label($0, Vocabulary.team) == template.team && label($0, Vocabulary.environment) == template.environment
                    && label($0, Vocabulary.sparkConnect) == template.name && label($0, Vocabulary.region) == template.region
            }),
            let text = route.object["data"]?[Vocabulary.routeKey]?.string,
            let spec = YAMLParser().parse(Array(text.utf8), file: "route").documents.first?.value,
            let namespace = spec["namespace"]?.string, let service = spec["service"]?.string,
            let hostnames = spec["hostnames"]?.listValue?.compactMap(\.string), !hostnames.isEmpty
        else { return nil }
        directory = stateDirectory + "/gateway"
        routeYAML = YAMLWriter.document(route.object)
        routeFile = "configmap-\(route.id.name).yaml"
        backendsYAML = "services:\n  \(namespace)/\(service): [127.0.0.1:\(serverPort)]\n"
        self.hostnames = hostnames
        groups = (spec["allowedGroups"]?.listValue ?? []).compactMap(\.string).map {
            $0.hasPrefix(Self.groupPrefix) ? String($0.dropFirst(Self.groupPrefix.count)) : $0
        }
    }

    /// Writes the route, backends, a fresh issuer's JWKS and a 12-hour token
    /// (readable by the user only); returns the token.
    public func write(subject: String) throws -> String {
        try? FileManager.default.removeItem(atPath: routesFolder)
        try FileManager.default.createDirectory(atPath: routesFolder, withIntermediateDirectories: true)
        try Data(routeYAML.utf8).write(to: URL(fileURLWithPath: routesFolder + "/" + routeFile))
        try Data(backendsYAML.utf8).write(to: URL(fileURLWithPath: backendsPath))
        let issuer = try TokenIssuer.rsa(keyID: "pedregal-local")
        try Data(try TokenIssuer.jwks([issuer]).utf8).write(to: URL(fileURLWithPath: jwksPath))
        let token = try issuer.token(subject: subject, groups: groups, issuer: Self.issuer, audience: Self.audience, lifetime: 12 * 3600)
        guard FileManager.default.createFile(atPath: tokenPath, contents: Data(token.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: tokenPath])
        }
        return token
    }

    /// `pedregal gateway` on `127.0.0.1:port` (h2c: loopback only), admin on `adminPort`.
    public func command(executable: String, port: Int, adminPort: Int) -> [String] {
        [
            executable, "gateway", "--routes", routesFolder, "--backends", backendsPath,
            "--listen", "127.0.0.1:\(port)", "--admin-listen", "127.0.0.1:\(adminPort)",
            "--issuer", Self.issuer, "--audience", Self.audience, "--jwks", jwksPath, "--group-prefix", Self.groupPrefix,
            "--threads", "2",
        ]
    }

    /// Python that connects through the gateway as the team's host name.
    public func clientSnippet(port: Int) -> String {
        """
        from pyspark.sql.connect.client import DefaultChannelBuilder
        from pyspark.sql.connect.session import SparkSession
        token = open("\(tokenPath)").read().strip()
        channel = DefaultChannelBuilder(f"sc://localhost:\(port)/;token={token}",
                                        channelOptions=[("grpc.default_authority", "\(hostnames[0])")])
        spark = SparkSession.builder.channelBuilder(channel).create()
        """
    }
}

extension LocalSparkConnect {
    /// Starts `pedregal gateway` (the binary at `executable`) in front of the
    /// running server of `state`, waits until it serves HTTP/2 and its
    /// /readyz says ready, and records it. A gateway already running is kept.
    public func startGateway(
        _ files: LocalGatewayFiles, executable: String, state: LocalServerState, subject: String, timeout: Double,
        progress: (Double) -> Void
    ) throws -> LocalServerState {
        if let gateway = state.gateway, LocalProcess.isAlive(gateway.pid) { return state }
        _ = try files.write(subject: subject)
        guard let port = ConnectProbe.freePort(), let adminPort = ConnectProbe.freePort(), port != adminPort else {
            throw LocalServerError.noFreePort
        }
        try Data().write(to: URL(fileURLWithPath: files.logPath))
        let pid = try LocalProcess.spawn(
            files.command(executable: executable, port: port, adminPort: adminPort),
            environment: ProcessInfo.processInfo.environment, logPath: files.logPath)
        var updated = state
        updated.gateway = LocalGatewayState(pid: pid, port: port, logPath: files.logPath, host: files.hostnames[0])
        try store.write(updated)
        let started = Date()
        var lastTick = 0
        while true {
            let elapsed = Date().timeIntervalSince(started)
            let alive = LocalProcess.isAlive(pid)
            if alive, ConnectProbe.probe(port: port, timeout: 2) == .answering,
                ConnectProbe.httpStatus(port: adminPort, path: "/readyz") == 200
            {
                return updated
            }
            if !alive || elapsed > timeout {
                LocalProcess.stop(pid, grace: 5)
                try store.write(state)
                throw LocalServerError.gatewayFailed(logPath: files.logPath, logTail: Self.tail(of: files.logPath))
            }
            if Int(elapsed) > lastTick {
                lastTick = Int(elapsed)
                progress(elapsed)
            }
            usleep(250_000)
        }
    }
}
