import Foundation
import NIOPosix
import PedregalAuth
import PedregalGatewayPeers
import PedregalManifests
import Testing

@testable import PedregalGateway

/// A Spark Connect server dies under its sessions: the gateway in process in
/// front of two echo servers (which keep sessions as Spark does), one of them
/// killed. Its sessions' next calls fail at once in Spark's terms, it is logged
/// down once whoever found it, its sessions are forgotten and audit-logged, and
/// the other server's sessions and new sessions carry on.
@Suite(.serialized) struct ServerDeathTests {
    static let issuerURL = "https://issuer.test"

    struct Setup {
        var folder: URL
        var running: RunningGateway
        var addresses: GatewayApplication.Addresses { running.addresses }
        var servers: [EchoBackend]
        var group: MultiThreadedEventLoopGroup
        var issuer: TokenIssuer
        var client: GRPCLoadClient
        var logPath: String

        /// A `Config` call in `session`; `observed` sends the server's session id, as a
        /// client that has seen a response of the session does.
        func call(_ session: String, observed: Bool) async throws -> UnaryOutcome {
            var message: [UInt8] = []
            ProtobufWire.appendBytesField(1, Array(session.utf8), to: &message)
            var context: [UInt8] = []
            ProtobufWire.appendBytesField(1, Array("alice@example.com".utf8), to: &context)
            ProtobufWire.appendBytesField(2, context, to: &message)
            if observed { ProtobufWire.appendBytesField(8, Array("server-side-\(session)".utf8), to: &message) }
            let token = try issuer.token(
                subject: "alice@example.com", groups: ["okta:data-science"], issuer: ServerDeathTests.issuerURL, audience: "spark")
            return try await client.unary(
                path: "/spark.connect.SparkConnectService/Config", authority: "ds-dev.doordash.team:443", token: token,
                message: message)
        }

        /// The log's lines of one kind and event, as JSON objects.
        func logLines(_ event: String) async throws -> [[String: Any]] {
            await running.gateway.flushLog()
            return try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n").compactMap { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return object?["event"] as? String == event ? object : nil
            }
        }

