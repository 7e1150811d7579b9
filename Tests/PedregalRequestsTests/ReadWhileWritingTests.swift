import Foundation
import PedregalCompiler
import PedregalLoader
import PedregalRequests
import Testing

/// Reads never wait for a change, and a change's git work is proportional
/// to it: no work tree, no whole-tree staging, exactly the files that change.
@Suite(.serialized) struct ReadWhileWritingTests {
    static let base = "/api/v1/spark-connect-clusters"

    @Test func readsAnswerWhileAChangeIsStuckInItsPush() async throws {
        let server = try ServerHarness()
        try await server.start()
        let token = try server.token()
        let flag = server.fixture.folder + "/go"
        do {
            let first = try await server.send(
                "POST", Self.base, body: #"{"team": "alpha", "environment": "dev", "region": "us-west-2", "name": "one"}"#, token: token)
            #expect(first.status == 201, "\(first.body)")
            // The remote now holds every push until a flag file appears.
            let started = server.fixture.folder + "/pushing"
            try server.fixture.installHook("pre-receive", "touch '\(started)'\nwhile [ ! -f '\(flag)' ]; do sleep 0.05; done\n")
            let change = Task {
                try await server.send(
                    "POST", Self.base, body: #"{"team": "alpha", "environment": "dev", "region": "us-west-2", "name": "two"}"#,
                    token: token)
            }
            // Wait until the change is pushing (its hook is running).
            var pushing = false
            for _ in 0..<600 where !pushing {
                try await Task.sleep(for: .milliseconds(50))
                pushing = FileManager.default.fileExists(atPath: started)
            }
            #expect(pushing, "the change never reached its push")
            let read = try await server.send("GET", "\(Self.base)/alpha.one", token: token, timeout: 30)
            #expect(read.status == 200, "\(read.body)")
            let list = try await server.send("GET", "\(Self.base)?team=alpha", token: token, timeout: 30)
            #expect(((list.json["items"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String } == ["one"])
            #expect(FileManager.default.createFile(atPath: flag, contents: nil))
            let second = try await change.value
            #expect(second.status == 201, "\(second.body)")
            let after = try await server.send("GET", "\(Self.base)?team=alpha", token: token)
            #expect(((after.json["items"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String } == ["one", "two"])
        } catch {
            // Let the held push go, or stopping would wait for it forever.
            _ = FileManager.default.createFile(atPath: flag, contents: nil)
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func aChangeCommitsExactlyItsFilesWithoutAWorkTree() async throws {
        let server = try ServerHarness()
        let trace = server.fixture.folder + "/git-trace"
        server.gitEnvironment = ["GIT_TRACE": trace]
        try await server.start()
        let reply: ServerHarness.Reply
        do {
            try? FileManager.default.removeItem(atPath: trace)
            reply = try await server.send(
                "POST", Self.base, body: #"{"team": "alpha", "environment": "dev", "region": "us-west-2"}"#, token: try server.token())
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        #expect(reply.status == 201, "\(reply.body)")
        // No whole-tree git command ran for the request.
        let commands = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "trace: built-in: git ") else { return nil }
            return line[range.upperBound...].split(separator: " ").first.map(String.init)
        }
        #expect(!commands.isEmpty)
        for command in ["add", "status", "checkout", "reset", "clean", "read-tree", "ls-files", "write-tree", "diff-index"] {
            #expect(!commands.contains(command), "ran git \(command): \(commands)")
        }
        // The commit holds the team file and the new cluster's generated files, nothing else.
        let changed = try server.fixture.git(["show", "--name-only", "--format=", "main"], in: server.fixture.remote)
            .split(separator: "\n").map(String.init)
        let remote = URL(fileURLWithPath: server.fixture.remote)
        let before = Compiler().compile(try GitSourceTree(root: remote, revision: "main~1")).files
        let after = Compiler().compile(try GitSourceTree(root: remote, revision: "main")).files
        var expected: Set<String> = ["teams/alpha.yaml"]
        let old = Dictionary(uniqueKeysWithValues: before.map { ($0.path, $0.contents) })
        let new = Dictionary(uniqueKeysWithValues: after.map { ($0.path, $0.contents) })
        for path in Set(old.keys).union(new.keys) where old[path] != new[path] { expected.insert("generated/" + path) }
        #expect(Set(changed) == expected)
        #expect(changed.contains { $0.contains("dev-us") })
        #expect(try server.fixture.isCurrent())
        // The service's repository has no work tree to go stale or dirty.
        let checkout = server.state + "/checkout"
        #expect(try FileManager.default.contentsOfDirectory(atPath: checkout) == [".git"])
        #expect(try server.fixture.git(["status", "--porcelain", "--ignored"], in: checkout) == "")
    }
}
