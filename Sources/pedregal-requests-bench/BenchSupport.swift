import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PedregalAuth
import PedregalRequests
import ServiceLifecycle

/// The benchmark's flags.
struct Options {
    var root = FileManager.default.currentDirectoryPath
    var scratch = NSTemporaryDirectory()
    var requests = 10
    var concurrent = 20

    init(_ arguments: [String]) {
        func value(_ name: String) -> String? {
            arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
        }
        root = value("--root") ?? root
        scratch = value("--scratch") ?? scratch
        requests = value("--requests").flatMap(Int.init).map { max(1, $0) } ?? requests
        concurrent = value("--concurrent").flatMap(Int.init).map { max(1, $0) } ?? concurrent
    }
}

/// The root to measure on, as a remote.
enum BenchRoot {
    static let environment = [
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@localhost",
        "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@localhost",
    ]

    /// Copies teams/, templates/ and generated/ into a commit of a new bare
    /// remote that keeps a log of its main (one entry per push).
    static func remote(from root: String, in scratch: String) async throws -> String {
        let fm = FileManager.default
        let work = scratch + "/work"
        try fm.createDirectory(atPath: scratch + "/home", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        for folder in ["teams", "templates", "generated"] { try fm.copyItem(atPath: root + "/" + folder, toPath: work + "/" + folder) }
        let git = Git(directory: work, environment: environment.merging(["HOME": scratch + "/home"]) { _, new in new })
        try await git.run(["init", "-q", "-b", "main"])
        try await git.run(["add", "-A"])
        try await git.run(["commit", "-q", "-m", "root"])
        let remote = scratch + "/remote.git"
        try await git.run(["init", "-q", "--bare", remote])
        try await Git(directory: remote, environment: git.environment).run(["config", "core.logAllRefUpdates", "always"])
        try await git.run(["push", "-q", remote, "main"])
        try fm.removeItem(atPath: work)
        return remote
    }

    /// teams/ and templates/ of `root`: path → bytes.
    static func sources(_ root: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for folder in ["teams", "templates"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: root + "/" + folder) where name.hasSuffix(".yaml") {
                files[folder + "/" + name] = Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + folder + "/" + name)))
            }
        }
        return files
    }
}

/// `pedregal serve` on loopback, with a token for the benchmark's teams.
struct BenchServer: Sendable {
    let port: Int
    let token: String
    let remote: String
    let group: ServiceGroup
    let task: Task<Void, any Error>
    /// A client of the benchmark's own: `HTTPClient.shared` keeps 8 connections per host, so 20
    /// concurrent creates held all of them and the reads meant to run beside them waited for a
    /// connection until the pool's 10 s timeout, measuring the client instead of the server.
    let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 128
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    static func start(remote: String, state: String, groups: [String]) async throws -> BenchServer {
        let folder = (state as NSString).deletingLastPathComponent
        let issuer = try TokenIssuer.rsa(keyID: "bench")
        try TokenIssuer.jwks([issuer]).write(toFile: folder + "/jwks.json", atomically: true, encoding: .utf8)
        let token = try issuer.token(
            subject: "bench", groups: groups, issuer: "https://issuer.bench", audience: "pedregal", lifetime: 86_400)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let ports = AsyncStream<Int>.makeStream()
        let app = try buildApplication(
            ServeConfiguration(
                port: 0, remote: remote, stateDirectory: state, issuer: "https://issuer.bench", audiences: ["pedregal"],
                jwks: .file(folder + "/jwks.json"),
                gitEnvironment: ["HOME": folder + "/home", "GIT_CONFIG_NOSYSTEM": "1"]),
            logger: logger
        ) { ports.continuation.yield($0) }
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        let task = Task { try await group.run() }
        var port = 0
        for await value in ports.stream {
            port = value
            break
        }
        return BenchServer(port: port, token: token, remote: remote, group: group, task: task)
    }

    /// Sends a request and returns its status.
    func send(_ method: String, _ path: String, body: String? = nil) async throws -> Int {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(300))
        _ = try await response.body.collect(upTo: 16 << 20)
        return Int(response.status.code)
    }

    func commitCount() async throws -> Int {
        Int(try await Git(directory: remote).run(["rev-list", "--count", "main"]).text) ?? 0
    }

    /// Pushes to main since the remote was made.
    func pushCount() async throws -> Int {
        try await Git(directory: remote).run(["reflog", "show", "--format=%H", "main"]).text.split(separator: "\n").count - 1
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        try? await client.shutdown()
    }
}

/// Runs `body` and how long it took.
func timed<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> (T, Duration) {
    let start = ContinuousClock.now
    let value = try await body()
    return (value, ContinuousClock.now - start)
}

func median(_ values: [Duration]) -> Duration { percentile(values, 0.5) }

/// The value at `fraction` of the sorted values (nearest rank).
func percentile(_ values: [Duration], _ fraction: Double) -> Duration {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .zero }
    let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

func ms(_ value: Duration) -> String {
    String(format: "%.0f ms", Double(value.components.attoseconds) / 1e15 + Double(value.components.seconds) * 1000)
}

func seconds(_ value: Duration) -> String {
    String(format: "%.1f s", Double(value.components.seconds) + Double(value.components.attoseconds) / 1e18)
}
