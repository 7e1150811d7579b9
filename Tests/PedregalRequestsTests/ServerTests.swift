import Foundation
import PedregalBasics
import PedregalCompiler
import PedregalRequests
import Testing

/// The Cluster Request API end to end: the server on loopback, a real git
/// remote, signed tokens, a real HTTP client.
@Suite(.serialized) struct ServerTests {
    static let base = "/api/v1/spark-connect-clusters"

    func withServer(_ body: (ServerHarness) async throws -> Void) async throws {
        try await ServerHarness.running(body)
    }

    @Test func createsInAnAutoApprovedEnvironmentAndCommitsToMain() async throws {
        try await withServer { server in
            let before = Int(Date().timeIntervalSince1970)
            let reply = try await server.send(
                "POST", Self.base,
                body: """
                    {"team": "alpha", "environment": "dev", "region": "us-west-2", "catalogs": ["pedregal", "feature_store"], "ttl": "7d"}
                    """, token: try server.token())
            #expect(reply.status == 201, "\(reply.body)")
            let json = reply.json
            #expect(json["cluster_id"] as? String == "alpha.dev-us")
            #expect(json["status"] as? String == "provisioning")
            #expect(json["endpoint"] as? String == "sc://alpha-dev-us-dev.example.team")
            #expect(json["catalogs"] as? [String] == ["pedregal", "feature_store"])
            #expect(json["size"] as? String == "small")
            // ttl → expiresAt: the service's clock plus seven days.
            let expires = try #require(json["expires_at"] as? String)
            let seconds = try #require(RFC3339.seconds(expires))
            #expect(abs(Int(seconds) - (before + 7 * 86_400)) < 60)
            // A minimal edit of the team file, on main, with generated/ in the same commit.
            let file = try #require(server.fixture.remoteFile("teams/alpha.yaml"))
            #expect(
                file == GitFixture.team + """
                    sparkConnect:
                      - name: dev-us
                        environments: [dev]
                        regions: [us-west-2]
                        catalogs: [pedregal, feature_store]
                        expiresAt: \(expires)

                    """)
            #expect(server.fixture.remoteFile("generated/sk8-us-west-2/sjns-alpha-dev/service-sc-dev-us.yaml") != nil)
            let compiled = try server.fixture.compileRemoteMain()
            #expect(!compiled.hasErrors)
            let message = try server.fixture.git(["log", "-1", "--format=%B", "origin/main"])
            #expect(message.contains("Pedregal-Request: create"))
            #expect(message.contains("Pedregal-Requested-By: alice@example.com"))

            // Read and list say the same; members read too.
            let read = try await server.send("GET", "\(Self.base)/alpha.dev-us", token: try server.token("bob", groups: ["alpha"]))
            #expect(read.status == 200)
            #expect(read.json["status"] as? String == "provisioning")
            #expect((read.json["reason"] as? String)?.contains("no connection to cluster sk8-us-west-2") == true)
            let list = try await server.send("GET", "\(Self.base)?team=alpha", token: try server.token())
            #expect(list.status == 200)
            #expect(((list.json["items"] as? [[String: Any]]) ?? []).map { $0["cluster_id"] as? String } == ["alpha.dev-us"])
            let soon = try await server.send("GET", "\(Self.base)?expiring_within=1d", token: try server.token())
            #expect((soon.json["items"] as? [Any])?.count == 0)
            let week = try await server.send("GET", "\(Self.base)?expiring_within=8d", token: try server.token())
            #expect((week.json["items"] as? [Any])?.count == 1)
        }
    }

    @Test func reviewedEnvironmentsGetABranchUntilMerged() async throws {
        try await withServer { server in
            let token = try server.token()
            let reply = try await server.send(
                "POST", Self.base,
                body: """
                    {"team": "alpha", "environment": "staging", "region": "us-west-2", "name": "eval"}
                    """, token: token)
            #expect(reply.status == 201, "\(reply.body)")
            #expect(reply.json["status"] as? String == "pending-review")
            #expect(server.fixture.remoteFile("teams/alpha.yaml") == GitFixture.team)
            #expect(server.fixture.remoteFile("teams/alpha.yaml", at: "cluster-requests/alpha/eval")?.contains("- name: eval") == true)

            // A repeated request for the same cluster updates its pending change.
            let again = try await server.send(
                "POST", Self.base,
                body: """
                    {"team": "alpha", "environment": "staging", "region": "us-west-2", "name": "eval", "ttl": "14d"}
                    """, token: token)
            #expect(again.status == 200, "\(again.body)")
            #expect(again.json["status"] as? String == "pending-review")
            let log = try server.fixture.git(["log", "--format=%s", "refs/heads/cluster-requests/alpha/eval"], in: server.fixture.remote)
            #expect(log.split(separator: "\n").prefix(2) == ["Cluster request: update alpha.eval", "Cluster request: create alpha.eval"])

            try server.fixture.merge("cluster-requests/alpha/eval")
            let merged = try await server.send("GET", "\(Self.base)/alpha.eval", token: token)
            #expect(merged.json["status"] as? String == "provisioning", "\(merged.body)")
            #expect(merged.json["pending_change"] is NSNull)

            // Deleting it is a reviewed change too.
            let deletion = try await server.send("DELETE", "\(Self.base)/alpha.eval", token: token)
            #expect(deletion.status == 202, "\(deletion.body)")
            #expect(deletion.json["status"] as? String == "pending-review")
            let pending = try await server.send("GET", "\(Self.base)/alpha.eval", token: token)
            #expect((pending.json["pending_change"] as? [String: Any])?["action"] as? String == "delete")
            try server.fixture.merge("cluster-requests/alpha/eval")
            let gone = try await server.send("GET", "\(Self.base)/alpha.eval", token: token)
            #expect(gone.status == 404, "\(gone.body)")
        }
    }

    @Test func aChangeClosedWithoutMergingIsFailedNotPending() async throws {
        try await withServer { server in
            let token = try server.token()
            _ = try await server.send(
                "POST", Self.base, body: #"{"team": "alpha", "environment": "staging", "region": "us-west-2"}"#, token: token)
            // The reviewer closes it: the branch goes, unmerged.
            try server.fixture.git(["push", "-q", "origin", ":refs/heads/cluster-requests/alpha/staging-us"])
            let reply = try await server.send("GET", "\(Self.base)/alpha.staging-us", token: token)
            #expect(reply.json["status"] as? String == "failed")
            #expect((reply.json["reason"] as? String)?.contains("closed without being merged") == true)
        }
    }

    @Test func withdrawsAnUnmergedRequest() async throws {
        try await withServer { server in
            let token = try server.token()
            _ = try await server.send(
                "POST", Self.base, body: #"{"team": "alpha", "environment": "staging", "region": "us-west-2"}"#, token: token)
            let deletion = try await server.send("DELETE", "\(Self.base)/alpha.staging-us", token: token)
            #expect(deletion.status == 200)
            #expect(deletion.json["status"] as? String == "withdrawn")
            #expect(deletion.json["commit"] is NSNull)
            #expect(try server.fixture.remoteRefs()["refs/heads/cluster-requests/alpha/staging-us"] == nil)
            #expect(try await server.send("GET", "\(Self.base)/alpha.staging-us", token: token).status == 404)
        }
    }

    @Test func extendsWithinTheMaximumAndDeletesOnMain() async throws {
        try await withServer { server in
            let token = try server.token()
            _ = try await server.send(
                "POST", Self.base, body: #"{"team": "alpha", "environment": "dev", "region": "us-west-2", "ttl": "1d"}"#, token: token)
            let tooLong = try await server.send("PATCH", "\(Self.base)/alpha.dev-us", body: #"{"ttl": "31d"}"#, token: token)
            #expect(tooLong.status == 422)
            #expect((tooLong.json["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/ttl")
            let persistent = try await server.send("PATCH", "\(Self.base)/alpha.dev-us", body: #"{"ttl": "persistent"}"#, token: token)
            #expect(persistent.status == 422)
            let extended = try await server.send("PATCH", "\(Self.base)/alpha.dev-us", body: #"{"ttl": "30d"}"#, token: token)
            #expect(extended.status == 200, "\(extended.body)")
            let seconds = try #require((extended.json["expires_at"] as? String).flatMap(RFC3339.seconds))
            #expect(Int(seconds) > Int(Date().timeIntervalSince1970) + 29 * 86_400)
            let deletion = try await server.send("DELETE", "\(Self.base)/alpha.dev-us", token: token)
            #expect(deletion.status == 200)
            #expect(deletion.json["status"] as? String == "committed")
            #expect(server.fixture.remoteFile("teams/alpha.yaml") == GitFixture.team)
            #expect(server.fixture.remoteFile("generated/sk8-us-west-2/sjns-alpha-dev/service-sc-dev-us.yaml") == nil)
        }
    }

    @Test func refusesWhoMayNot() async throws {
        try await withServer { server in
            let body = #"{"team": "alpha", "environment": "staging", "region": "us-west-2"}"#
            let none = try await server.send("POST", Self.base, body: body, token: nil)
            #expect(none.status == 401)
            #expect(none.headers["content-type"] == "application/problem+json")
            #expect(none.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
            #expect(try await server.send("POST", Self.base, body: body, token: "a.b.c").status == 401)
            #expect(try await server.send("GET", Self.base, token: try server.token(lifetime: -120)).status == 401)
            let other = try TokenIssuerForTests.foreignToken()
            #expect(try await server.send("GET", Self.base, token: other).status == 401)
            // Members may request in dev only; strangers never.
            let member = try await server.send("POST", Self.base, body: body, token: try server.token("bob", groups: ["alpha"]))
            #expect(member.status == 403, "\(member.body)")
            #expect(member.json["type"] as? String == "urn:pedregal:problem:forbidden")
            let devByMember = try await server.send(
                "POST", Self.base, body: #"{"team": "alpha", "environment": "dev", "region": "us-west-2"}"#,
                token: try server.token("bob", groups: ["alpha"]))
            #expect(devByMember.status == 201, "\(devByMember.body)")
            let stranger = try server.token("eve", groups: ["beta-admins"])
            #expect(try await server.send("POST", Self.base, body: body, token: stranger).status == 403)
            #expect(try await server.send("GET", "\(Self.base)/alpha.dev-us", token: stranger).status == 403)
            #expect(try await server.send("DELETE", "\(Self.base)/alpha.dev-us", token: stranger).status == 403)
        }
    }

    @Test func answersBadRequestsWithProblems() async throws {
        try await withServer { server in
            let token = try server.token()
            let unknown = try await server.send(
                "POST", Self.base, body: #"{"team": "alpha", "enviroment": "dev", "region": 3}"#, token: token)
            #expect(unknown.status == 422)
            #expect(
                (unknown.json["errors"] as? [[String: Any]])?.compactMap { $0["pointer"] as? String } == [
                    "/enviroment", "/environment", "/region",
                ])
            #expect((unknown.json["detail"] as? String)?.contains("did you mean 'environment'?") == true)
            #expect(try await server.send("POST", Self.base, body: "{not json", token: token).status == 400)
            let region = try await server.send(
                "POST", Self.base, body: #"{"team": "alpha", "environment": "dev", "region": "eu-west-1"}"#, token: token)
            #expect(region.status == 422)
            #expect((region.json["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/region")
            let team = try await server.send(
                "POST", Self.base, body: #"{"team": "alpah", "environment": "dev", "region": "us-west-2"}"#, token: token)
            #expect(team.status == 422)
            #expect((team.json["detail"] as? String)?.contains("unknown team") == true)
            let closed = try await server.send(
                "POST", Self.base, body: #"{"team": "alpha", "environment": "prod", "region": "us-west-2", "ttl": "91d"}"#, token: token)
            #expect(closed.status == 422)
            // A change that does not compile: a large server cannot fit dev's small quota.
            let large = try await server.send(
                "POST", Self.base, body: #"{"team": "alpha", "environment": "dev", "region": "us-west-2", "size": "large"}"#, token: token)
            #expect(large.status == 422, "\(large.body)")
            #expect(large.json["type"] as? String == "urn:pedregal:problem:does-not-compile")
            let diagnostic = try #require((large.json["diagnostics"] as? [[String: Any]])?.first)
            #expect(diagnostic["file"] as? String == "teams/alpha.yaml")
            #expect(diagnostic["code"] as? String == "exceeds-quota")
            #expect((diagnostic["line"] as? Int ?? 0) > 15)
            #expect(server.fixture.remoteFile("teams/alpha.yaml") == GitFixture.team)
            // A name that exists elsewhere.
            _ = try await server.send(
                "POST", Self.base, body: #"{"team": "alpha", "environment": "dev", "region": "us-west-2", "name": "x"}"#, token: token)
            let clash = try await server.send(
                "POST", Self.base, body: #"{"team": "alpha", "environment": "prod", "region": "eu-west-1", "name": "x"}"#, token: token)
            #expect(clash.status == 409, "\(clash.body)")
            #expect(try await server.send("GET", "\(Self.base)/alpha.nothing", token: token).status == 404)
            #expect(try await server.send("GET", "\(Self.base)/not-an-id", token: token).status == 404)
            let route = try await server.send("GET", "/api/v2/nothing", token: token)
            #expect(route.status == 404)
            #expect(route.headers["content-type"] == "application/problem+json")
            let big = String(repeating: " ", count: 70_000)
            let tooLarge = try await server.send("POST", Self.base, body: "{\"team\": \"alpha\"\(big)}", token: token)
            #expect(tooLarge.status == 413)
        }
    }

    @Test func idempotencyKeysReturnTheFirstAnswer() async throws {
        try await withServer { server in
            let token = try server.token()
            let body = #"{"team": "alpha", "environment": "dev", "region": "us-west-2"}"#
            let first = try await server.send("POST", Self.base, body: body, token: token, headers: ["Idempotency-Key": "k-1"])
            #expect(first.status == 201)
            let commits = try server.fixture.git(["rev-list", "--count", "main"], in: server.fixture.remote)
            let retry = try await server.send("POST", Self.base, body: body, token: token, headers: ["Idempotency-Key": "k-1"])
            #expect(retry.status == 201)
            #expect(retry.body == first.body)
            #expect(retry.headers["idempotent-replayed"] == "true")
            #expect(try server.fixture.git(["rev-list", "--count", "main"], in: server.fixture.remote) == commits)
            let other = try await server.send(
                "POST", Self.base, body: body.replacingOccurrences(of: "}", with: ", \"ttl\": \"2d\"}"),
                token: token, headers: ["Idempotency-Key": "k-1"])
            #expect(other.status == 422)
            #expect(other.json["type"] as? String == "urn:pedregal:problem:idempotency-key-reused")
        }
    }

    @Test func servesHealthMetricsAndTheDocument() async throws {
        try await withServer { server in
            #expect(try await server.send("GET", "/healthz", token: nil).status == 200)
            #expect(try await server.send("GET", "/readyz", token: nil).status == 200)
            let document = try await server.send("GET", "/openapi.yaml", token: nil)
            #expect(document.body == OpenAPIDocument.text)
            _ = try await server.send("GET", Self.base, token: try server.token())
            let metrics = try await server.send("GET", "/metrics", token: nil)
            #expect(
                metrics.body.contains("pedregal_requests_total{method=\"GET\",route=\"/api/v1/spark-connect-clusters\",status=\"200\"} 1"))
            // The latency histogram has the request in its last bucket, with its help text; the
            // request being answered (the scrape itself) is in flight.
            #expect(
                metrics.body.contains(
                    "pedregal_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/spark-connect-clusters\",le=\"+Inf\"} 1"))
            #expect(metrics.body.contains("# HELP pedregal_request_duration_seconds Time to answer a request"))
            #expect(metrics.body.contains("# TYPE pedregal_request_duration_seconds histogram"))
            #expect(metrics.body.contains("pedregal_requests_in_flight 1"))
            #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        }
    }
}
