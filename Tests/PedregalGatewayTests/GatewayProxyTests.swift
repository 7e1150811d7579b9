import Foundation
import NIOPosix
import PedregalAuth
import PedregalGatewayPeers
import Testing

@testable import PedregalGateway

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The gateway in process, on loopback, in front of an echo backend that
/// returns what it was sent: real HTTP/2, real tokens, real sockets.
@Suite(.serialized) struct GatewayProxyTests {
    static let issuerURL = "https://issuer.test"

    struct Setup {
        var folder: URL
        var running: RunningGateway
        var addresses: GatewayApplication.Addresses { running.addresses }
        var echo: EchoBackend
        var group: MultiThreadedEventLoopGroup
        var issuer: TokenIssuer
        var client: GRPCLoadClient

        func token(_ subject: String, groups: [String] = ["data-science"]) throws -> String {
            try issuer.token(subject: subject, groups: groups, issuer: GatewayProxyTests.issuerURL, audience: "spark")
        }

        func call(
            _ method: String = "Config", host: String = "ds-dev.doordash.team", token: String?, session: String,
            user: String = "mallory"
        ) async throws -> UnaryOutcome {
            var message: [UInt8] = []
            ProtobufWire.appendBytesField(1, Array(session.utf8), to: &message)
            var context: [UInt8] = []
            ProtobufWire.appendBytesField(1, Array(user.utf8), to: &context)
            ProtobufWire.appendBytesField(2, context, to: &message)
            return try await client.unary(
                path: "/spark.connect.SparkConnectService/\(method)", authority: "\(host):443", token: token, message: message)
        }

        func stop() async {
            await client.close()
            await running.stop()
            await echo.stop()
            try? await group.shutdownGracefully()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// The gateway in front of an echo backend, or of the server at `backendPort`
    /// (then without health checks: only calls and probes reach it).
    static func start(proxy: ProxySettings = ProxySettings(), backendPort: Int? = nil) async throws -> Setup {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-gateway-\(UUID().uuidString)")
        let routes = folder.appendingPathComponent("routes")
        try FileManager.default.createDirectory(at: routes, withIntermediateDirectories: true)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let echo = try await EchoBackend.start(group: group)
        let issuer = try TokenIssuer.rsa(keyID: "k1")
        try TokenIssuer.jwks([issuer]).write(to: folder.appendingPathComponent("jwks.json"), atomically: true, encoding: .utf8)
        try RouteFixtures.write(name: "route.sjns-ds-dev.default", route: RouteFixtures.dataScience(), to: routes)
        let backends = folder.appendingPathComponent("backends.yaml")
        try "services:\n  sjns-ds-dev/sc-default: [127.0.0.1:\(backendPort ?? echo.port)]\n".write(
            to: backends, atomically: true, encoding: .utf8)
        let running = try await RunningGateway.start(
            GatewayConfiguration(
                port: 0, adminPort: 0, routes: .folder(routes.path), backendsFile: backends.path,
                verifier: VerifierConfiguration(issuer: issuerURL, audiences: ["spark"]),
                jwks: .file(folder.appendingPathComponent("jwks.json").path), proxy: proxy,
                healthInterval: backendPort == nil ? .seconds(2) : .zero, threads: 1, log: .discard))
        let client = try await GRPCLoadClient.connect(group: group, port: running.addresses.port)
        return Setup(folder: folder, running: running, echo: echo, group: group, issuer: issuer, client: client)
    }

    @Test func forwardsWithTheVerifiedSubjectAsUser() async throws {
        let setup = try await Self.start()
        let outcome = try await setup.call(token: try setup.token("alice@example.com"), session: "s-1")
        #expect(outcome.status == 0, "\(outcome.message)")
        guard outcome.status == 0 else {
            await setup.stop()
            return
        }
        // The echo backend answers 0xEC + the message it received.
        #expect(outcome.body.first == 0xEC)
        let forwarded = Array(outcome.body.dropFirst())
        let context = try forwarded.withUnsafeBytes { bytes in
            try ProtobufWire.fields(bytes).first { $0.number == 2 }.map { Array(bytes[$0.payload]) }
        }
        let user = try context!.withUnsafeBytes { bytes in
            try ProtobufWire.fields(bytes).first { $0.number == 1 }.map { String(decoding: bytes[$0.payload], as: UTF8.self) }
        }
        #expect(user == "alice@example.com")
        await setup.stop()
    }

    @Test func refusesWithTheRightStatus() async throws {
        let setup = try await Self.start()
        let alice = try setup.token("alice@example.com")
        #expect(try await setup.call(token: nil, session: "s").status == 16)
        #expect(try await setup.call(token: "not.a.jwt", session: "s").status == 16)
        let stranger = try TokenIssuer.rsa(keyID: "k1").token(
            subject: "x", groups: ["data-science"], issuer: Self.issuerURL, audience: "spark")
        #expect(try await setup.call(token: stranger, session: "s").status == 16)
        #expect(try await setup.call(token: try setup.token("eve", groups: ["feature-eng"]), session: "s").status == 7)
        let unknown = try await setup.call(host: "nope.doordash.team", token: alice, session: "s")
        #expect(unknown.status == 5)
        #expect(GRPCHeaders.percentDecode(unknown.message).contains("nope.doordash.team"))
        #expect(try await setup.call("NoSuchMethod", token: alice, session: "s").status == 12)
        await setup.stop()
    }

    @Test func keepsSessionsToTheirOwner() async throws {
        let setup = try await Self.start()
        #expect(try await setup.call(token: try setup.token("alice@example.com"), session: "shared").status == 0)
        let bob = try await setup.call(token: try setup.token("bob@example.com"), session: "shared", user: "alice@example.com")
        #expect(bob.status == 7)
        #expect(try await setup.call(token: try setup.token("alice@example.com"), session: "shared").status == 0)
        await setup.stop()
    }

    /// A finished stream must close itself, not be reset: NIO's rapid-reset guard
    /// (on the gateway's listener and on the echo backend, as on any server with
    /// one) drops a connection after 200 RST_STREAMs in 30 s, failing every call on it.
    @Test func manyCallsOnOneConnectionReachTheBackend() async throws {
        let setup = try await Self.start()
        let token = try setup.token("alice@example.com")
        for call in 0..<300 {
            let outcome = try await setup.call(token: token, session: "s-many")
            guard outcome.status == 0 else {
                Issue.record("call \(call) of 300 failed: \(outcome.status.map(String.init) ?? "no status"): \(outcome.message)")
                break
            }
        }
        await setup.stop()
    }

    @Test func servesOperations() async throws {
        let setup = try await Self.start()
        _ = try await setup.call(token: try setup.token("alice@example.com"), session: "s-ops")
        let metrics = try await Self.get(port: setup.addresses.adminPort, path: "/metrics")
        #expect(metrics.contains("pedregal_gateway_requests_total{route=\"route.sjns-ds-dev.default\",code=\"OK\"} 1"))
        #expect(metrics.contains("pedregal_gateway_active_sessions{route=\"route.sjns-ds-dev.default\"} 1"))
        #expect(try await Self.get(port: setup.addresses.adminPort, path: "/readyz") == "ready\n")
        #expect(try await Self.get(port: setup.addresses.adminPort, path: "/healthz") == "ok\n")
        #expect(try await Self.get(port: setup.addresses.adminPort, path: "/servers").contains("\"sessions\":1"))
        await setup.stop()
    }

    /// An HTTP GET with Foundation's client.
    static func get(port: Int, path: String) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        return String(decoding: data, as: UTF8.self)
    }
}
