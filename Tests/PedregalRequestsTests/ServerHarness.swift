import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import PedregalAuth
import PedregalBasics
import PedregalRequests
import ServiceLifecycle

/// `pedregal serve`'s application on a loopback port, against a `GitFixture`,
/// trusting a fresh test issuer; driven with a real HTTP client.
final class ServerHarness: Sendable {
    /// Runs `body` against a started server, stopped afterwards whether or not `body` throws.
    static func running(_ body: (ServerHarness) async throws -> Void) async throws {
        let server = try ServerHarness()
        try await server.start()
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    static let issuerURL = "https://issuer.test/oauth2/default"
    static let audience = "pedregal"

    /// One connection per request, however many run at once: requests that waited
    /// for one of the shared client's 8 connections per host gave up after its
    /// 10 s connect timeout when answers were slow (under ThreadSanitizer).
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 128
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// What starting and stopping change; tests read it from many tasks.
    private struct Running: Sendable {
        var task: Task<Void, any Error>?
        var group: ServiceGroup?
        var port = 0
        var gitEnvironment: [String: String] = [:]
    }

    let fixture: GitFixture
    let issuer: TokenIssuer
    let state: String
    private let running = Locked(Running())
    /// The port the server listens on.
    var port: Int { running.current.port }
    /// More environment for the server's git (a trace file).
    var gitEnvironment: [String: String] {
        get { running.current.gitEnvironment }
        set { running.withLock { $0.gitEnvironment = newValue } }
    }

    init(fixture: GitFixture? = nil) throws {
        self.fixture = try fixture ?? GitFixture()
        issuer = try TokenIssuer.rsa(keyID: "test-1")
        state = self.fixture.folder + "/state"
        try TokenIssuer.jwks([issuer]).write(toFile: jwksPath, atomically: true, encoding: .utf8)
    }

    var jwksPath: String { fixture.folder + "/jwks.json" }

    var configuration: ServeConfiguration {
        ServeConfiguration(
            host: "127.0.0.1", port: 0, remote: fixture.remote, targetBranch: "main", stateDirectory: state,
            issuer: Self.issuerURL, audiences: [Self.audience], jwks: .file(jwksPath),
            gitEnvironment: ["HOME": fixture.home, "GIT_CONFIG_NOSYSTEM": "1"].merging(gitEnvironment) { _, new in new })
    }

    /// Starts the server and waits until it listens.
    func start() async throws {
        let ports = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let app = try buildApplication(configuration, logger: logger) { port in ports.continuation.yield(port) }
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        let task = Task { try await group.run() }
        running.withLock {
            $0.group = group
            $0.task = task
        }
        for await port in ports.stream {
            running.withLock { $0.port = port }
            break
        }
    }

    /// Talks to a server started elsewhere (the built binary) on `port`.
    func useLaunchedServer(port: Int) { running.withLock { $0.port = port } }

    /// Stops the server as SIGTERM would: gracefully.
    func stop() async {
        let (group, task) = running.withLock { ($0.group, $0.task) }
        await group?.triggerGracefulShutdown()
        _ = try? await task?.value
    }

    /// A token for `subject` in `groups`.
    func token(_ subject: String = "alice@example.com", groups: [String] = ["alpha-admins"], lifetime: Double = 600) throws -> String {
        try issuer.token(subject: subject, groups: groups, issuer: Self.issuerURL, audience: Self.audience, lifetime: lifetime)
    }

    /// An answer: status, headers and body.
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    /// Sends a request; `token` nil sends none.
    func send(
        _ method: String, _ path: String, body: String? = nil, token: String?, headers: [String: String] = [:], timeout: Int64 = 120
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await Self.client.execute(request, timeout: .seconds(timeout))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return Reply(status: Int(response.status.code), headers: fields, body: String(buffer: bytes))
    }
}

/// Tokens the test server must refuse.
enum TokenIssuerForTests {
    /// Signed by a key of the same id that is not in the server's JWKS.
    static func foreignToken() throws -> String {
        try TokenIssuer.rsa(keyID: "test-1").token(
            subject: "mallory", groups: ["alpha-admins"], issuer: ServerHarness.issuerURL, audience: ServerHarness.audience)
    }
}
