import Foundation
import PedregalRequests
import Testing

/// The service owns its review branches: when the target branch moves, each
/// pending change is made again on the new head, so any merge order works
/// and main stays current; where that cannot be done, the cluster says why.
@Suite(.serialized) struct PendingChangeTests {
    static let base = "/api/v1/spark-connect-clusters"

    func withServer(_ body: (ServerHarness) async throws -> Void) async throws {
        try await ServerHarness.running(body)
    }

    /// Waits (up to a minute) until `condition` holds; false when it never did.
    func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<600 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    func isAncestor(_ fixture: GitFixture, _ ancestor: String, of ref: String) throws -> Bool {
        let output = try Git(directory: fixture.remote, environment: fixture.environment).runBlocking([
            "merge-base", "--is-ancestor", ancestor, ref,
        ])
        return output.status == 0
    }

    @Test func aReviewedChangeMergesAfterAnotherChangeOfItsTeamLanded() async throws {
        try await withServer { server in
            let token = try server.token()
            let prod = try await server.send(
                "POST", Self.base, body: #"{"team": "alpha", "environment": "prod", "region": "eu-west-1", "name": "eval"}"#, token: token)
            #expect(prod.status == 201, "\(prod.body)")
            #expect(prod.json["status"] as? String == "pending-review")
            let dev = try await server.send(
                "POST", Self.base, body: #"{"team": "alpha", "environment": "dev", "region": "us-west-2"}"#, token: token)
            #expect(dev.status == 201, "\(dev.body)")
            // The review branch now sits on main's new head and holds both entries.
            #expect(try isAncestor(server.fixture, "main", of: "cluster-requests/alpha/eval"))
            let onBranch = try #require(server.fixture.remoteFile("teams/alpha.yaml", at: "cluster-requests/alpha/eval"))
            #expect(onBranch.contains("- name: dev-us") && onBranch.contains("- name: eval"))
            #expect(try server.fixture.isCurrent("cluster-requests/alpha/eval"))
            let message = try server.fixture.git(["log", "-1", "--format=%B", "origin/cluster-requests/alpha/eval"])
            #expect(message.contains("Pedregal-Request: create") && message.contains("Pedregal-Cluster: alpha.eval"))

            let pending = try await server.send("GET", "\(Self.base)/alpha.eval", token: token)
            #expect(pending.json["status"] as? String == "pending-review", "\(pending.body)")
            let branchHead = try server.fixture.git(["rev-parse", "origin/cluster-requests/alpha/eval"])
            #expect((pending.json["pending_change"] as? [String: Any])?["commit"] as? String == branchHead)

            try server.fixture.merge("cluster-requests/alpha/eval")
            #expect(try server.fixture.isCurrent())
            let merged = try await server.send("GET", "\(Self.base)/alpha.eval", token: token)
            #expect(merged.json["status"] as? String == "provisioning", "\(merged.body)")
        }
    }

    @Test func aRepeatedRequestRebuildsOnTheNewHead() async throws {
        try await withServer { server in
            let token = try server.token()
            let body = #"{"team": "alpha", "environment": "prod", "region": "eu-west-1", "name": "eval"}"#
            #expect(try await server.send("POST", Self.base, body: body, token: token).status == 201)
            // Someone else moves main: a hand-made change to another part of the file.
            let file = try #require(server.fixture.remoteFile("teams/alpha.yaml"))
            try server.fixture.commitToMain(
                ["teams/alpha.yaml": file.replacingOccurrences(of: "members: [alpha]", with: "members: [alpha, alpha-readers]")],
                message: "more readers")
            let again = try await server.send(
                "POST", Self.base, body: body.replacingOccurrences(of: "}", with: #", "ttl": "14d"}"#), token: token)
            #expect(again.status == 200, "\(again.body)")
            #expect(try isAncestor(server.fixture, "main", of: "cluster-requests/alpha/eval"))
            try server.fixture.merge("cluster-requests/alpha/eval")
            #expect(try server.fixture.isCurrent())
            let merged = try #require(server.fixture.remoteFile("teams/alpha.yaml"))
            #expect(merged.contains("alpha-readers") && merged.contains("- name: eval"))
        }
    }

    @Test func twoReviewBranchesOfOneTeamMergeInEitherOrder() async throws {
        try await withServer { server in
            let token = try server.token()
            for name in ["first", "second"] {
                let reply = try await server.send(
                    "POST", Self.base, body: #"{"team": "alpha", "environment": "prod", "region": "eu-west-1", "name": "\#(name)"}"#,
                    token: token)
                #expect(reply.status == 201, "\(reply.body)")
            }
            // The second is merged first, by a reviewer; the service rebuilds the first on it.
            try server.fixture.merge("cluster-requests/alpha/second")
            #expect(try await eventually { try isAncestor(server.fixture, "main", of: "cluster-requests/alpha/first") })
            try server.fixture.merge("cluster-requests/alpha/first")
            #expect(try server.fixture.isCurrent())
            let file = try #require(server.fixture.remoteFile("teams/alpha.yaml"))
            #expect(file.components(separatedBy: "  - name: first\n").count == 2)
            #expect(file.components(separatedBy: "  - name: second\n").count == 2)
            for name in ["first", "second"] {
                let reply = try await server.send("GET", "\(Self.base)/alpha.\(name)", token: token)
                #expect(reply.json["status"] as? String == "provisioning", "\(reply.body)")
            }
        }
    }

    @Test func anEntryEditedByHandOnMainMakesThePendingChangeAConflict() async throws {
        try await withServer { server in
            let token = try server.token()
            let created = try await server.send(
                "POST", Self.base, body: #"{"team": "alpha", "environment": "prod", "region": "eu-west-1", "name": "eval"}"#, token: token)
            #expect(created.status == 201, "\(created.body)")
            try server.fixture.merge("cluster-requests/alpha/eval")
            let extended = try await server.send("PATCH", "\(Self.base)/alpha.eval", body: #"{"ttl": "60d"}"#, token: token)
            #expect(extended.status == 200, "\(extended.body)")
            #expect((extended.json["pending_change"] as? [String: Any])?["action"] as? String == "extend")
            // By hand on main: the same entry gets another engine.
            let file = try #require(server.fixture.remoteFile("teams/alpha.yaml"))
            try server.fixture.commitToMain(
                [
                    "teams/alpha.yaml": file.replacingOccurrences(
                        of: "    regions: [eu-west-1]\n", with: "    regions: [eu-west-1]\n    engine: \"4.0\"\n")
                ],
                message: "eval on Spark 4")
            var last = ""
            let conflict = try await eventually {
                let reply = try await server.send("GET", "\(Self.base)/alpha.eval", token: token)
                last = reply.body
                return reply.json["status"] as? String == "conflict"
            }
            #expect(conflict, "\(last)")
            #expect(last.contains("was changed on main"), "\(last)")
            #expect(last.contains("cluster-requests/alpha/eval"))
            // The branch was left as it was for a person to resolve.
            #expect(!(try isAncestor(server.fixture, "main", of: "cluster-requests/alpha/eval")))
        }
    }
}
