import Foundation
import PedregalCompiler
import PedregalDiff
import PedregalLoader
import PedregalRequests
import PedregalTestSupport
import Testing

/// Many requests at once lose nothing and every commit compiles; a server
/// killed mid-request restarts clean and a retry completes the work.
@Suite(.serialized) struct LoadAndCrashTests {
    static let base = "/api/v1/spark-connect-clusters"

    @Test func fiftyConcurrentCreatesAllLand() async throws {
        let server = try ServerHarness()
        try await server.start()
        let token = try server.token()
        let started = ContinuousClock.now
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<50 {
                group.addTask {
                    try await server.send(
                        "POST", Self.base,
                        body: """
                            {"team": "alpha", "environment": "dev", "region": "us-west-2", "name": "c\(index)"}
                            """, token: token, timeout: 900
                    ).status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = ContinuousClock.now - started
        await server.stop()
        print("50 concurrent creates answered in \(elapsed)")
        #expect(statuses.filter { $0 == 201 }.count == 50, "\(statuses)")
        // Nothing lost: the team file on main holds all fifty, and every
        // commit the service made compiles.
        let file = try #require(server.fixture.remoteFile("teams/alpha.yaml"))
        #expect((0..<50).allSatisfy { file.contains("  - name: c\($0)\n") })
        let commits = try server.fixture.git(["rev-list", "main"], in: server.fixture.remote).split(separator: "\n")
        #expect(commits.count == 51)
        for commit in commits {
            let tree = try GitSourceTree(root: URL(fileURLWithPath: server.fixture.remote), revision: String(commit))
            #expect(!Compiler().compile(tree).hasErrors, "commit \(commit) does not compile")
        }
    }

    @Test func aKilledServerRestartsCleanAndRetriesComplete() async throws {
        let fixture = try GitFixture()
        let harness = try ServerHarness(fixture: fixture)
        let port = try Self.freePort()
        let arguments = [
            "serve", "--port", String(port), "--remote", fixture.remote, "--state-dir", harness.state, "--issuer",
            ServerHarness.issuerURL, "--audience", ServerHarness.audience, "--jwks", harness.jwksPath, "--log-format", "text",
        ]
        let clock = ContinuousClock.now
        func mark(_ what: String) { print("kill test: \(what) after \(ContinuousClock.now - clock)") }
        var process = try Self.launch(arguments, home: fixture.home)
        try await Self.waitUntilReady(harness, port: port)
        mark("ready")
        let token = try harness.token()

        // Twenty requests in flight; the server dies after the first answer.
        let answered = LockedList()
        let requests = Task {
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        let reply = try? await harness.send(
                            "POST", Self.base,
                            body: """
                                {"team": "alpha", "environment": "dev", "region": "us-west-2", "name": "k\(index)"}
                                """, token: token, headers: ["Idempotency-Key": "key-\(index)"])
                        if let reply, reply.status == 201 { answered.append(index) }
                    }
                }
            }
        }
        while answered.items.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        mark("killed")
        // Requests not answered fail now rather than wait for their deadline.
        requests.cancel()
        await requests.value
        mark("requests ended")
        let before = answered.items
        #expect(!before.isEmpty && before.count < 20, "killed too late to be mid-request: \(before.count) answered")

        // The remote holds only whole, compiling commits.
        #expect(!(try fixture.compileRemoteMain().hasErrors))

        // Restart: the clone is restored, every answered cluster is there,
        // and retrying the others with their keys completes them.
        process = try Self.launch(arguments, home: fixture.home)
        defer {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        try await Self.waitUntilReady(harness, port: port)
        mark("ready again")
        let checkout = harness.state + "/checkout"
        #expect(try fixture.git(["status", "--porcelain", "--ignored"], in: checkout) == "")
        for index in before {
            #expect(try await harness.send("GET", "\(Self.base)/alpha.k\(index)", token: token).status == 200)
        }
        for index in 0..<20 {
            let reply = try await harness.send(
                "POST", Self.base,
                body: """
                    {"team": "alpha", "environment": "dev", "region": "us-west-2", "name": "k\(index)"}
                    """, token: token, headers: ["Idempotency-Key": "key-\(index)"])
            #expect([200, 201].contains(reply.status), "\(reply.body)")
            if before.contains(index) { #expect(reply.headers["idempotent-replayed"] == "true") }
        }
        mark("retried")
        let file = try #require(fixture.remoteFile("teams/alpha.yaml"))
        for index in 0..<20 {
            #expect(file.components(separatedBy: "  - name: k\(index)\n").count == 2, "k\(index) must appear exactly once")
        }
        #expect(!(try fixture.compileRemoteMain().hasErrors))
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        mark("stopped")
        #expect(process.terminationStatus == 0, "a graceful stop exits 0")
    }

    static func launch(_ arguments: [String], home: String, standardError: FileHandle = .nullDevice) throws -> Process {
        let process = Process()
        process.executableURL = Paths.binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = standardError
        try process.run()
        return process
    }

    /// `serve` logs JSON lines by default, written off the request's thread: each line is one JSON
    /// object naming its logger, requests are logged, and the lines logged while the server stops
    /// are written before it exits.
    @Test func servesJSONLogLinesToTheEnd() async throws {
        let fixture = try GitFixture()
        let harness = try ServerHarness(fixture: fixture)
        let port = try Self.freePort()
        let logPath = fixture.folder + "/serve.log"
        #expect(FileManager.default.createFile(atPath: logPath, contents: nil))
        let log = try #require(FileHandle(forWritingAtPath: logPath))
        let process = try Self.launch(
            [
                "serve", "--port", String(port), "--remote", fixture.remote, "--state-dir", harness.state, "--issuer",
                ServerHarness.issuerURL, "--audience", ServerHarness.audience, "--jwks", harness.jwksPath,
            ], home: fixture.home, standardError: log)
        try await Self.waitUntilReady(harness, port: port)
        let token = try harness.token()
        #expect(try await harness.send("GET", Self.base, token: token).status == 200)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        try log.close()
        let lines = try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n")
        let objects = try lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
        #expect(objects.allSatisfy { ($0["logger"] as? String)?.isEmpty == false && $0["time"] is String && $0["level"] is String })
        #expect(objects.contains { $0["message"] as? String == "listening" && $0["port"] as? String == String(port) })
        #expect(
            objects.contains {
                $0["message"] as? String == "request" && $0["path"] as? String == Self.base && $0["status"] as? String == "200"
            })
        // The last line, logged after every service stopped, made it out before the process ended.
        #expect(objects.last?["message"] as? String == "stopped", "\(lines.suffix(2))")
    }

    static func waitUntilReady(_ harness: ServerHarness, port: Int) async throws {
        harness.useLaunchedServer(port: port)
        for _ in 0..<600 {
            if let reply = try? await harness.send("GET", "/readyz", token: nil, timeout: 1), reply.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the server did not become ready")
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Indexes collected from concurrent tasks.
final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Int] = []
    func append(_ value: Int) {
        lock.lock()
        stored.append(value)
        lock.unlock()
    }
    var items: [Int] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