        func stop() async {
            await client.close()
            await running.stop()
            for server in servers { await server.stop() }
            try? await group.shutdownGracefully()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    static func start(allowedGroups: String = "okta:data-science") async throws -> Setup {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-gateway-\(UUID().uuidString)")
        let routes = folder.appendingPathComponent("routes")
        try FileManager.default.createDirectory(at: routes, withIntermediateDirectories: true)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let servers = [try await EchoBackend.start(group: group), try await EchoBackend.start(group: group)]
        let issuer = try TokenIssuer.rsa(keyID: "k1")
        try TokenIssuer.jwks([issuer]).write(to: folder.appendingPathComponent("jwks.json"), atomically: true, encoding: .utf8)
        try RouteFixtures.write(
            name: "route.sjns-ds-dev.default", route: RouteFixtures.dataScience(allowedGroups: [allowedGroups]), to: routes)
        let backends = folder.appendingPathComponent("backends.yaml")
        try "services:\n  sjns-ds-dev/sc-default: [\(servers.map { "127.0.0.1:\($0.port)" }.joined(separator: ", "))]\n"
            .write(to: backends, atomically: true, encoding: .utf8)
        let logPath = folder.appendingPathComponent("gateway.log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        // Health checks are off: only calls and probes can find a server down here.
        let running = try await RunningGateway.start(
            GatewayConfiguration(
                port: 0, adminPort: 0, routes: .folder(routes.path), backendsFile: backends.path,
                verifier: VerifierConfiguration(issuer: issuerURL, audiences: ["spark"]),
                jwks: .file(folder.appendingPathComponent("jwks.json").path), healthInterval: .zero, threads: 1,
                log: .fileHandle(try #require(FileHandle(forWritingAtPath: logPath)))))
        let client = try await GRPCLoadClient.connect(group: group, port: running.addresses.port)
        return Setup(folder: folder, running: running, servers: servers, group: group, issuer: issuer, client: client, logPath: logPath)
    }

    static func withSetup(allowedGroups: String = "okta:data-science", _ body: (Setup) async throws -> Void) async throws {
        let setup = try await start(allowedGroups: allowedGroups)
        do {
            try await body(setup)
        } catch {
            await setup.stop()
            throw error
        }
        await setup.stop()
    }

    static func servers(_ setup: Setup) async throws -> [String: [String: Any]] {
        let body = try await GatewayProxyTests.get(port: setup.addresses.adminPort, path: "/servers")
        let list = (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["servers"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: list.map { ($0["server"] as? String ?? "", $0) })
    }

    @Test func aDeadServersSessionsFailAtOnceAndAreForgotten() async throws {
        try await Self.withSetup { setup in try await deadServer(setup) }
    }

    func deadServer(_ setup: Setup) async throws {
        let sessions = (0..<12).map { "session-\($0)" }
        for session in sessions {
            let opened = try await setup.call(session, observed: false)
            try #require(opened.status == 0, "\(opened.message)")
        }
        let (victim, survivor) = (setup.servers[0], setup.servers[1])
        let lost = victim.sessionIDs
        let kept = survivor.sessionIDs
        try #require(!lost.isEmpty && !kept.isEmpty, "sessions did not spread: \(lost) / \(kept)")
        let victimName = "127.0.0.1:\(victim.port)"
        #expect(try await Self.servers(setup)[victimName]?["sessions"] as? Int == lost.count)

        await victim.kill()
        try await Task.sleep(for: .milliseconds(200))  // the gateway sees its connection close

        // The session's next statement: Spark's SESSION_CHANGED, which clients do not retry.
        let first = try await setup.call(lost[0], observed: true)
        #expect(first.status == 13, "\(first.status.map(String.init) ?? "-"): \(first.message)")
        let message = GRPCHeaders.percentDecode(first.message)
        #expect(message.hasPrefix("[INVALID_HANDLE.SESSION_CHANGED] The handle \(lost[0]) is invalid."), "\(message)")
        #expect(message.contains("Session \(lost[0]) was held by the Spark Connect server \(victimName)"), "\(message)")
        #expect(message.contains("Open a new session"), "\(message)")
        // Every other session of the dead server too, without another connection attempt.
        for session in lost.dropFirst() {
            #expect(try await setup.call(session, observed: true).status == 13)
        }

        // Found down by a call: logged as the health check logs it, once.
        let down = try await setup.logLines("server-down")
        #expect(down.count == 1, "\(down)")
        #expect(down.first?["server"] as? String == victimName)
        #expect(down.first?["found_by"] as? String == "call")
        // Its sessions are forgotten (no longer counted) and audit-logged.
        let servers = try await Self.servers(setup)
        #expect(servers[victimName]?["sessions"] as? Int == 0)
        #expect(servers[victimName]?["healthy"] as? Bool == false)
        #expect(servers["127.0.0.1:\(survivor.port)"]?["sessions"] as? Int == kept.count)
        let audit = try await setup.logLines("sessions-lost")
        #expect(audit.count == 1, "\(audit)")
        #expect(audit.first?["kind"] as? String == "audit")
        #expect(audit.first?["count"] as? Int == lost.count)
        let listed = (audit.first?["sessions"] as? [[String: String]] ?? []).compactMap { $0["session"] }
        #expect(listed.sorted() == lost, "\(listed)")
        #expect((audit.first?["sessions"] as? [[String: String]])?.first?["subject"] == "alice@example.com")
        #expect((audit.first?["sessions"] as? [[String: String]])?.first?["team"] == "data-science")

        // The other server's sessions and new sessions are not affected.
        for session in kept { #expect(try await setup.call(session, observed: true).status == 0) }
        for index in 0..<6 { #expect(try await setup.call("new-\(index)", observed: false).status == 0) }
        #expect(try await setup.logLines("server-down").count == 1)
    }

    @Test func warnsWhenNoRouteUsesTheGroupPrefix() async throws {
        try await Self.withSetup(allowedGroups: "oidc:data-science") { setup in
            let warning = try await setup.logLines("group-prefix-unused")
            #expect(warning.count == 1, "\(warning)")
            #expect(warning.first?["prefix"] as? String == "okta:")
            #expect((warning.first?["message"] as? String)?.contains("--group-prefix 'oidc:'") == true, "\(warning)")
        }
        try await Self.withSetup { setup in
            let warnings = try await setup.logLines("group-prefix-unused")
            #expect(warnings.isEmpty, "\(warnings)")
        }
    }

    @Test func theWarningNamesThePrefixesTheRoutesUse() {
        func route(_ groups: [String]) -> LoadedRoute {
            LoadedRoute(
                name: "r",
                route: GatewayRoute(
                    hostnames: ["h"], team: "t", environment: "dev", namespace: "n", service: "s", port: 1, backend: "sk8",
                    allowedGroups: groups))
        }
        #expect(RouteWatcher.groupPrefixWarning(prefix: "okta:", routes: [route(["okta:a"]), route(["oidc:b"])]) == nil)
        #expect(RouteWatcher.groupPrefixWarning(prefix: "okta:", routes: [route([])]) == nil)
        #expect(RouteWatcher.groupPrefixWarning(prefix: "", routes: [route(["a"])]) == nil)
        let other = RouteWatcher.groupPrefixWarning(prefix: "okta:", routes: [route(["oidc:a"]), route(["oidc:b", "x"])])
        #expect(other?.contains("(they begin with 'oidc:')") == true, "\(other ?? "")")
        let bare = RouteWatcher.groupPrefixWarning(prefix: "okta:", routes: [route(["a"])])
        #expect(bare?.contains("--group-prefix ''") == true, "\(bare ?? "")")
    }
}
